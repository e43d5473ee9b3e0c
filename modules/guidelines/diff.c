/*
 * diff.c: a line diff between two versions (longest common subsequence,
 * fine for documents of a few thousand lines; longer ones are not compared)
 * and the CSV export, escaped so that no cell can become a spreadsheet
 * formula.
 */
#include <stdlib.h>
#include <string.h>

#include "guidelines.h"

#define A	gl_api

/* Split text into lines (copies; the caller frees lines[0] and lines). */
static char **
split_lines(const char *text, size_t *n)
{
	char	*copy = strdup(text ? text : ""), *p, **lines;
	size_t	 cap = 16;

	if (copy == NULL || (lines = malloc(cap * sizeof *lines)) == NULL)
		abort();
	*n = 0;
	for (p = copy; *p != '\0';) {
		if (*n == cap && (lines = realloc(lines, (cap *= 2) *
		    sizeof *lines)) == NULL)
			abort();
		lines[(*n)++] = p;
		p += strcspn(p, "\n");
		if (*p == '\n')
			*p++ = '\0';
	}
	if (*n == 0)
		lines[0] = copy;	/* keep copy reachable for free */
	else if (lines[0] != copy)
		abort();
	return lines;
}

/* One line of the diff. */
static void
diff_add(json_t *out, const char *op, const char *line)
{
	json_array_append_new(out, json_pack("{s:s, s:b, s:b, s:s}", "op",
	    op, "added", op[0] == '+', "removed", op[0] == '-', "text", line));
}

/*
 * The lines of b against a: {op: " " | "+" | "-", text}; NULL when the
 * texts are too long to compare.
 */
json_t *
gl_diff(const char *a, const char *b)
{
	char		**la, **lb;
	size_t		  na, nb, i, j;
	unsigned	 *len;
	json_t		 *out;

	la = split_lines(a, &na);
	lb = split_lines(b, &nb);
	if ((na + 1) * (nb + 1) > GL_DIFF_MAX) {
		free(la[0]);
		free(la);
		free(lb[0]);
		free(lb);
		return NULL;
	}
	/* len[i][j]: the LCS of la[i..] and lb[j..] */
	len = calloc((na + 1) * (nb + 1), sizeof *len);
	if (len == NULL)
		abort();
#define L(x, y) len[(x) * (nb + 1) + (y)]
	for (i = na; i-- > 0;)
		for (j = nb; j-- > 0;)
			L(i, j) = strcmp(la[i], lb[j]) == 0 ? L(i + 1, j + 1) +
			    1 : (L(i + 1, j) > L(i, j + 1) ? L(i + 1, j) :
			    L(i, j + 1));
	out = json_array();
	for (i = 0, j = 0; i < na || j < nb;) {
		if (i < na && j < nb && strcmp(la[i], lb[j]) == 0) {
			diff_add(out, " ", la[i]);
			i++;
			j++;
		} else if (j < nb && (i == na || L(i, j + 1) >= L(i + 1, j)))
			diff_add(out, "+", lb[j++]);
		else
			diff_add(out, "-", la[i++]);
	}
#undef L
	free(len);
	free(la[0]);
	free(la);
	free(lb[0]);
	free(lb);
	return out;
}

/* Append a CSV cell: always quoted, quotes doubled, and a leading
 * = + - @ (or tab, CR) defused with an apostrophe so spreadsheets show
 * it as text instead of running it as a formula. */
static void
csv_cell(char **buf, size_t *len, size_t *cap, const char *s, int last)
{
	size_t	need = strlen(s) * 2 + 8;

	if (*len + need >= *cap) {
		*cap = (*len + need) * 2;
		if ((*buf = realloc(*buf, *cap)) == NULL)
			abort();
	}
	(*buf)[(*len)++] = '"';
	if (strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0')
		(*buf)[(*len)++] = '\'';
	for (; *s != '\0'; s++) {
		if (*s == '"')
			(*buf)[(*len)++] = '"';
		(*buf)[(*len)++] = *s;
	}
	(*buf)[(*len)++] = '"';
	if (last) {
		(*buf)[(*len)++] = '\r';
		(*buf)[(*len)++] = '\n';
	} else
		(*buf)[(*len)++] = ',';
}

/*
 * The people of a list as CSV (RFC 4180): which is "acknowledged",
 * "pending" or NULL for both. Returns request memory.
 */
char *
gl_csv(struct hm_req *r, const struct gl_list *l, const char *which,
    size_t *outlen)
{
	char		*buf = NULL, *out;
	size_t		 len = 0, cap = 0, i;
	const struct gl_person *p;

	csv_cell(&buf, &len, &cap, "username", 0);
	csv_cell(&buf, &len, &cap, "display_name", 0);
	csv_cell(&buf, &len, &cap, "status", 0);
	csv_cell(&buf, &len, &cap, "acknowledged_at", 0);
	csv_cell(&buf, &len, &cap, "via", 1);
	for (i = 0; i < l->n; i++) {
		p = &l->v[i];
		if (which != NULL && (strcmp(which, "pending") == 0) !=
		    (p->acked_at == 0))
			continue;
		csv_cell(&buf, &len, &cap, p->username, 0);
		csv_cell(&buf, &len, &cap, p->display_name, 0);
		csv_cell(&buf, &len, &cap, p->acked_at ? "acknowledged" :
		    "pending", 0);
		csv_cell(&buf, &len, &cap, p->acked_at ? gl_iso(r,
		    p->acked_at) : "", 0);
		csv_cell(&buf, &len, &cap, p->via ? p->via : "", 1);
	}
	out = A->req_printf(r, "%.*s", (int)len, buf);
	free(buf);
	*outlen = len;
	return out;
}
