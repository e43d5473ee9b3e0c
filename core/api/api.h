/*
 * api.h: what the programs see of the Mastodon API: its route table, which
 * hearthd hands to router_add.
 */
#ifndef HEARTH_API_H
#define HEARTH_API_H

#include <stddef.h>

struct route;
struct loop;

/* routes.c */
extern const struct route	api_routes[];
extern const size_t		api_nroutes;

/* refused.c: the Mastodon endpoints hearth does not offer, as route
 * tables that answer 501 and why (the literal paths' go before
 * api_routes, the patterns' after) */
void		 api_refusals_init(void);
const struct route *api_refusals(int, size_t *);
const char	*api_refusal_why(const struct route *);
void		 api_refusals_free(void);
void		 api_trends_free(void);	/* instance.c */

/* media-jobs.c: decodes no request waits for, and the hourly clean-up */
void		 media_serving(struct loop *);
void		 media_stopping(void);

/* push-jobs.c: Web Push deliveries */
void		 push_serving(struct loop *);
void		 push_stopping(void);

/* directory-jobs.c: the scheduled directory sync */
void		 directory_serving(struct loop *);
void		 directory_stopping(void);

/* scheduled-jobs.c: scheduled posts go out when due */
void		 scheduled_serving(struct loop *);
void		 scheduled_stopping(void);
void		 polls_serving(struct loop *);
void		 polls_stopping(void);

/* digest-jobs.c: the scheduled e-mail digests */
void		 digest_serving(struct loop *);
void		 digest_stopping(void);

#endif
