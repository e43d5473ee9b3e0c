/*
 * health.c: GET /healthz, for load balancers and systemd checks. It asks
 * the loop's database connection a trivial question, so "ok" means this
 * thread can serve requests, not merely that the process is alive.
 */
#include "pages.h"

/* 200 "ok", or 503 if the database does not answer. */
enum handled
web_healthz(struct req *r)
{
	int	ok = db_ping(req_db(r));

	req_text(r, ok ? 200 : 503, ok ? "ok" : "database unavailable");
	return HANDLED;
}
