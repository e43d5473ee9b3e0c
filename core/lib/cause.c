/*
 * cause.c: a refusal's words kept as their untranslated pattern and
 * arguments, so that one cause serves everyone who reads it. The domain
 * words a cause once, for the API, hearthctl and the logs, which read it in
 * English (Mastodon's errors are English); a web page shows the same cause
 * in its reader's language, which a formatted string could not give it (a
 * text with a name or a number in it is in no catalogue).
 *
 * The cause stays a plain string, so the hundreds of `char **cause` paths
 * keep their shape: cause_new() returns the English text and also keeps
 * its pattern and arguments on the thread that made it, where whoever hands
 * the cause on takes them (cause_take: the writer's job, right after the
 * domain's command returns on the writer thread; a page, right after it
 * called the domain on the loop). What is taken must say the very text it
 * was made with, so a cause replaced or rewritten in between is shown as it
 * stands, translated only if the catalogue has it whole (tr()).
 *
 * A record holds no pointer to the caller's memory: patterns, names and
 * words are string literals; a text argument is copied into the record, so
 * it can cross threads and outlive the domain's buffers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"

#define CAUSE_TEXT_MAX	255

/* The thread's last cause, until taken; have says whether it holds one. */
static __thread struct cause	last;
static __thread int		have;

/* Append n bytes of s to out (of size cap) at *len; cut at the end. */
static void
put(char *out, size_t cap, size_t *len, const char *s, size_t n)
{
	if (*len + n >= cap)
		n = *len + 1 < cap ? cap - *len - 1 : 0;
	memcpy(out + *len, s, n);
	*len += n;
	out[*len] = '\0';
}

/* An argument's value in a language; lang -1 is the source's English
 * (plain digits), what the API and hearthctl read. */
static const char *
arg_value(const struct cause *c, const struct cause_arg *a, int lang,
    char *buf, size_t len)
{
	switch (a->kind) {
	case CA_TEXT:
		return c->store + a->off;
	case CA_WORD:
		return lang < 0 ? a->word : tr(lang, a->word);
	case CA_ID:
	case CA_NUM:
		if (lang < 0 || a->kind == CA_ID) {
			snprintf(buf, len, "%lld", (long long)a->num);
			return buf;
		}
		return i18n_number(buf, len, lang, a->num);
	case CA_SIZE:
		return i18n_size(buf, len, lang < 0 ? LANG_EN : lang, a->num);
	}
	return "";
}

/* Write c's pattern in lang (translated unless lang < 0) with its
 * arguments in place into out; an unknown {x} stays as it is. */
static void
render(const struct cause *c, int lang, char *out, size_t cap)
{
	const char	*fmt, *p, *close, *v;
	char		 num[48];
	size_t		 len = 0, n;
	int		 i;

	if (c->other != NULL)
		fmt = lang < 0 ? (c->n == 1 ? c->one : c->other) :
		    trn(lang, c->n, c->one, c->other);
	else
		fmt = lang < 0 ? c->one : tr(lang, c->one);
	out[0] = '\0';
	for (p = fmt; *p != '\0';) {
		if (*p == '{' && (close = strchr(p + 1, '}')) != NULL) {
			n = close - p - 1;
			for (i = 0; i < c->nargs; i++) {
				if (strlen(c->args[i].name) == n &&
				    memcmp(c->args[i].name, p + 1, n) == 0)
					break;
			}
			if (i < c->nargs) {
				v = arg_value(c, &c->args[i], lang, num,
				    sizeof num);
				put(out, cap, &len, v, strlen(v));
				p = close + 1;
				continue;
			}
		}
		put(out, cap, &len, p, 1);
		p++;
	}
}

/*
 * The English text of a cause made of a pattern ({name} placeholders) and
 * arguments (CT, CW, CN, CZ, CI), xmalloc'd, the pattern and arguments
 * kept on this thread for cause_take. With other not NULL, one and other
 * are the plural's English forms, picked by n. Use cause_new or
 * cause_newn.
 */
char *
cause_make(int64_t n, const char *one, const char *other, ...)
{
	struct cause		*c = &last;
	struct cause_arg	*a;
	const char		*s;
	size_t			 used = 0, sl;
	va_list			 ap;
	int			 kind;
	char			*out;

	memset(c, 0, offsetof(struct cause, store));
	c->one = one;
	c->other = other;
	c->n = n;
	va_start(ap, other);
	while ((kind = va_arg(ap, int)) != CA_END) {
		if (c->nargs == CAUSE_ARGS)
			fatalx("cause_make: more than %d arguments for \"%s\"",
			    CAUSE_ARGS, one);
		a = &c->args[c->nargs++];
		a->kind = kind;
		a->name = va_arg(ap, const char *);
		if (kind == CA_TEXT || kind == CA_WORD) {
			s = va_arg(ap, const char *);
			if (s == NULL)
				s = "";
			a->word = s;
			if (kind == CA_TEXT) {
				/* at most CAUSE_TEXT_MAX bytes, whole
				 * characters, so four fit before the text */
				sl = strlen(s);
				if (sl > CAUSE_TEXT_MAX) {
					sl = CAUSE_TEXT_MAX;
					while (sl > 0 &&
					    ((unsigned char)s[sl] & 0xc0) ==
					    0x80)
						sl--;
				}
				a->off = used;
				memcpy(c->store + used, s, sl);
				c->store[used + sl] = '\0';
				used += sl + 1;
				a->word = NULL;
			}
		} else
			a->num = va_arg(ap, int64_t);
	}
	va_end(ap);
	c->text_off = used;
	render(c, -1, c->store + c->text_off, sizeof c->store - c->text_off);
	out = xstrdup(c->store + c->text_off);
	have = 1;
	return out;
}

/* Copy a cause made by cause_new into a buffer (the domain's fixed
 * cause[] fields), freeing it; a cut one is shown as it stands. */
void
cause_copy(char *buf, size_t len, char *made)
{
	if (len > 0)
		snprintf(buf, len, "%s", made);
	free(made);
}

/*
 * The pattern and arguments of this thread's last cause if it still
 * says text, xmalloc'd (cause_free), else NULL; either way the thread
 * forgets it. Call it where the cause changes hands.
 */
struct cause *
cause_take(const char *text)
{
	struct cause	*c = NULL;

	if (have && text != NULL && strcmp(last.store + last.text_off,
	    text) == 0) {
		c = xmalloc(sizeof *c);
		memcpy(c, &last, sizeof *c);
	}
	have = 0;
	return c;
}

/*
 * For a cause made on one thread and handed on from another (a worker's,
 * returned by the writer's command): keep its pattern in *out (1), if it
 * is this thread's last and says text; cause_put then makes it the last
 * cause of the thread that hands it on.
 */
int
cause_keep(struct cause *out, const char *text)
{
	struct cause	*c = cause_take(text);

	if (c == NULL)
		return 0;
	memcpy(out, c, sizeof *out);
	cause_free(c);
	return 1;
}

/* Make c (kept by cause_keep) this thread's last cause. */
void
cause_put(const struct cause *c)
{
	memcpy(&last, c, sizeof last);
	have = 1;
}

/* Forget a taken cause. */
void
cause_free(struct cause *c)
{
	free(c);
}

/* A taken cause in a language, in the arena. */
char *
cause_tr(struct arena *a, int lang, const struct cause *c)
{
	char	buf[sizeof c->store];

	render(c, lang, buf, sizeof buf);
	return arena_strdup(a, buf);
}

/*
 * A taken cause in a language with one argument shown as a marked word
 * instead (translated): a form's label for the API's field name.
 */
char *
cause_tr_as(struct arena *a, int lang, const struct cause *c,
    const char *name, const char *word)
{
	struct cause	*copy = arena_alloc(a, sizeof *copy);
	int		 i;

	memcpy(copy, c, sizeof *copy);
	for (i = 0; i < copy->nargs; i++) {
		if (strcmp(copy->args[i].name, name) == 0) {
			copy->args[i].kind = CA_WORD;
			copy->args[i].word = word;
		}
	}
	return cause_tr(a, lang, copy);
}

/*
 * What to show for a cause in a language: its pattern translated with its
 * arguments if this thread made it (or c, taken earlier, says it), else
 * the catalogue's translation of the whole text, else the text; in the
 * arena either way.
 */
const char *
cause_say(struct arena *a, int lang, const char *text, const struct cause *c)
{
	struct cause	*mine = NULL;
	const char	*out;

	if (text == NULL)
		return NULL;
	if (c == NULL || strcmp(c->store + c->text_off, text) != 0)
		c = mine = cause_take(text);
	out = c != NULL ? cause_tr(a, lang, c) : arena_strdup(a, tr(lang,
	    text));
	cause_free(mine);
	return out;
}
