/*
 * sanitize.h: outside HTML made safe to show inside (sanitize.c).
 */
#ifndef BRIDGE_SANITIZE_H
#define BRIDGE_SANITIZE_H

#include <stddef.h>

#define SANITIZE_IN_MAX		(256 * 1024)	/* bytes of HTML read */
#define SANITIZE_DEPTH_MAX	32		/* nesting kept as elements */

/* What came out: both malloc'ed, NUL-ended. */
struct sanitized {
	char	*html;		/* Mastodon's allowlist, links rel-marked */
	char	*text;		/* the words, for search and notifications */
};
int	sanitize_html(const char *, size_t, struct sanitized *);
void	sanitized_free(struct sanitized *);
/* Plain text (a name, a summary) as HTML-escaped text; malloc'ed. */
char	*sanitize_text(const char *, size_t);

#endif
