/*
 * guidelines.h: what the files of the guidelines module share. The module
 * keeps versioned, immutable guidelines and an append-only ledger of who
 * acknowledged which version; see docs/guidelines.md.
 */
#ifndef GUIDELINES_H
#define GUIDELINES_H

#include <hearth/module.h>

#define GL_TEXT_MAX	100000	/* bytes of Markdown */
#define GL_SUMMARY_MAX	300
#define GL_DIFF_MAX	(2000 * 2000)	/* line pairs compared at most */

extern const struct hearth_api	*gl_api;
extern struct hm_module		*gl_self;

struct gl_version {
	int64_t		 version;
	const char	*text;
	const char	*summary;
	int		 requires_ack;
	int64_t		 published_at;
	int64_t		 published_by;
};

/* What one person owes: the version to acknowledge, 0 if none. */
struct gl_state {
	int64_t		 required;	/* latest version needing acknowledging */
	int64_t		 required_at;	/* its publication time */
	int64_t		 acked_at;	/* of it or a later one; 0 if not */
	int		 gate;		/* writes are refused */
	int64_t		 grace_until;	/* 0: no grace (or it is over) */
};

struct gl_person {
	int64_t		 id;
	const char	*username;
	const char	*display_name;
	int64_t		 acked_at;	/* 0: pending */
	const char	*via;
};

struct gl_list {
	struct gl_person	*v;
	size_t			 n, cap;
	size_t			 acked;
};

/* store.c: every SQL statement of the module */
int	 gl_version_get(struct hm_req *, int64_t, struct gl_version *);
int	 gl_published(struct hm_db *);
int	 gl_required(struct hm_db *, int64_t *, int64_t *, int64_t *);
int64_t	 gl_acked_at(struct hm_db *, int64_t, int64_t);
int	 gl_ack(struct hm_db *, int64_t, int64_t, const char *, char **);
int	 gl_publish(struct hm_db *, const char *, const char *, int, int64_t,
	     int64_t *, char **);
int	 gl_versions(struct hm_req *, struct gl_version **, size_t *);
int	 gl_people(struct hm_req *, struct hm_db *, int64_t, struct gl_list *);
int	 gl_reminded(struct hm_db *, int64_t, int64_t);
int	 gl_remind_mark(struct hm_db *, int64_t, int64_t);

/* guidelines.c */
void	 gl_state(struct hm_req *, struct gl_state *);
void	 gl_state_of(struct hm_req *, int64_t, struct gl_state *);
const char *gl_time(struct hm_req *, int64_t);
const char *gl_iso(struct hm_req *, int64_t);
int	 gl_check(struct hm_req *, const char *, const char *, const char **,
	     const char **);
int	 gl_truthy(const char *);
const char *gl_next(struct hm_req *);
struct gl_ack_job {			/* an acknowledgement on its way */
	int64_t		 version;
	const char	*via;		/* "web" or "api", for the ledger */
};
int64_t	 gl_route_version(struct hm_req *);
int	 gl_ack_start(struct hm_req *, const char *, hm_reply_fn,
	     const char *);
struct gl_publish_job {			/* a checked new version */
	const char	*text;
	const char	*summary;
	int		 requires_ack;
	int64_t		 version;	/* once published */
	const char	*via;		/* "web" or "api": the publisher's own
					   acknowledgement, in the ledger */
};
int	 gl_publish_write(struct hm_req *, struct hm_db *, void *, char **);
void	 gl_log_published(struct hm_req *, const struct gl_publish_job *);

/* diff.c */
json_t	*gl_diff(const char *, const char *);
char	*gl_csv(struct hm_req *, const struct gl_list *, const char *,
	     size_t *);

/* web.c */
int	 gl_web_current(struct hm_req *);
int	 gl_web_version(struct hm_req *);
int	 gl_web_ack(struct hm_req *);
int	 gl_web_admin(struct hm_req *);
int	 gl_web_admin_post(struct hm_req *);
int	 gl_web_admin_version(struct hm_req *);
int	 gl_web_admin_csv(struct hm_req *);

/* api.c */
json_t	*gl_entity(struct hm_req *, const struct gl_version *);
int	 gl_api_get(struct hm_req *);
int	 gl_api_ack(struct hm_req *);
int	 gl_api_publish(struct hm_req *);
int	 gl_api_acks(struct hm_req *);
void	 gl_announcements(struct hm_req *, json_t *);
void	 gl_rules(struct hm_req *, json_t *);

#endif
