/*
 * web-health.c: GET /healthz, for load balancers and systemd checks. It asks
 * the loop's database connection a trivial question, so "ok" means this
 * thread can serve requests, not merely that the process is alive.
 */
#include "hearth.h"

/* 200 "ok", or 503 if the database does not answer. */
enum handled
web_healthz(struct req *r)
{
	sqlite3_stmt	*st = db_prepare(req_db(r), "SELECT 1");
	int		 ok = st != NULL && sqlite3_step(st) == SQLITE_ROW;

	if (st != NULL)
		sqlite3_reset(st);
	req_text(r, ok ? 200 : 503, ok ? "ok" : "database unavailable");
	return HANDLED;
}
