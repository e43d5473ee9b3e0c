/*
 * web.h: what the programs see of the web UI: its route table, its static
 * assets and its cache of rendered post cards, which hearthd sets up.
 */
#ifndef HEARTH_WEB_H
#define HEARTH_WEB_H

#include <stddef.h>

struct route;
struct req;
struct media;

/* routes.c */
extern const struct route	web_routes[];
extern const size_t		web_nroutes;

/* asset.c */
int		 asset_init(const char *, char **);
void		 asset_free(void);

/* oidc.c: the hook that lets a provider's session sign out there */
void		 web_oidc_init(void);
void		 web_notifications_init(void);
void		 web_side_init(void);	/* side.c */
void		 web_side_free(void);
void		 web_js_words_init(void);	/* js-words.c */
void		 web_admin_init(void);

/* media.c: a stored file as GET /media/NAME serves it (the bridge's
 * public listener too) */
void		 web_media_send(struct req *, const char *,
		     const struct media *);
void		 web_avatar_cache_init(size_t);
void		 web_avatar_cache_free(void);

/* card.c: the cache of rendered post cards */
void		 web_card_init(size_t);
void		 web_cards_load(const struct config *);
void		 web_cards_save(const struct config *);
void		 web_card_free(void);

#endif
