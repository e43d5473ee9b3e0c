/*
 * loader.h: what the programs see of the module layer: loading the modules
 * listed in the configuration, their migrations and templates, their
 * background jobs, and the crash watch that names a faulting module.
 */
#ifndef HEARTH_LOADER_H
#define HEARTH_LOADER_H

#include <stdio.h>

#include "request.h"

struct config;
struct db;
struct loop;

/* crash.c */
void		 module_crash_watch(void);

/* loader.c */
int		 module_load_all(const struct config *, int, char **);
int		 module_count(void);
int		 module_listed(const struct config *, const char *);
int		 module_migrate(struct db *, char **);
int		 module_schema_known(const char *);
int		 module_templates(char **);
void		 module_unload_all(void);
int		 module_command(struct db *, int, char **, int *);
void		 module_serving(struct loop *);
void		 module_stopping(void);
enum handled	 module_dispatch(struct req *);
struct module;
int		 module_list(const struct config *, FILE *);

/* api.c */
void		 module_jobs_start(struct loop *);
void		 module_jobs_stop(void);

#endif
