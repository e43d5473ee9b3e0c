/*
 * api-groups.c: the hearth groups API (in progress).
 */
#include "hearth.h"

/* Not written yet. */
enum handled
api_groups(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_group_create(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_group(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_group_join(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_group_leave(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_group_members(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_group_add(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_group_remove(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_group_admin_add(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_group_admin_remove(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}
