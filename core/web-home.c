/*
 * web-home.c: GET /, the signed-in person's home page.
 */
#include "hearth.h"

/* The home page. */
enum handled
web_home(struct req *r)
{
	req_html(r, 200, "home", req_view(r, "Home"));
	return HANDLED;
}
