/*
 * count.c: a count in words, in the reader's language. Its own file so
 * that the card's parts (card-actions.c) and the views (view.c), which
 * call each other's neighbours, both use it without a cycle.
 */
#include <stdio.h>

#include "pages.h"

/*
 * fmt, a form trn chose ("{n} member"), with {n} filled in:
 * web_count(a, n, trn(lang, n, "{n} member", "{n} members")).
 */
const char *
web_count(struct arena *a, long long n, const char *fmt)
{
	char	num[24];

	snprintf(num, sizeof num, "%lld", n);
	return i18n_format(a, fmt, "n", num, NULL);
}
