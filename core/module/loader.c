/*
 * loader.c: the loader. For each name in `modules` it opens NAME.so in
 * module_dir, checks it before trusting it (permissions of the file and the
 * folder, the exported struct, its ABI and size, a unique name), calls its
 * load function with the API table (api.c), and keeps its routes and
 * hooks in tables of their own: with no module enabled every hook below is
 * one test of a counter. Every refusal is logged with its reason; whether
 * hearthd then stops or goes on without the module is `module_failure`.
 * Every call into a module is framed (crash.c), so a crash inside
 * one names it.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "loader.h"
#include "module-private.h"

#define MODULE_MAX		32
#define MODULE_NAME_MAX		64

struct module		 modules[MODULE_MAX];
size_t			 nmodules;
static struct mroute	*mroutes;
static size_t		 nmroutes;

/* What the module layer hangs on the request path (req_set_hooks). */
static int	 module_gate_write(struct req *);
static int	 module_gate_post(struct req *, const char *);
static void	 module_view(struct req *, json_t *);
static const char *module_landing(struct req *, int64_t);
static void	 module_announcements(struct req *, json_t *);
static const struct route *module_route_find(const char *, int, struct arena *,
		     const char **, int *);
static const struct route *module_public_find(const char *, int,
		     struct arena *, const char **, int *);
static const char *module_post_options(struct req *);
static uint32_t	 module_post_tools_for(struct req *);
static void	 module_after_post(struct db *, const struct event *);
static void	 module_after_post_edit(struct db *, const struct event *);
static void	 module_after_post_delete(struct db *, const struct event *);
static void	 module_after_follow(struct db *, const struct event *);
static void	 module_after_user_created(struct db *, const struct event *);
static void	 module_after_unfollow(struct db *, const struct event *);
static int	 module_gate_follow(struct req *, int64_t);
static int	 module_resolve(struct req *, const char *,
		     void (*)(struct req *));
static int	 module_gate_check(struct req *, struct req_gate *);
static void	 module_rules(struct req *, json_t *);
static int	 module_loaded(const char *);
static const struct req_hooks module_req_hooks = {
	module_gate_write, module_gate_post, module_landing,
	module_announcements, module_route_find, module_public_find,
	module_post_options, module_post_tools_for, module_gate_follow,
	module_resolve, module_gate_check, module_rules, module_loaded,
};
static struct mroute	*pmroutes;	/* the public listeners' routes */
static size_t		 npmroutes;
static const struct req_hooks no_hooks;
static int	 view_hooked;

/* The end of the fields every ABI 1 struct has (minor 0). */
#define MODULE_MIN_SIZE \
	(offsetof(struct hearth_module, unload) + sizeof(void (*)(void)))
/* Whether a module's struct is long enough to have field f (a later
 * minor's). */
#define MODULE_HAS(hm, f) \
	((hm)->size >= offsetof(struct hearth_module, f) + sizeof((hm)->f))

/* Whether a module name is [a-z0-9_]+ and not too long. */
static int
module_valid_name(const char *name)
{
	size_t	i;

	for (i = 0; name[i] != '\0'; i++) {
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			return 0;
	}
	return i > 0 && i < MODULE_NAME_MAX;
}

/*
 * Whether one step of a module's path could be changed by someone other
 * than root and hearthd's own user: owned by another, or writable by
 * group or others. Sticky folders (/tmp) are no exception: the file in
 * them was put there by whoever could.
 */
static const char *
module_unsafe(const struct stat *sb)
{
	if (sb->st_uid != 0 && sb->st_uid != geteuid())
		return "owned by another user";
	if (sb->st_mode & (S_IWGRP | S_IWOTH))
		return "writable by group or others";
	return NULL;
}

/*
 * Refuse a path others could change (the code would run as hearthd): the
 * file (or folder) after every symlink is resolved, and every folder up to
 * the root, as OpenSSH checks its keys.
 */
static int
module_check_perms(const char *path, int want_dir, char **cause)
{
	struct stat	 sb;
	char		*real, *p;
	const char	*why;
	int		 rc = -1;

	if ((real = realpath(path, NULL)) == NULL || stat(real, &sb) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		free(real);
		return -1;
	}
	if (want_dir ? !S_ISDIR(sb.st_mode) : !S_ISREG(sb.st_mode)) {
		*cause = xasprintf("%s: not a %s", path, want_dir ? "folder" :
		    "regular file");
		goto out;
	}
	if ((why = module_unsafe(&sb)) != NULL) {
		*cause = xasprintf("%s%s%s%s: the %s is %s (mode %03o, owner "
		    "%u); make it owned by root and writable by its owner "
		    "only", path, strcmp(path, real) ? " (resolves to " : "",
		    strcmp(path, real) ? real : "", strcmp(path, real) ? ")" :
		    "", want_dir ? "folder" : "file", why, sb.st_mode & 0777,
		    (unsigned)sb.st_uid);
		goto out;
	}
	for (p = strrchr(real, '/'); p != NULL; p = strrchr(real, '/')) {
		p[p == real] = '\0';	/* the parent, "/" last */
		if (stat(real, &sb) != 0) {
			*cause = xasprintf("%s: %s: %s", path, real,
			    strerror(errno));
			goto out;
		}
		if ((why = module_unsafe(&sb)) != NULL) {
			*cause = xasprintf("%s: the folder %s on its way is %s "
			    "(mode %03o, owner %u): whoever can change it can "
			    "change what hearthd runs", path, real, why,
			    sb.st_mode & 0777, (unsigned)sb.st_uid);
			goto out;
		}
		if (p == real)
			break;
	}
	rc = 0;
out:
	free(real);
	return rc;
}

/* Read a module's exported struct; NULL with *cause. */
static const struct hearth_module *
module_symbol(void *dl, const char *path, char **cause)
{
	const struct hearth_module	*hm;

	dlerror();
	hm = dlsym(dl, HEARTH_MODULE_SYMBOL);
	if (hm == NULL) {
		*cause = xasprintf("%s: missing symbol '%s' (not a hearth "
		    "module?)", path, HEARTH_MODULE_SYMBOL);
		return NULL;
	}
	if (hm->abi_major != HEARTH_ABI_MAJOR) {
		*cause = xasprintf("%s: built for module ABI %d.%d, this "
		    "hearthd speaks %d.%d; rebuild it against this hearth's "
		    "<hearth/module.h>", path, hm->abi_major, hm->abi_minor,
		    HEARTH_ABI_MAJOR, HEARTH_ABI_MINOR);
		return NULL;
	}
	if (hm->size < MODULE_MIN_SIZE) {
		*cause = xasprintf("%s: struct hearth_module is %zu bytes, "
		    "ABI %d needs at least %zu", path, hm->size,
		    HEARTH_ABI_MAJOR, (size_t)MODULE_MIN_SIZE);
		return NULL;
	}
	if (hm->name == NULL || !module_valid_name(hm->name)) {
		*cause = xasprintf("%s: the module's name must be letters, "
		    "digits and '_'", path);
		return NULL;
	}
	return hm;
}

/* Open and check a .so without running it (hearthctl uses this too). */
void *
module_open(const char *path, const struct hearth_module **hmp, char **cause)
{
	void	*dl;

	if (module_check_perms(path, 0, cause) != 0)
		return NULL;
	if ((dl = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		*cause = xasprintf("%s: %s", path, dlerror());
		return NULL;
	}
	if ((*hmp = module_symbol(dl, path, cause)) == NULL) {
		dlclose(dl);
		return NULL;
	}
	return dl;
}

/* The module called name, or NULL. */
static struct module *
module_find(const char *name)
{
	size_t	i;

	for (i = 0; i < nmodules; i++) {
		if (strcmp(modules[i].name, name) == 0)
			return &modules[i];
	}
	return NULL;
}

/* Copy the hooks a module has, zeroes for those its minor lacks. */
static void
module_copy_hooks(struct module *m)
{
	const struct hm_hooks	*h = m->hm->hooks;
	size_t			 n;

	memset(&m->hooks, 0, sizeof m->hooks);
	if (h == NULL)
		return;
	n = h->size < sizeof m->hooks ? h->size : sizeof m->hooks;
	memcpy(&m->hooks, h, n);
}

/* Load one module; 0, or -1 with *cause. */
static int
module_load_one(const struct config *c, const char *name, char **cause)
{
	struct module			*m;
	const struct hearth_module	*hm;
	struct module_frame		 f;
	const char			*why = NULL;
	char				*path;
	void				*dl;
	size_t				 i;
	int				 rc;

	if (!module_valid_name(name)) {
		*cause = xasprintf("'%s' is not a module name", name);
		return -1;
	}
	if (nmodules == MODULE_MAX) {
		*cause = xasprintf("too many modules (at most %d)", MODULE_MAX);
		return -1;
	}
	path = xasprintf("%s/%s.so", c->module_dir, name);
	dl = module_open(path, &hm, cause);
	free(path);
	if (dl == NULL)
		return -1;
	if (module_find(hm->name) != NULL) {
		*cause = xasprintf("duplicate name: %s.so calls itself '%s', "
		    "which is already loaded", name, hm->name);
		dlclose(dl);
		return -1;
	}
	m = &modules[nmodules];
	memset(m, 0, sizeof *m);
	m->name = xstrdup(hm->name);
	m->dl = dl;
	m->hm = hm;
	m->config = c;
	m->index = (int)nmodules;
	module_copy_hooks(m);
	m->migrations = xcalloc(hm->nmigrations + 1, sizeof *m->migrations);
	for (i = 0; i < hm->nmigrations; i++) {
		m->migrations[i].version = hm->migrations[i].version;
		m->migrations[i].name = hm->migrations[i].name;
		m->migrations[i].sql = hm->migrations[i].sql;
	}
	nmodules++;
	module_enter(&f, m->name, "load", NULL);
	rc = hm->load != NULL ? hm->load(module_api(c), (struct hm_module *)m,
	    &why) : 0;
	module_leave(&f);
	if (rc != 0) {
		*cause = xasprintf("its load function failed: %s", why ? why :
		    "(no reason given)");
		nmodules--;
		module_jobs_forget(m);
		free(m->migrations);
		free(m->name);
		dlclose(dl);
		return -1;
	}
	return 0;
}

/* Check the config's NAME.key lines against the loaded modules. */
static int
module_check_keys(const struct config *c, char **cause)
{
	const struct hearth_module	*hm;
	struct module			*m;
	char				 name[MODULE_NAME_MAX];
	const char			*dot;
	size_t				 i, k;

	for (i = 0; i < c->nmodkeys; i++) {
		dot = strchr(c->modkeys[i].key, '.');
		snprintf(name, sizeof name, "%.*s",
		    (int)(dot - c->modkeys[i].key), c->modkeys[i].key);
		if ((m = module_find(name)) == NULL) {
			if (module_listed(c, name))
				continue;	/* enabled, but skipped */
			*cause = xasprintf("%s:%d: unknown key '%s' (module "
			    "'%s' is not enabled)", c->path ? c->path : "-",
			    c->modkeys[i].line, c->modkeys[i].key, name);
			return -1;
		}
		hm = m->hm;
		for (k = 0; k < hm->nconfig; k++) {
			if (strcmp(hm->config[k].key, dot + 1) == 0)
				break;
		}
		if (k == hm->nconfig) {
			*cause = xasprintf("%s:%d: unknown key '%s': module "
			    "'%s' has no key '%s'", c->path ? c->path : "-",
			    c->modkeys[i].line, c->modkeys[i].key, name,
			    dot + 1);
			return -1;
		}
	}
	return 0;
}

/* One module route as the router sees it. */
static void
module_route_fill(struct mroute *mr, struct module *m,
    const struct hm_route *hr, int flags)
{
	mr->route.methods = hr->methods;
	mr->route.pattern = hr->pattern;
	mr->route.flags = flags;
	mr->route.handler = module_dispatch;
	mr->module = m;
	mr->hr = hr;
}

/*
 * Build the second route table from the modules' routes, and the public
 * listeners' table from their public routes: there, no session, token or
 * CSRF token means anything (the outside has none), so every route is
 * taken as unauthenticated and CSRF-free whatever its flags say.
 */
static void
module_build_routes(void)
{
	const struct hearth_module	*hm;
	size_t				 i, k, n = 0, np = 0;

	for (i = 0; i < nmodules; i++) {
		n += modules[i].hm->nroutes;
		if (MODULE_HAS(modules[i].hm, npublic_routes))
			np += modules[i].hm->npublic_routes;
	}
	free(mroutes);
	free(pmroutes);
	mroutes = xcalloc(n ? n : 1, sizeof *mroutes);
	pmroutes = xcalloc(np ? np : 1, sizeof *pmroutes);
	nmroutes = npmroutes = 0;
	for (i = 0; i < nmodules; i++) {
		hm = modules[i].hm;
		for (k = 0; k < hm->nroutes; k++)
			module_route_fill(&mroutes[nmroutes++], &modules[i],
			    &hm->routes[k], hm->routes[k].flags &
			    (R_AUTH | R_ADMIN | R_NOCSRF | R_UNGATED));
		if (!MODULE_HAS(hm, npublic_routes))
			continue;
		for (k = 0; k < hm->npublic_routes; k++)
			module_route_fill(&pmroutes[npmroutes++], &modules[i],
			    &hm->public_routes[k], R_NOCSRF | R_UNGATED);
	}
}

/*
 * Load every module `modules` names. A refused module is logged with why;
 * with module_failure = stop that stops startup (-1, *cause names it),
 * with skip hearthd goes on without it. quiet (hearthctl) loads for hooks
 * only and never fails.
 */
int
module_load_all(const struct config *c, int quiet, char **cause)
{
	char	*list, *name, *save = NULL, *why = NULL;

	/* With no module enabled, every NAME.key is one no one reads: a
	 * typo, or a module forgotten in `modules`. */
	if (c->modules == NULL || *c->modules == '\0')
		return quiet ? 0 : module_check_keys(c, cause);
	if (module_check_perms(c->module_dir, 1, &why) != 0) {
		if (quiet || c->module_failure_skip) {
			log_error("modules: none loaded: %s", why);
			free(why);
			return 0;
		}
		*cause = xasprintf("modules: %s", why);
		free(why);
		return -1;
	}
	if (!quiet)
		module_crash_watch();	/* from the first load function on */
	if (!quiet)
		module_crash_watch();	/* from the first load function on */
	list = xstrdup(c->modules);
	for (name = strtok_r(list, " \t,", &save); name != NULL;
	    name = strtok_r(NULL, " \t,", &save)) {
		if (module_load_one(c, name, &why) == 0) {
			struct module *m = &modules[nmodules - 1];

			log_info("module %s: loaded version %s (ABI %d.%d)",
			    m->name, m->hm->version ? m->hm->version : "?",
			    m->hm->abi_major, m->hm->abi_minor);
			continue;
		}
		if (quiet || c->module_failure_skip) {
			log_error("module %s: refused, starting without it: %s",
			    name, why);
			free(why);
			why = NULL;
			continue;
		}
		*cause = xasprintf("module %s: refused: %s", name, why);
		free(why);
		free(list);
		return -1;
	}
	free(list);
	if (!quiet && module_check_keys(c, cause) != 0)
		return -1;
	module_build_routes();
	/* The after hooks hear of committed changes through the domain's
	 * events, wherever the change was made (hearthd or hearthctl). */
	if (nmodules > 0) {
		events_subscribe(EV_POST_CREATED, module_after_post);
		events_subscribe(EV_POST_EDITED, module_after_post_edit);
		events_subscribe(EV_POST_DELETED, module_after_post_delete);
		events_subscribe(EV_FOLLOWED, module_after_follow);
		events_subscribe(EV_USER_CREATED, module_after_user_created);
		events_subscribe(EV_UNFOLLOWED, module_after_unfollow);
		req_set_hooks(&module_req_hooks);
		if (!view_hooked++)
			req_view_hook_add(module_view);
	}
	return 0;
}

/* Whether any module is loaded. */
int
module_count(void)
{
	return (int)nmodules;
}

/* The newest schema version the loaded module name knows, or -1 if no
 * module of that name is loaded (hearthctl restore's check). */
int
module_schema_known(const char *name)
{
	size_t	i, n;

	for (i = 0; i < nmodules; i++) {
		if (strcmp(modules[i].name, name) != 0)
			continue;
		n = modules[i].hm->nmigrations;
		return n > 0 ? modules[i].migrations[n - 1].version : 0;
	}
	return -1;
}

/* Run each module's migrations under its own name. */
int
module_migrate(struct db *db, char **cause)
{
	size_t	i;

	for (i = 0; i < nmodules; i++) {
		if (db_migrate(db, modules[i].name, modules[i].migrations,
		    modules[i].hm->nmigrations, cause) != 0)
			return -1;
	}
	return 0;
}

/* Load each module's templates from module_dir/NAME/templates. */
int
module_templates(char **cause)
{
	struct stat	 sb;
	char		*dir, *prefix;
	size_t		 i;
	int		 rc = 0;

	for (i = 0; rc == 0 && i < nmodules; i++) {
		dir = xasprintf("%s/%s/templates", modules[i].config->module_dir,
		    modules[i].name);
		prefix = xasprintf("%s/", modules[i].name);
		if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
			rc = render_load_dir(dir, prefix, cause);
		free(prefix);
		free(dir);
	}
	return rc;
}

/* Unload every module, last loaded first. */
void
module_unload_all(void)
{
	while (nmodules > 0) {
		struct module		*m = &modules[--nmodules];
		struct module_frame	 f;

		module_enter(&f, m->name, "unload", NULL);
		if (m->hm->unload != NULL)
			m->hm->unload();
		module_leave(&f);
		module_jobs_forget(m);
		free(m->migrations);
		free(m->name);
		dlclose(m->dl);
	}
	free(mroutes);
	mroutes = NULL;
	nmroutes = 0;
	events_reset();		/* their after hooks with them */
	req_set_hooks(&no_hooks);
}

/* The modules' route for a path, after the core's (see router_find). */
static const struct route *
module_route_find(const char *path, int method, struct arena *a,
    const char **params, int *allowed)
{
	size_t	i;

	for (i = 0; i < nmroutes; i++) {
		if (route_match(mroutes[i].route.pattern, path, a, params,
		    ROUTE_MAX_PARAMS) < 0)
			continue;
		if (mroutes[i].route.methods & method)
			return &mroutes[i].route;
		*allowed |= mroutes[i].route.methods;
	}
	return NULL;
}

/* A public listener's route: the modules' public routes, nothing else. */
static const struct route *
module_public_find(const char *path, int method, struct arena *a,
    const char **params, int *allowed)
{
	size_t	i;

	for (i = 0; i < npmroutes; i++) {
		if (route_match(pmroutes[i].route.pattern, path, a, params,
		    ROUTE_MAX_PARAMS) < 0)
			continue;
		if (pmroutes[i].route.methods & method)
			return &pmroutes[i].route;
		*allowed |= pmroutes[i].route.methods;
	}
	return NULL;
}

/* Whether a post option's name is [a-z0-9_]+ (it becomes a form field). */
static int
module_option_name_ok(const char *s)
{
	return s != NULL && *s != '\0' && module_valid_name(s);
}

/* Whether a form or API value says yes. */
static int
module_truthy(const char *v)
{
	return v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "on") == 0 || strcmp(v, "yes") == 0);
}

/*
 * The post options offered to this person (the modules' composer_option
 * hooks) that the request chose, space separated; NULL if none. An option
 * not offered cannot be chosen, whatever the request sends.
 */
static const char *
module_post_options(struct req *r)
{
	struct hm_post_option	 o;
	struct module_frame	 mf;
	const char		*out = NULL;
	size_t			 i;
	int			 rc;

	for (i = 0; i < nmodules; i++) {
		if (modules[i].hooks.composer_option == NULL)
			continue;
		memset(&o, 0, sizeof o);
		module_enter(&mf, modules[i].name, "composer_option hook",
		    r->path);
		rc = modules[i].hooks.composer_option((struct hm_req *)r, &o);
		module_leave(&mf);
		if (!rc || !module_option_name_ok(o.name) ||
		    !module_truthy(req_param(r, o.name)))
			continue;
		out = out == NULL ? arena_strdup(r->arena, o.name) :
		    arena_printf(r->arena, "%s %s", out, o.name);
	}
	return out;
}

/* Whose post tools (a bit per module) the signed-in person gets: a
 * module's tools show unless its post_tools_for hook says no. */
static uint32_t
module_post_tools_for(struct req *r)
{
	struct module_frame	 mf;
	uint32_t		 mask = 0;
	size_t			 i;

	for (i = 0; i < nmodules; i++) {
		if (modules[i].hooks.post_tools_for != NULL) {
			module_enter(&mf, modules[i].name, "post_tools_for "
			    "hook", r->path);
			if (!modules[i].hooks.post_tools_for((struct hm_req *)r)) {
				module_leave(&mf);
				continue;
			}
			module_leave(&mf);
		}
		mask |= 1U << i;
	}
	return mask;
}

/* The composer's module options, as a list in the view. */
static void
module_view_options(struct req *r, json_t *v)
{
	struct hm_post_option	 o;
	struct module_frame	 mf;
	json_t			*list = NULL;
	size_t			 i;
	int			 rc;

	if (r->user == NULL)
		return;
	for (i = 0; i < nmodules; i++) {
		if (modules[i].hooks.composer_option == NULL)
			continue;
		memset(&o, 0, sizeof o);
		module_enter(&mf, modules[i].name, "composer_option hook",
		    r->path);
		rc = modules[i].hooks.composer_option((struct hm_req *)r, &o);
		module_leave(&mf);
		if (!rc || !module_option_name_ok(o.name) || o.label == NULL)
			continue;
		if (list == NULL)
			list = json_array();
		/* Ticked before a preview or a refusal stays ticked. */
		json_array_append_new(list, json_pack("{s:s, s:s, s:s?, s:s, "
		    "s:b}", "name", o.name, "label", req_tr(r, o.label), "hint",
		    o.hint ? req_tr(r, o.hint) : NULL,
		    "module", modules[i].name, "checked",
		    module_truthy(req_param(r, o.name))));
	}
	if (list != NULL)
		json_object_set_new(v, "module_options", list);
}

/* A method's name, for the log. */
static const char *
module_method_name(int m)
{
	switch (m) {
	case M_GET:	return "GET";
	case M_HEAD:	return "HEAD";
	case M_POST:	return "POST";
	case M_PUT:	return "PUT";
	case M_PATCH:	return "PATCH";
	case M_DELETE:	return "DELETE";
	default:	return "?";
	}
}

/* The route handler of every module route: hand over to the module. */
enum handled
module_dispatch(struct req *r)
{
	const struct mroute	*mr = (const struct mroute *)r->route;
	struct module_frame	 f;
	int			 rc;

	module_enter(&f, mr->module->name, arena_printf(r->arena, "route %s "
	    "%s", module_method_name(r->method), mr->hr->pattern), r->path);
	rc = mr->hr->handler((struct hm_req *)r);
	module_leave(&f);
	return rc == HM_ASYNC ? HANDLED_ASYNC : HANDLED;
}

/* Answer a gate hook's refusal: a page with the link, or 403 JSON. */
static void
module_refuse(struct req *r, const struct module *m,
    const struct hm_refusal *f)
{
	const char	*reason = f->reason ? f->reason :
	    "This action is not allowed right now.";
	json_t		*view;

	log_info("module %s: refused %s %s for %s", m->name,
	    r->method == M_POST ? "POST" : "a write to", r->path,
	    r->user ? r->user->username : "-");
	if (r->is_api) {
		json_t *j = json_pack("{s:s}", "error", reason);

		if (f->link != NULL)
			json_object_set_new(j, "url", json_string(
			    arena_printf(r->arena, "%s%s",
			    req_config(r)->base_url, f->link)));
		req_json(r, 403, j);
		return;
	}
	view = req_view(r, "Not yet");
	json_object_set_new(view, "heading", json_string("Not yet"));
	json_object_set_new(view, "status", json_integer(403));
	json_object_set_new(view, "message", json_string(reason));
	if (f->link != NULL)
		json_object_set_new(view, "link", json_pack("{s:s, s:s}",
		    "href", f->link, "text", f->link_text ? f->link_text :
		    f->link));
	req_html(r, 403, "error", view);
}

/* Gate: may this unsafe request go on? 0, or -1 once refused. */
static int
module_gate_write(struct req *r)
{
	struct hm_refusal	f;
	struct module_frame	mf;
	size_t			i;
	int			rc;

	for (i = 0; i < nmodules; i++) {
		if (modules[i].hooks.before_write == NULL)
			continue;
		memset(&f, 0, sizeof f);
		module_enter(&mf, modules[i].name, "before_write hook", r->path);
		rc = modules[i].hooks.before_write((struct hm_req *)r, &f);
		module_leave(&mf);
		if (rc) {
			module_refuse(r, &modules[i], &f);
			return -1;
		}
	}
	return 0;
}

/* Gate, asked ahead: would before_write refuse this person's writes?
 * 1 with the first refusal's words in *g, answering nothing; else 0. */
static int
module_gate_check(struct req *r, struct req_gate *g)
{
	struct hm_refusal	f;
	struct module_frame	mf;
	size_t			i;
	int			rc;

	for (i = 0; i < nmodules; i++) {
		if (modules[i].hooks.before_write == NULL)
			continue;
		memset(&f, 0, sizeof f);
		module_enter(&mf, modules[i].name, "before_write hook", r->path);
		rc = modules[i].hooks.before_write((struct hm_req *)r, &f);
		module_leave(&mf);
		if (rc) {
			g->reason = f.reason ? f.reason :
			    "This action is not allowed right now.";
			g->link = f.link;
			g->link_text = f.link_text ? f.link_text : f.link;
			return 1;
		}
	}
	return 0;
}

/* Gate: may this post be written? 0, or -1 once refused. */
static int
module_gate_post(struct req *r, const char *text)
{
	struct hm_refusal	f;
	struct module_frame	mf;
	size_t			i;
	int			rc;

	for (i = 0; i < nmodules; i++) {
		if (modules[i].hooks.before_post == NULL)
			continue;
		memset(&f, 0, sizeof f);
		module_enter(&mf, modules[i].name, "before_post hook", r->path);
		rc = modules[i].hooks.before_post((struct hm_req *)r,
		    text ? text : "", &f);
		module_leave(&mf);
		if (rc) {
			module_refuse(r, &modules[i], &f);
			return -1;
		}
	}
	return 0;
}

/* Gate: may the signed-in person follow this outside account? 0, or -1
 * once refused. */
static int
module_gate_follow(struct req *r, int64_t followee)
{
	struct hm_refusal	f;
	struct module_frame	mf;
	size_t			i;
	int			rc;

	for (i = 0; i < nmodules; i++) {
		if (modules[i].hooks.before_follow == NULL)
			continue;
		memset(&f, 0, sizeof f);
		module_enter(&mf, modules[i].name, "before_follow hook",
		    r->path);
		rc = modules[i].hooks.before_follow((struct hm_req *)r,
		    followee, &f);
		module_leave(&mf);
		if (rc) {
			module_refuse(r, &modules[i], &f);
			return -1;
		}
	}
	return 0;
}

/* A search waiting for a module's lookup. */
struct resolving {
	void	(*again)(struct req *);
};

/* What a module's lookup calls back (on the request's loop): the core's
 * search again, in a read snapshot of its own. */
static void
module_resolved(struct hm_req *h, void *arg)
{
	struct resolving	*w = arg;
	struct req		*r = (struct req *)h;
	int			 reading = db_read_begin(req_db(r)) == 0;

	w->again(r);
	if (reading)
		db_read_end(req_db(r));
}

/* Search: the first module that looks q up outside; 1, or 0 if none. */
static int
module_resolve(struct req *r, const char *q, void (*again)(struct req *))
{
	struct module_frame	mf;
	struct resolving	*w;
	size_t			i;
	int			rc;

	w = arena_alloc(r->arena, sizeof *w);
	w->again = again;
	for (i = 0; i < nmodules; i++) {
		if (modules[i].hooks.resolve == NULL)
			continue;
		module_enter(&mf, modules[i].name, "resolve hook", r->path);
		r->async = 1;	/* the module answers through req_resume */
		rc = modules[i].hooks.resolve((struct hm_req *)r, q,
		    module_resolved, w);
		module_leave(&mf);
		if (rc)
			return 1;
		r->async = 0;
	}
	return 0;
}

/* After: a post was committed (on the writer). */
static void
module_after_post(struct db *db, const struct event *ev)
{
	struct hm_post_event	e;
	struct module_frame	mf;
	size_t			i;

	memset(&e, 0, sizeof e);
	e.id = ev->id;
	e.author_id = ev->actor;
	e.group_id = ev->group_id;
	e.in_reply_to_id = ev->in_reply_to_id;
	e.text = ev->text != NULL ? ev->text : "";
	e.options = ev->options != NULL ? ev->options : "";
	module_api_enter_writer(1);
	for (i = 0; i < nmodules; i++) {
		if (modules[i].hooks.after_post == NULL)
			continue;
		module_enter(&mf, modules[i].name, "after_post hook", NULL);
		modules[i].hooks.after_post((struct hm_db *)db, &e);
		module_leave(&mf);
	}
	module_api_enter_writer(0);
}

/* After: a post was edited (on the writer). */
static void
module_after_post_edit(struct db *db, const struct event *ev)
{
	struct hm_post_event	e;
	struct module_frame	mf;
	size_t			i;

	memset(&e, 0, sizeof e);
	e.id = ev->id;
	e.author_id = ev->actor;
	e.text = ev->text != NULL ? ev->text : "";
	e.options = ev->options != NULL ? ev->options : "";
	module_api_enter_writer(1);
	for (i = 0; i < nmodules; i++) {
		if (modules[i].hooks.after_post_edit == NULL)
			continue;
		module_enter(&mf, modules[i].name, "after_post_edit hook",
		    NULL);
		modules[i].hooks.after_post_edit((struct hm_db *)db, &e);
		module_leave(&mf);
	}
	module_api_enter_writer(0);
}

/* After: a post is being deleted (on the writer, its row still there). */
static void
module_after_post_delete(struct db *db, const struct event *ev)
{
	struct module_frame	mf;
	size_t			i;

	module_api_enter_writer(1);
	for (i = 0; i < nmodules; i++) {
		if (modules[i].hooks.after_post_delete == NULL)
			continue;
		module_enter(&mf, modules[i].name, "after_post_delete hook",
		    NULL);
		modules[i].hooks.after_post_delete((struct hm_db *)db, ev->id,
		    ev->actor);
		module_leave(&mf);
	}
	module_api_enter_writer(0);
}

/*
 * hearthctl NAME WORD ARGS...: a module's command, in one transaction on
 * hearthctl's connection. 0 with the command's exit code in *rc, or -1 if
 * no loaded module has that command (the usage lines are printed).
 */
int
module_command(struct db *db, int argc, char **argv, int *rc)
{
	const struct hearth_module	*hm;
	struct module_frame		 mf;
	size_t				 i, k;

	for (i = 0; i < nmodules; i++) {
		hm = modules[i].hm;
		if (strcmp(modules[i].name, argv[0]) != 0 ||
		    !MODULE_HAS(hm, ncommands))
			continue;
		for (k = 0; argc > 1 && k < hm->ncommands; k++) {
			if (strcmp(hm->commands[k].name, argv[1]) != 0)
				continue;
			/* db_begin, so that what the command asks of the
			 * core (a follow, say) nests as a savepoint */
			if (db_begin(db) != 0) {
				fprintf(stderr, "hearthctl: %s\n",
				    db_errmsg(db));
				*rc = 1;
				return 0;
			}
			module_api_enter_writer(1);
			module_enter(&mf, modules[i].name, "command",
			    argv[1]);
			*rc = hm->commands[k].run((struct hm_db *)db,
			    argc - 1, argv + 1);
			module_leave(&mf);
			module_api_enter_writer(0);
			if (*rc != 0)
				db_rollback(db);
			else if (db_commit(db) != 0) {
				fprintf(stderr, "hearthctl: %s\n",
				    db_errmsg(db));
				*rc = 1;
			}
			return 0;
		}
		fprintf(stderr, "hearthctl: %s: unknown command '%s'\n",
		    modules[i].name, argc > 1 ? argv[1] : "");
		for (k = 0; k < hm->ncommands; k++)
			fprintf(stderr, "usage: hearthctl %s %s\n",
			    modules[i].name, hm->commands[k].usage);
		*rc = 2;
		return 0;
	}
	return -1;
}

/* hearthd serves: modules may start their threads. */
static void
module_start(void)
{
	struct module_frame	mf;
	size_t			i;

	for (i = 0; i < nmodules; i++) {
		if (modules[i].hooks.start == NULL)
			continue;
		module_enter(&mf, modules[i].name, "start hook", NULL);
		modules[i].hooks.start();
		module_leave(&mf);
	}
}

/* hearthd is stopping: the loops drained, the writer still runs. */
static void
module_stop(void)
{
	struct module_frame	mf;
	size_t			i = nmodules;

	while (i-- > 0) {
		if (modules[i].hooks.stop == NULL)
			continue;
		module_enter(&mf, modules[i].name, "stop hook", NULL);
		modules[i].hooks.stop();
		module_leave(&mf);
	}
}

/* hearthd serves (its server hook): the jobs, then the modules' own
 * threads; completions come to loop. */
void
module_serving(struct loop *loop)
{
	module_jobs_start(loop);
	module_start();
}

/* hearthd stops (its server hook), the loops drained: the modules' own
 * threads first, then the jobs, while the writer still runs. */
void
module_stopping(void)
{
	module_stop();
	module_jobs_stop();
}

/* After: follower now follows followee (on the writer). */
static void
module_after_follow(struct db *db, const struct event *ev)
{
	struct module_frame	mf;
	size_t			i;

	module_api_enter_writer(1);
	for (i = 0; i < nmodules; i++) {
		if (modules[i].hooks.after_follow == NULL)
			continue;
		module_enter(&mf, modules[i].name, "after_follow hook", NULL);
		modules[i].hooks.after_follow((struct hm_db *)db, ev->actor,
		    ev->subject);
		module_leave(&mf);
	}
	module_api_enter_writer(0);
}

/* After: follower no longer follows followee (on the writer). */
static void
module_after_unfollow(struct db *db, const struct event *ev)
{
	struct module_frame	mf;
	size_t			i;

	module_api_enter_writer(1);
	for (i = 0; i < nmodules; i++) {
		if (modules[i].hooks.after_unfollow == NULL)
			continue;
		module_enter(&mf, modules[i].name, "after_unfollow hook",
		    NULL);
		modules[i].hooks.after_unfollow((struct hm_db *)db,
		    ev->actor, ev->subject);
		module_leave(&mf);
	}
	module_api_enter_writer(0);
}

/* After: a person was created (hearthctl, or the writer). */
static void
module_after_user_created(struct db *db, const struct event *ev)
{
	struct module_frame	mf;
	size_t			i;

	module_api_enter_writer(1);
	for (i = 0; i < nmodules; i++) {
		if (modules[i].hooks.after_user_created == NULL)
			continue;
		module_enter(&mf, modules[i].name, "after_user_created hook",
		    NULL);
		modules[i].hooks.after_user_created((struct hm_db *)db, ev->id,
		    ev->text);
		module_leave(&mf);
	}
	module_api_enter_writer(0);
}

/* One render hook's fragments, as a list in the view. */
static void
module_fragments(struct req *r, json_t *v, const char *key,
    size_t off)
{
	struct hm_fragment	 f;
	struct module_frame	 mf;
	json_t			*list = NULL;
	size_t			 i;
	int			 (*fn)(struct hm_req *, struct hm_fragment *);
	int			 rc;

	for (i = 0; i < nmodules; i++) {
		memcpy(&fn, (char *)&modules[i].hooks + off, sizeof fn);
		if (fn == NULL)
			continue;
		memset(&f, 0, sizeof f);
		module_enter(&mf, modules[i].name, key, r->path);
		rc = fn((struct hm_req *)r, &f);
		module_leave(&mf);
		if (!rc)
			continue;
		if (list == NULL)
			list = json_array();
		/* In the reader's language where the catalogue has the
		 * module's text (docs/translating.md). */
		json_array_append_new(list, json_pack("{s:s?, s:s?, s:s?, "
		    "s:s}", "text", f.text ? req_tr(r, f.text) : NULL, "href",
		    f.href, "label", f.label ? req_tr(r, f.label) : NULL,
		    "module", modules[i].name));
	}
	if (list != NULL)
		json_object_set_new(v, key, list);
}

/*
 * The admin console, for admins: the modules' tabs (current on pages
 * under their text, else their href), on pages under /admin and on a
 * module's own admin pages (module_admin_current tells the core's view
 * hook to add its tabs there too); for /admin/modules, what is loaded.
 */
static void
module_admin_view(struct req *r, json_t *v)
{
	struct hm_fragment	 f;
	struct module_frame	 mf;
	json_t			*tabs = json_array(), *list;
	const char		*under;
	size_t			 i, n;
	int			 rc, cur, any = 0;

	for (i = 0; i < nmodules; i++) {
		if (modules[i].hooks.admin_tab == NULL)
			continue;
		memset(&f, 0, sizeof f);
		module_enter(&mf, modules[i].name, "admin_tab hook", r->path);
		rc = modules[i].hooks.admin_tab((struct hm_req *)r, &f);
		module_leave(&mf);
		if (!rc || f.href == NULL || f.label == NULL)
			continue;
		under = f.text != NULL ? f.text : f.href;
		n = strlen(under);
		cur = strncmp(r->path, under, n) == 0 && (r->path[n] == '\0' ||
		    r->path[n] == '/');
		any |= cur;
		json_array_append_new(tabs, json_pack("{s:s, s:s, s:s, s:b}",
		    "href", f.href, "label", f.label, "module", modules[i].name,
		    "current", cur));
	}
	if (!any && strncmp(r->path, "/admin", 6) != 0) {
		json_decref(tabs);
		return;
	}
	json_object_set_new(v, "module_admin_tabs", tabs);
	if (any)
		json_object_set_new(v, "module_admin_current", json_true());
	if (strcmp(r->path, "/admin/modules") != 0)
		return;
	list = json_array();
	for (i = 0; i < nmodules; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "name",
		    modules[i].name, "version", modules[i].hm->version ?
		    modules[i].hm->version : "?", "abi", arena_printf(r->arena,
		    "%d.%d", modules[i].hm->abi_major,
		    modules[i].hm->abi_minor)));
	json_object_set_new(v, "modules_loaded", list);
	json_object_set_new(v, "modules_any", json_true());
}

/* Render hooks: add the modules' fragments to a page's view. */
static void
module_view(struct req *r, json_t *v)
{
	if (nmodules == 0)
		return;
	if (r->user != NULL && r->user->role == ROLE_ADMIN)
		module_admin_view(r, v);
	module_fragments(r, v, "module_banners",
	    offsetof(struct hm_hooks, banner));
	module_fragments(r, v, "module_nav",
	    offsetof(struct hm_hooks, nav_item));
	module_fragments(r, v, "module_footer",
	    offsetof(struct hm_hooks, footer_link));
	module_fragments(r, v, "module_settings",
	    offsetof(struct hm_hooks, settings_panel));
	module_view_options(r, v);
}

/* Where person lands after signing in, if a module says; else NULL. */
static const char *
module_landing(struct req *r, int64_t person)
{
	struct module_frame	 mf;
	const char		*to;
	size_t			 i;

	for (i = 0; i < nmodules; i++) {
		if (modules[i].hooks.landing == NULL)
			continue;
		module_enter(&mf, modules[i].name, "landing hook", r->path);
		to = modules[i].hooks.landing((struct hm_req *)r, person);
		module_leave(&mf);
		/* Local paths only: never an open redirect. */
		if (to != NULL && to[0] == '/' && to[1] != '/' &&
		    to[1] != '\\')
			return to;
	}
	return NULL;
}

/* Render hook: Mastodon announcements (GET /api/v1/announcements). */
static void
module_announcements(struct req *r, json_t *list)
{
	struct module_frame	mf;
	size_t			i;

	for (i = 0; i < nmodules; i++) {
		if (modules[i].hooks.announcements == NULL)
			continue;
		module_enter(&mf, modules[i].name, "announcements hook",
		    r->path);
		modules[i].hooks.announcements((struct hm_req *)r, list);
		module_leave(&mf);
	}
}

/* Render hook (ABI 1.6): Mastodon Rules (GET /api/v1/instance/rules). */
static void
module_rules(struct req *r, json_t *list)
{
	struct module_frame	mf;
	size_t			i;

	for (i = 0; i < nmodules; i++) {
		if (modules[i].hooks.rules == NULL)
			continue;
		module_enter(&mf, modules[i].name, "rules hook", r->path);
		modules[i].hooks.rules((struct hm_req *)r, list);
		module_leave(&mf);
	}
}

/* Whether a module called name is loaded. */
static int
module_loaded(const char *name)
{
	size_t	i;

	for (i = 0; i < nmodules; i++)
		if (strcmp(modules[i].name, name) == 0)
			return 1;
	return 0;
}

/* hearthctl module list: the .so files in module_dir and what is enabled. */
int
module_list(const struct config *c, FILE *out)
{
	const struct hearth_module	*hm;
	DIR				*d;
	struct dirent			*de;
	char				*path, *cause = NULL, *list, *name;
	char				*save = NULL, *found = xstrdup(" ");
	char				*path2;
	size_t				 len;
	void				*dl;
	int				 enabled;

	fprintf(out, "%-16s %-10s %-6s %-8s %s\n", "NAME", "VERSION", "ABI",
	    "ENABLED", "FILE");
	if ((d = opendir(c->module_dir)) == NULL) {
		fprintf(out, "(%s: %s)\n", c->module_dir, strerror(errno));
	} else {
		while ((de = readdir(d)) != NULL) {
			len = strlen(de->d_name);
			if (len < 4 || strcmp(de->d_name + len - 3, ".so") != 0)
				continue;
			name = xstrndup(de->d_name, len - 3);
			enabled = module_listed(c, name);
			path = xasprintf("%s/%s", c->module_dir, de->d_name);
			if ((dl = module_open(path, &hm, &cause)) != NULL) {
				fprintf(out, "%-16s %-10s %d.%-4d %-8s %s\n",
				    hm->name, hm->version ? hm->version : "?",
				    hm->abi_major, hm->abi_minor,
				    enabled ? "yes" : "no", path);
				dlclose(dl);
			} else {
				fprintf(out, "%-16s %-10s %-6s %-8s %s "
				    "(unusable: %s)\n", name, "-", "-",
				    enabled ? "yes" : "no", path, cause);
				free(cause);
				cause = NULL;
			}
			path2 = xasprintf("%s%s ", found, name);
			free(found);
			found = path2;
			free(name);
			free(path);
		}
		closedir(d);
	}
	list = xstrdup(c->modules);
	for (name = strtok_r(list, " \t,", &save); name != NULL;
	    name = strtok_r(NULL, " \t,", &save)) {
		path = xasprintf(" %s ", name);
		if (strstr(found, path) == NULL)
			fprintf(out, "%-16s %-10s %-6s %-8s %s/%s.so "
			    "(not installed)\n", name, "-", "-", "yes",
			    c->module_dir, name);
		free(path);
	}
	free(list);
	free(found);
	return 0;
}

/* Whether `modules` names name. */
int
module_listed(const struct config *c, const char *name)
{
	char	*list = xstrdup(c->modules), *w, *save = NULL;
	int	 found = 0;

	for (w = strtok_r(list, " \t,", &save); w != NULL && !found;
	    w = strtok_r(NULL, " \t,", &save))
		found = strcmp(w, name) == 0;
	free(list);
	return found;
}
