/*
 * routes.c: the Mastodon API's routes (and OAuth's endpoints for apps, and
 * SCIM's for the company's directory), a table the router walks after the
 * web's (hearthd registers both; see router.c for what the flags mean).
 * Literal paths come before patterns that would also match them
 * ("verify_credentials" before ":id"): the first match wins.
 */
#include "handlers.h"

const struct route api_routes[] = {
	/* OAuth for apps (apps post without a session, hence R_NOCSRF) */
	{ M_POST, "/oauth/token",	R_NOCSRF | R_UNGATED, api_oauth_token },
	{ M_POST, "/oauth/revoke",	R_NOCSRF | R_UNGATED, api_oauth_revoke },
	{ M_GET,  "/.well-known/oauth-authorization-server", 0,
	    api_oauth_metadata },
	{ M_POST, "/api/v1/apps",	R_NOCSRF,	api_app_create },
	{ M_GET,  "/api/v1/apps/verify_credentials", 0,	api_app_verify },

	/* instance, and what apps ask for as they start */
	{ M_GET,  "/api/v1/instance",	0,		api_instance_v1 },
	{ M_GET,  "/api/v2/instance",	0,		api_instance_v2 },
	{ M_GET,  "/api/v1/custom_emojis", 0,		api_empty_list },
	{ M_GET,  "/api/v1/filters",	R_AUTH,		api_empty_list },
	{ M_GET,  "/api/v2/filters",	R_AUTH,		api_empty_list },
	{ M_GET,  "/api/v1/lists",	R_AUTH,		api_empty_list },
	{ M_GET,  "/api/v1/followed_tags", R_AUTH,	api_empty_list },
	{ M_GET,  "/api/v1/follow_requests", R_AUTH,	api_empty_list },
	{ M_GET,  "/api/v1/conversations", R_AUTH,	api_empty_list },
	{ M_GET,  "/api/v1/endorsements", R_AUTH,	api_empty_list },
	{ M_GET,  "/api/v1/announcements", R_AUTH,	api_announcements },
	{ M_GET,  "/api/v1/preferences", R_AUTH,	api_preferences },
	{ M_GET,  "/api/v1/trends/tags", R_AUTH,	api_trends_tags },
	{ M_GET,  "/api/v1/trends",	R_AUTH,		api_trends_tags },
	{ M_GET,  "/api/v1/markers",	R_AUTH,		api_markers_get },
	{ M_POST, "/api/v1/markers",	R_AUTH,		api_markers_set },

	/* media: uploads for posts; POST /media is the web composer's (a
	 * browser session's, answered in JSON) */
	{ M_POST, "/api/v1/media",	R_AUTH | R_UPLOAD, api_media_create },
	{ M_POST, "/api/v2/media",	R_AUTH | R_UPLOAD, api_media_create_v2 },
	{ M_GET,  "/api/v1/media/:id",	R_AUTH,		api_media_get },
	{ M_PUT,  "/api/v1/media/:id",	R_AUTH,		api_media_update },
	{ M_DELETE, "/api/v1/media/:id", R_AUTH,	api_media_delete },
	{ M_POST, "/media",		R_AUTH | R_UPLOAD | R_SESSION,
	    api_media_web_create },
	{ M_POST, "/media/:id/delete",	R_AUTH | R_SESSION, api_media_delete },

	/* accounts */
	{ M_GET,  "/api/v1/accounts/verify_credentials", R_AUTH,
	    api_verify_credentials },
	{ M_PATCH, "/api/v1/accounts/update_credentials", R_AUTH | R_UPLOAD,
	    api_update_credentials },
	{ M_GET,  "/api/v1/accounts/lookup", R_AUTH,	api_account_lookup },
	{ M_GET,  "/api/v1/accounts/relationships", R_AUTH,
	    api_relationships },
	{ M_GET,  "/api/v1/accounts/search", R_AUTH,	api_account_search },
	{ M_GET,  "/api/v1/accounts/:id", R_AUTH,	api_account },
	{ M_GET,  "/api/v1/accounts/:id/statuses", R_AUTH,
	    api_account_statuses },
	{ M_GET,  "/api/v1/accounts/:id/followers", R_AUTH,
	    api_account_followers },
	{ M_GET,  "/api/v1/accounts/:id/following", R_AUTH,
	    api_account_following },
	{ M_POST, "/api/v1/accounts/:id/follow", R_AUTH | R_FOLLOW,
	    api_account_follow },
	{ M_POST, "/api/v1/accounts/:id/unfollow", R_AUTH | R_FOLLOW,
	    api_account_unfollow },
	/* safety tools (mutes.c) */
	{ M_POST, "/api/v1/accounts/:id/mute", R_AUTH,	api_account_mute },
	{ M_POST, "/api/v1/accounts/:id/unmute", R_AUTH,	api_account_unmute },
	{ M_POST, "/api/v1/accounts/:id/block", R_AUTH,	api_account_block },
	{ M_POST, "/api/v1/accounts/:id/unblock", R_AUTH,	api_account_unblock },
	{ M_POST, "/api/v1/accounts/:id/note", R_AUTH,	api_account_note },
	{ M_GET,  "/api/v1/mutes",	R_AUTH,		api_mutes },
	{ M_GET,  "/api/v1/blocks",	R_AUTH,		api_blocks },
	{ M_POST, "/api/v1/reports",	R_AUTH,		api_report_create },
	{ M_GET,  "/api/v1/directory",	R_AUTH,		api_directory },

	/* scheduled statuses (scheduled.c) */
	{ M_GET,  "/api/v1/scheduled_statuses", R_AUTH, api_scheduled_list },
	{ M_GET,  "/api/v1/scheduled_statuses/:id", R_AUTH, api_scheduled_get },
	{ M_PUT,  "/api/v1/scheduled_statuses/:id", R_AUTH,
	    api_scheduled_update },
	{ M_DELETE, "/api/v1/scheduled_statuses/:id", R_AUTH,
	    api_scheduled_delete },

	/* statuses */
	{ M_POST, "/api/v1/statuses",	R_AUTH,		api_status_create },
	{ M_GET,  "/api/v1/statuses/:id", R_AUTH,	api_status_get },
	{ M_PUT,  "/api/v1/statuses/:id", R_AUTH,	api_status_edit },
	{ M_DELETE, "/api/v1/statuses/:id", R_AUTH,	api_status_delete },
	{ M_GET,  "/api/v1/statuses/:id/context", R_AUTH, api_status_context },
	{ M_GET,  "/api/v1/statuses/:id/history", R_AUTH, api_status_history },
	{ M_GET,  "/api/v1/statuses/:id/source", R_AUTH, api_status_source },
	{ M_POST, "/api/v1/statuses/:id/favourite", R_AUTH,
	    api_status_favourite },
	{ M_POST, "/api/v1/statuses/:id/unfavourite", R_AUTH,
	    api_status_unfavourite },
	{ M_GET,  "/api/v1/statuses/:id/favourited_by", R_AUTH,
	    api_status_favourited_by },
	{ M_POST, "/api/v1/statuses/:id/reblog", R_AUTH, api_status_reblog },
	{ M_POST, "/api/v1/statuses/:id/unreblog", R_AUTH,
	    api_status_unreblog },
	{ M_GET,  "/api/v1/statuses/:id/reblogged_by", R_AUTH,
	    api_status_reblogged_by },
	{ M_POST, "/api/v1/statuses/:id/bookmark", R_AUTH,
	    api_status_bookmark },
	{ M_POST, "/api/v1/statuses/:id/unbookmark", R_AUTH,
	    api_status_unbookmark },
	{ M_GET,  "/api/v1/favourites",	R_AUTH,		api_favourites },
	{ M_GET,  "/api/v1/bookmarks",	R_AUTH,		api_bookmarks },
	/* emoji reactions: hearth's extension, Pleroma's routes */
	{ M_GET,  "/api/v1/pleroma/statuses/:id/reactions", R_AUTH,
	    api_reactions },
	{ M_GET,  "/api/v1/pleroma/statuses/:id/reactions/:emoji", R_AUTH,
	    api_reactions },
	{ M_PUT,  "/api/v1/pleroma/statuses/:id/reactions/:emoji", R_AUTH,
	    api_reaction_add },
	{ M_DELETE, "/api/v1/pleroma/statuses/:id/reactions/:emoji", R_AUTH,
	    api_reaction_remove },

	/* timelines */
	{ M_GET,  "/api/v1/timelines/home", R_AUTH,	api_timeline_home },
	{ M_GET,  "/api/v1/timelines/public", R_AUTH,	api_timeline_public },
	{ M_GET,  "/api/v1/timelines/tag/:tag", R_AUTH,	api_timeline_tag },
	{ M_GET,  "/api/v1/timelines/group/:id", R_AUTH, api_timeline_group },
	{ M_GET,  "/api/v1/tags/:tag",	R_AUTH,		api_tag },

	/* groups (hearth) */
	{ M_GET,  "/api/v1/groups",	R_AUTH,		api_groups },
	{ M_POST, "/api/v1/groups",	R_AUTH,		api_group_create },
	{ M_GET,  "/api/v1/groups/:id",	R_AUTH,		api_group },
	{ M_POST, "/api/v1/groups/:id/join", R_AUTH,	api_group_join },
	{ M_POST, "/api/v1/groups/:id/leave", R_AUTH,	api_group_leave },
	{ M_GET,  "/api/v1/groups/:id/members", R_AUTH,	api_group_members },
	{ M_POST, "/api/v1/groups/:id/members", R_AUTH,	api_group_add },
	{ M_DELETE, "/api/v1/groups/:id/members/:account", R_AUTH,
	    api_group_remove },
	{ M_POST, "/api/v1/groups/:id/admins", R_AUTH,	api_group_admin_add },
	{ M_DELETE, "/api/v1/groups/:id/admins/:account", R_AUTH,
	    api_group_admin_remove },
	{ M_PATCH, "/api/v1/groups/:id", R_AUTH,	api_group_update },
	{ M_POST, "/api/v1/groups/:id/archive", R_AUTH,	api_group_archive },
	{ M_POST, "/api/v1/groups/:id/unarchive", R_AUTH,
	    api_group_unarchive },
	{ M_GET,  "/api/v1/groups/:id/pins", R_AUTH,	api_group_pins },
	{ M_POST, "/api/v1/groups/:id/pins", R_AUTH,	api_group_pin },
	{ M_DELETE, "/api/v1/groups/:id/pins/:status", R_AUTH,
	    api_group_unpin },

	/* Web Push (push.c). Not a post: a person the guidelines still wait
	 * for may be told about notifications (R_UNGATED), so an app that
	 * subscribes at its start need not start again after acknowledging. */
	{ M_POST, "/api/v1/push/subscription", R_AUTH | R_PUSH | R_UNGATED,
	    api_push_subscribe },
	{ M_GET,  "/api/v1/push/subscription", R_AUTH | R_PUSH, api_push_get },
	{ M_PUT,  "/api/v1/push/subscription", R_AUTH | R_PUSH | R_UNGATED,
	    api_push_update },
	{ M_DELETE, "/api/v1/push/subscription", R_AUTH | R_PUSH | R_UNGATED,
	    api_push_delete },

	/* notifications */
	{ M_GET,  "/api/v1/notifications", R_AUTH,	api_notifications },
	{ M_GET,  "/api/v1/notifications/unread_count", R_AUTH,
	    api_notifications_unread },
	{ M_POST, "/api/v1/notifications/clear", R_AUTH,
	    api_notifications_clear },
	{ M_GET,  "/api/v1/notifications/:id", R_AUTH,	api_notification },
	{ M_POST, "/api/v1/notifications/:id/dismiss", R_AUTH,
	    api_notification_dismiss },

	/* search */
	{ M_GET,  "/api/v2/search",	R_AUTH,		api_search },

	/* streaming (server-sent events or WebSocket); EventSource cannot
	 * send headers, nor can a browser's WebSocket */
	{ M_GET,  "/api/v1/streaming",	R_AUTH | R_QTOKEN, api_streaming },
	{ M_GET,  "/api/v1/streaming/health", 0,	api_streaming_health },
	{ M_GET,  "/api/v1/streaming/user", R_AUTH | R_QTOKEN,
	    api_streaming_named },
	{ M_GET,  "/api/v1/streaming/user/notification", R_AUTH | R_QTOKEN,
	    api_streaming_named },
	{ M_GET,  "/api/v1/streaming/public", R_AUTH | R_QTOKEN,
	    api_streaming_named },
	{ M_GET,  "/api/v1/streaming/public/local", R_AUTH | R_QTOKEN,
	    api_streaming_named },
	{ M_GET,  "/api/v1/streaming/hashtag", R_AUTH | R_QTOKEN,
	    api_streaming_named },
	{ M_GET,  "/api/v1/streaming/hashtag/local", R_AUTH | R_QTOKEN,
	    api_streaming_named },
	{ M_GET,  "/api/v1/streaming/group", R_AUTH | R_QTOKEN,
	    api_streaming_named },

	/* SCIM 2.0 provisioning (docs/scim.md): the scim token only, 404
	 * while auth.scim is off (router.c); provisioning is administration,
	 * never a person's social write, so no module gate stops it */
	{ M_GET,  "/scim/v2/Users",	R_SCIM,		api_scim_users },
	{ M_POST, "/scim/v2/Users",	R_SCIM | R_UNGATED,		api_scim_user_create },
	{ M_GET,  "/scim/v2/Users/:id",	R_SCIM,		api_scim_user },
	{ M_PUT,  "/scim/v2/Users/:id",	R_SCIM | R_UNGATED,		api_scim_user_replace },
	{ M_PATCH, "/scim/v2/Users/:id", R_SCIM | R_UNGATED,	api_scim_user_patch },
	{ M_DELETE, "/scim/v2/Users/:id", R_SCIM | R_UNGATED,	api_scim_user_delete },
	{ M_GET,  "/scim/v2/Groups",	R_SCIM,		api_scim_groups },
	{ M_POST, "/scim/v2/Groups",	R_SCIM | R_UNGATED,		api_scim_group_create },
	{ M_GET,  "/scim/v2/Groups/:id", R_SCIM,	api_scim_group },
	{ M_PUT,  "/scim/v2/Groups/:id", R_SCIM | R_UNGATED,	api_scim_group_replace },
	{ M_PATCH, "/scim/v2/Groups/:id", R_SCIM | R_UNGATED,	api_scim_group_patch },
	{ M_DELETE, "/scim/v2/Groups/:id", R_SCIM | R_UNGATED,	api_scim_group_delete },
	{ M_GET,  "/scim/v2/ServiceProviderConfig", R_SCIM, api_scim_config },
	{ M_GET,  "/scim/v2/ResourceTypes", R_SCIM,	api_scim_resource_types },
	{ M_GET,  "/scim/v2/ResourceTypes/:id", R_SCIM,	api_scim_resource_type },
	{ M_GET,  "/scim/v2/Schemas",	R_SCIM,		api_scim_schemas },
	{ M_GET,  "/scim/v2/Schemas/:id", R_SCIM,	api_scim_schema },
};
const size_t api_nroutes = nitems(api_routes);
