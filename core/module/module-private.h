/*
 * module-private.h: what loader.c (the loader and hooks), api.c (the table
 * handed to modules) and crash.c share. The programs see only loader.h.
 */
#ifndef MODULE_PRIVATE_H
#define MODULE_PRIVATE_H

#include <hearth/module.h>

struct module {
	char				*name;
	void				*dl;
	const struct hearth_module	*hm;
	struct hm_hooks			 hooks;	/* zeroes where it has none */
	struct migration		*migrations;
	const struct config		*config;
	int				 index;	/* in modules[] */
};

/* A module route: the core's struct route first, so the router can hand
 * module_dispatch a pointer to either. */
struct mroute {
	struct route		 route;
	struct module		*module;
	const struct hm_route	*hr;
};

extern struct module	modules[];
extern size_t		nmodules;

/* crash.c: whose code a thread runs (see module_enter). */
struct module_frame {
	const char		*module;
	const char		*what;	/* "route GET /x", "after_post hook" */
	const char		*path;	/* the request's, or NULL */
	struct module_frame	*prev;
};
void		 module_enter(struct module_frame *, const char *, const char *,
		     const char *);
void		 module_leave(struct module_frame *);
const char	*module_running(void);

/* loader.c */
void		*module_open(const char *, const struct hearth_module **,
		     char **);

/* api.c */
const struct hearth_api *module_api(const struct config *);
void		 module_api_enter_writer(int);
void		 module_jobs_forget(struct module *);

#endif
