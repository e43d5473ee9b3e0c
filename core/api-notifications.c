/*
 * api-notifications.c: notifications and markers (in progress).
 */
#include "hearth.h"

/* Not written yet. */
enum handled
api_notifications(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_notifications_unread(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_notifications_clear(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_notification(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_notification_dismiss(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_markers_get(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}

/* Not written yet. */
enum handled
api_markers_set(struct req *r)
{
	req_error(r, 501, "Not implemented yet");
	return HANDLED;
}
