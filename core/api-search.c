/*
 * api-search.c: /api/v2/search (in progress).
 */
#include "hearth.h"

/* Not written yet. */
enum handled
api_search(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}
