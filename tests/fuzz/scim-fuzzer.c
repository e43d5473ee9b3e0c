/*
 * scim-fuzzer.c: SCIM's filter and PATCH path parsers (scim-filter.c),
 * which read what a directory sends: the input as a ?filter= and as a
 * PATCH path. Beyond not crashing: a tree has no node without its
 * operands and only UTF-8 text; its SQL, when it has some, binds exactly
 * one value per "?" and opens as many parentheses as it closes; and
 * matching it in memory ends. A refusal always says why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hearth.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Check a tree's shape; its number of nodes. */
static size_t
check_tree(const struct scim_filter *f, int depth)
{
	if (f == NULL || depth > 64)
		abort();
	switch (f->op) {
	case SF_AND:
	case SF_OR:
		if (f->b == NULL)
			abort();
		return 1 + check_tree(f->a, depth + 1) +
		    check_tree(f->b, depth + 1);
	case SF_NOT:
		return 1 + check_tree(f->a, depth + 1);
	case SF_VALUES:
		if (f->attr == NULL || *f->attr == '\0')
			abort();
		return 1 + check_tree(f->a, depth + 1);
	default:
		if (f->attr == NULL || *f->attr == '\0' ||
		    !utf8_valid((const unsigned char *)f->attr,
		    strlen(f->attr)))
			abort();
		if (f->op != SF_PR && (f->kind == SV_STRING ||
		    f->kind == SV_NUMBER) &&
		    (f->value == NULL || !utf8_valid((const unsigned char *)
		    f->value, strlen(f->value))))
			abort();
		return 1;
	}
}

/* The SQL of a tree: "?"s and arguments agree, parentheses balance. */
static void
check_sql(struct arena *a, const struct scim_filter *f,
    enum scim_resource res)
{
	struct scim_sql	 w;
	char		*cause = NULL;
	const char	*p;
	size_t		 marks = 0;
	long		 open = 0;

	if (scim_filter_sql(a, f, res, &w, &cause) != 0) {
		if (cause == NULL || *cause == '\0')
			abort();
		free(cause);
		return;
	}
	for (p = w.where; *p != '\0'; p++) {
		marks += *p == '?';
		open += *p == '(' ? 1 : *p == ')' ? -1 : 0;
		if (open < 0)
			abort();
	}
	if (marks != w.nargs || open != 0)
		abort();
}

/* A value to match against: one e-mail address or member. */
static const char *
get(void *arg, const char *name)
{
	(void)arg;
	if (strcasecmp(name, "value") == 0)
		return "12";
	if (strcasecmp(name, "type") == 0)
		return "work";
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena		*a = arena_new();
	char			*s = xstrndup((const char *)data, size);
	char			*cause = NULL;
	struct scim_filter	*f;
	struct scim_path	 p;

	if ((f = scim_filter_parse(a, s, &cause)) != NULL) {
		if (cause != NULL || check_tree(f, 0) > 128)
			abort();
		check_sql(a, f, SCIM_USERS);
		check_sql(a, f, SCIM_GROUPS);
		(void)scim_filter_match(f, get, NULL);
	} else if (cause == NULL || *cause == '\0')
		abort();
	free(cause);
	cause = NULL;
	if (scim_path_parse(a, s, &p, &cause) == 0) {
		if (cause != NULL || p.attr == NULL || *p.attr == '\0' ||
		    (p.sub != NULL && p.filter == NULL))
			abort();
		if (p.filter != NULL) {
			check_tree(p.filter, 0);
			(void)scim_filter_match(p.filter, get, NULL);
		}
	} else if (cause == NULL || *cause == '\0')
		abort();
	free(cause);
	free(s);
	arena_free(a);
	return 0;
}
