/*
 * render.h: output made from jansson values: the Mustache-like templates
 * (render.c) and the JSON writer (jsonw.c). A leaf library like lib.h, kept
 * apart so that the leaves which do not speak JSON do not see jansson.
 */
#ifndef HEARTH_RENDER_H
#define HEARTH_RENDER_H

#include <stddef.h>

struct evbuffer;
struct json_t;		/* jansson's json_t, for those who include it */

/* render.c */
int		 render_init(const char *, char **);
void		 render_free(void);
int		 render_template(struct evbuffer *, const char *, struct json_t *);
int		 render_template_lang(struct evbuffer *, const char *,
		     struct json_t *, int);
struct json_t	*render_frozen(const char *, struct json_t *, int);
int		 render_load_dir(const char *, const char *, char **);
int		 render_string(struct evbuffer *, const char *, size_t, struct json_t *,
		     char **);

/* render-lend.c */
const char	*render_lend(struct evbuffer *, const void *);
struct evbuffer	*render_lent_take(const char *, size_t);
void		 render_lent_clear(const void *);

/* jsonw.c */
void		 jsonw_string(struct evbuffer *, const char *, size_t);
void		 jsonw_value(struct evbuffer *, struct json_t *);

#endif
