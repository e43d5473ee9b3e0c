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

/* media-jobs.c: decodes no request waits for, and the hourly clean-up */
void		 media_serving(struct loop *);
void		 media_stopping(void);

/* directory-jobs.c: the scheduled directory sync */
void		 directory_serving(struct loop *);
void		 directory_stopping(void);

/* digest-jobs.c: the scheduled e-mail digests */
void		 digest_serving(struct loop *);
void		 digest_stopping(void);

#endif
