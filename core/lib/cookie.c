/*
 * cookie.c: the Cookie request header (RFC 6265 section 5.4 form:
 * "a=1; b=2"). Values are taken verbatim; malformed pairs are skipped, as
 * browsers do, rather than failing the whole request.
 */
#include <string.h>

#include "lib.h"

#define COOKIE_MAX 64

/* Parse a Cookie header into a list; always succeeds, returns the count. */
int
cookie_parse(struct arena *a, const char *hdr, struct kvlist *out)
{
	const char	*p = hdr, *semi, *eq, *ks, *ke, *vs, *ve;

	while (*p != '\0' && out->n < COOKIE_MAX) {
		semi = strchr(p, ';');
		if (semi == NULL)
			semi = p + strlen(p);
		eq = memchr(p, '=', semi - p);
		if (eq != NULL) {
			ks = p;
			ke = eq;
			while (ks < ke && (*ks == ' ' || *ks == '\t'))
				ks++;
			while (ke > ks && (ke[-1] == ' ' || ke[-1] == '\t'))
				ke--;
			vs = eq + 1;
			ve = semi;
			while (vs < ve && (*vs == ' ' || *vs == '\t'))
				vs++;
			while (ve > vs && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			if (ve - vs >= 2 && *vs == '"' && ve[-1] == '"') {
				vs++;
				ve--;
			}
			if (ke > ks)
				kv_add(a, out, arena_strndup(a, ks, ke - ks),
				    arena_strndup(a, vs, ve - vs));
		}
		p = *semi ? semi + 1 : semi;
	}
	return (int)out->n;
}
