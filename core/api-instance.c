/*
 * api-instance.c: instance information and what apps ask for as they start (in progress).
 */
#include "hearth.h"

/* Not written yet. */
enum handled
api_instance_v1(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_instance_v2(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_empty_list(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_announcements(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_preferences(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_trends_tags(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}
