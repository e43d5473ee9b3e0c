/*
 * routes.c: the web UI's routes, a table the router walks before the API's
 * (hearthd registers both; see router.c for what the flags mean). Literal
 * paths come before patterns that would also match them: the first match
 * wins.
 */
#include "pages.h"

const struct route web_routes[] = {
	/* pages and assets */
	{ M_GET,  "/healthz",		R_PWCHANGE,	web_healthz },
	{ M_GET,  "/static/:file",	R_PWCHANGE,	web_static },
	/* the Web Push service worker: its scope is where it is served */
	{ M_GET,  "/sw.js",		R_PWCHANGE,	web_service_worker },

	/* Unguessable names, and apps load images without credentials. */
	{ M_GET,  "/media/:file",	R_PWCHANGE,	web_media },
	{ M_GET,  "/avatars/:file",	R_PWCHANGE,	web_avatar_default },
	{ M_GET,  "/",			R_AUTH,		web_home },
	/* The composers check the gate themselves (R_UNGATED), so that a
	 * post sent while gated is kept as a draft, not lost (compose-gate.c). */
	{ M_POST, "/compose",		R_AUTH | R_UPLOAD | R_UNGATED,
	    web_compose },
	{ M_POST, "/drafts/discard",	R_AUTH | R_UNGATED, web_draft_discard },
	{ M_GET,  "/conversations",	R_AUTH,		web_conversations },
	{ M_POST, "/welcome/dismiss",	R_AUTH,		web_welcome_dismiss },
	{ M_POST, "/welcome/restore",	R_AUTH,		web_welcome_restore },
	{ M_GET,  "/public",		R_AUTH,		web_public },
	{ M_GET,  "/tags/:tag",		R_AUTH,		web_tag },
	{ M_POST, "/tags/:tag/follow",	R_AUTH,		web_tag_follow },
	{ M_POST, "/tags/:tag/unfollow", R_AUTH,	web_tag_unfollow },
	{ M_GET,  "/search",		R_AUTH,		web_search },
	/* the pickers' JSON (static/suggest.js): a session's, not an app's */
	{ M_GET,  "/suggest",		R_AUTH | R_SESSION, web_suggest },
	{ M_GET,  "/outside",		R_AUTH,		web_outside },
	{ M_GET,  "/directory",		R_AUTH,		web_directory },
	{ M_GET,  "/notifications",	R_AUTH,		web_notifications },
	{ M_POST, "/notifications/read", R_AUTH,	web_notifications_read },
	{ M_POST, "/notifications/clear", R_AUTH,	web_notifications_clear },
	{ M_GET,  "/scheduled",		R_AUTH,		web_scheduled },
	/* lists (lists.c) */
	{ M_GET,  "/lists",		R_AUTH,		web_lists },
	{ M_POST, "/lists",		R_AUTH,		web_list_create },
	{ M_GET,  "/lists/:id",		R_AUTH,		web_list },
	{ M_POST, "/lists/:id",		R_AUTH,		web_list_update },
	{ M_POST, "/lists/:id/delete",	R_AUTH,		web_list_delete },
	{ M_POST, "/lists/:id/add",	R_AUTH,		web_list_add },
	{ M_POST, "/lists/:id/remove",	R_AUTH,		web_list_remove },
	{ M_POST, "/scheduled/:id/cancel", R_AUTH,	web_scheduled_cancel },
	{ M_GET,  "/login",		R_PWCHANGE,	web_login_form },
	{ M_POST, "/login",		R_ANON | R_UNGATED | R_PWCHANGE,
	    web_login },
	{ M_POST, "/logout",		R_UNGATED | R_PWCHANGE,	web_logout },
	{ M_GET,  "/auth/proxy",	0,		web_proxy_signin },
	{ M_GET,  "/auth/oidc/start",	0,		web_oidc_start },
	{ M_GET,  "/auth/oidc/callback", 0,		web_oidc_callback },
	/* from the provider's servers: no session, no CSRF token */
	{ M_POST, "/auth/oidc/backchannel-logout", R_NOCSRF | R_UNGATED,
	    web_oidc_backchannel },

	/*
	 * settings and admin (web): a browser session only, so that no bearer
	 * token (an app's, say) can mint tokens or manage people through them.
	 * Security and administration are not social writes: module gates
	 * (unacknowledged guidelines) never stop someone changing a password,
	 * signing out a lost phone, revoking a token or an admin disabling an
	 * account (R_UNGATED).
	 */
	{ M_GET,  "/settings",		R_AUTH | R_SESSION,
	    web_settings },
	{ M_GET,  "/settings/profile",	R_AUTH | R_SESSION,
	    web_settings_profile },
	{ M_POST, "/settings/profile",	R_AUTH | R_SESSION | R_UPLOAD,
	    web_settings_profile_save },
	{ M_GET,  "/settings/password",	R_AUTH | R_SESSION | R_PWCHANGE,
	    web_settings_password },
	{ M_POST, "/settings/password",	R_AUTH | R_SESSION |
	    R_UNGATED | R_PWCHANGE,
	    web_settings_password_save },
	{ M_GET,  "/settings/notifications", R_AUTH | R_SESSION,
	    web_settings_notifications },
	{ M_POST, "/settings/notifications", R_AUTH | R_SESSION,
	    web_settings_notifications_save },
	{ M_GET,  "/settings/sessions",	R_AUTH | R_SESSION,
	    web_settings_sessions },
	{ M_POST, "/settings/sessions/others", R_AUTH | R_SESSION |
	    R_UNGATED,
	    web_settings_sessions_others },
	{ M_POST, "/settings/sessions/:id/end", R_AUTH | R_SESSION |
	    R_UNGATED,
	    web_settings_session_end },
	{ M_GET,  "/settings/safety",	R_AUTH | R_SESSION,
	    web_settings_safety },
	{ M_GET,  "/settings/language",	R_AUTH | R_SESSION,
	    web_settings_language },
	/* ungated: someone yet to acknowledge the guidelines may want to
	 * read them in their language */
	{ M_POST, "/settings/language",	R_AUTH | R_SESSION | R_UNGATED,
	    web_settings_language_save },
	{ M_GET,  "/settings/tokens",	R_AUTH | R_SESSION,
	    web_settings_tokens },
	{ M_POST, "/settings/tokens",	R_AUTH | R_SESSION,
	    web_settings_token_create },
	{ M_POST, "/settings/tokens/:id/revoke", R_AUTH | R_SESSION |
	    R_UNGATED,
	    web_settings_token_revoke },
	{ M_GET,  "/settings/apps",	R_AUTH | R_SESSION,
	    web_settings_apps },
	{ M_GET,  "/settings/filters",	R_AUTH | R_SESSION,
	    web_settings_filters },
	{ M_POST, "/settings/filters",	R_AUTH | R_SESSION,
	    web_settings_filter_create },
	{ M_POST, "/settings/filters/keywords/:id/delete", R_AUTH | R_SESSION,
	    web_settings_filter_word_delete },
	{ M_POST, "/settings/filters/:id/delete", R_AUTH | R_SESSION,
	    web_settings_filter_delete },
	{ M_POST, "/settings/filters/:id/keywords", R_AUTH | R_SESSION,
	    web_settings_filter_words },
	{ M_GET,  "/settings/push",	R_AUTH | R_SESSION,
	    web_settings_push },
	{ M_POST, "/settings/apps/:id/revoke", R_AUTH | R_SESSION |
	    R_UNGATED,
	    web_settings_app_revoke },
	{ M_GET,  "/admin",		R_ADMIN | R_SESSION,
	    web_admin },
	{ M_GET,  "/admin/people",	R_ADMIN | R_SESSION,
	    web_admin_people },
	{ M_POST, "/admin/people",	R_ADMIN | R_SESSION |
	    R_UNGATED,
	    web_admin_person_create },
	{ M_GET,  "/admin/people/import", R_ADMIN | R_SESSION,
	    web_admin_import_form },
	{ M_POST, "/admin/people/import", R_ADMIN | R_SESSION | R_UNGATED |
	    R_UPLOAD, web_admin_import },
	{ M_GET,  "/admin/people/:id/:action/confirm", R_ADMIN | R_SESSION,
	    web_admin_person_action },	/* a destructive one's question */
	{ M_GET,  "/admin/modules",	R_ADMIN | R_SESSION,
	    web_admin_modules },
	{ M_GET,  "/admin/reports",	R_ADMIN | R_SESSION,
	    web_admin_reports },
	{ M_POST, "/admin/reports/:id/:action", R_ADMIN | R_SESSION |
	    R_UNGATED,	web_admin_report_resolve },	/* administration */
	{ M_GET,  "/admin/audit",	R_ADMIN | R_SESSION,
	    web_admin_audit },
	{ M_GET,  "/admin/audit.csv",	R_ADMIN | R_SESSION,
	    web_admin_audit_csv },
	{ M_GET,  "/admin/audit.jsonl",	R_ADMIN | R_SESSION,
	    web_admin_audit_jsonl },
	{ M_POST, "/admin/people/:id/:action", R_ADMIN | R_SESSION |
	    R_UNGATED,
	    web_admin_person_action },
	{ M_GET,  "/@:name",		R_AUTH,		web_profile },
	{ M_POST, "/@:name/follow",	R_AUTH,		web_profile_follow },
	{ M_POST, "/@:name/unfollow",	R_AUTH,		web_profile_unfollow },
	/* the profile's More menu (safety.c), before /@:name/:id */
	{ M_POST, "/@:name/mute",	R_AUTH,		web_profile_mute },
	{ M_POST, "/@:name/unmute",	R_AUTH,		web_profile_unmute },
	{ M_GET,  "/@:name/block",	R_AUTH,		web_profile_block_confirm },
	{ M_POST, "/@:name/block",	R_AUTH,		web_profile_block },
	{ M_POST, "/@:name/unblock",	R_AUTH,		web_profile_unblock },
	{ M_POST, "/@:name/note",	R_AUTH,		web_profile_note },
	{ M_GET,  "/@:name/report",	R_AUTH,		web_profile_report_form },
	{ M_POST, "/@:name/report",	R_AUTH,		web_profile_report },
	/* before /@:name/:id, which would take them for a post */
	{ M_GET,  "/@:name/followers",	R_AUTH,		web_followers },
	{ M_GET,  "/@:name/following",	R_AUTH,		web_following },
	{ M_GET,  "/@:name/:id",	R_AUTH,		web_post_page },
	{ M_POST, "/@:name/:id",	R_AUTH | R_UPLOAD, web_post_reply },
	{ M_POST, "/@:name/:id/favourite", R_AUTH,	web_post_favourite },
	{ M_POST, "/@:name/:id/unfavourite", R_AUTH,	web_post_unfavourite },
	/* the rest of the card's action row (post-actions.c) */
	{ M_POST, "/@:name/:id/react",	R_AUTH,		web_post_react },
	{ M_POST, "/@:name/:id/vote",	R_AUTH,		web_post_vote },
	{ M_POST, "/@:name/:id/boost",	R_AUTH,		web_post_boost },
	{ M_POST, "/@:name/:id/unboost", R_AUTH,	web_post_unboost },
	{ M_POST, "/@:name/:id/bookmark", R_AUTH,	web_post_bookmark },
	{ M_POST, "/@:name/:id/unbookmark", R_AUTH,	web_post_unbookmark },
	{ M_POST, "/@:name/:id/pin",	R_AUTH,		web_post_pin },
	{ M_POST, "/@:name/:id/unpin",	R_AUTH,		web_post_unpin },
	{ M_GET,  "/bookmarks",		R_AUTH,		web_bookmarks },

	/* groups (web) */
	{ M_GET,  "/groups",		R_AUTH,		web_groups },
	{ M_POST, "/groups",		R_AUTH,		web_group_create },
	{ M_GET,  "/groups/:id",	R_AUTH,		web_group },
	{ M_POST, "/groups/:id/post",	R_AUTH | R_UPLOAD | R_UNGATED,
	    web_group_post },
	{ M_POST, "/groups/:id/join",	R_AUTH,		web_group_join },
	{ M_POST, "/groups/:id/leave",	R_AUTH,		web_group_leave },
	/* group-settings.c: the group's admins (and the site's) */
	{ M_GET,  "/groups/:id/settings", R_AUTH,	web_group_settings },
	{ M_POST, "/groups/:id/settings", R_AUTH,	web_group_settings_save },
	{ M_POST, "/groups/:id/archive", R_AUTH,	web_group_archive },
	{ M_POST, "/groups/:id/unarchive", R_AUTH,	web_group_unarchive },
	{ M_POST, "/groups/:id/pin",	R_AUTH,		web_group_pin },
	{ M_POST, "/groups/:id/unpin",	R_AUTH,		web_group_unpin },
	{ M_POST, "/groups/:id/picture", R_AUTH | R_UPLOAD,
	    web_group_picture },
	{ M_POST, "/groups/:id/picture/remove", R_AUTH,
	    web_group_picture_remove },
	{ M_GET,  "/groups/:id/members", R_AUTH,	web_group_members },
	{ M_POST, "/groups/:id/members", R_AUTH,	web_group_add },
	{ M_POST, "/groups/:id/members/:name/remove", R_AUTH,
	    web_group_remove },
	{ M_POST, "/groups/:id/members/:name/promote", R_AUTH,
	    web_group_promote },
	{ M_POST, "/groups/:id/members/:name/demote", R_AUTH,
	    web_group_demote },
	{ M_GET,  "/@:name/:id/history", R_AUTH,	web_post_history },
	{ M_GET,  "/@:name/:id/edit",	R_AUTH,		web_post_edit_form },
	{ M_POST, "/@:name/:id/edit",	R_AUTH | R_UPLOAD, web_post_edit },
	{ M_GET,  "/@:name/:id/delete",	R_AUTH,		web_post_delete_form },
	{ M_POST, "/@:name/:id/delete",	R_AUTH,		web_post_delete },

	/* OAuth: where apps send people to sign in and consent */
	{ M_GET,  "/oauth/authorize",	0,	web_oauth_authorize_form },
	{ M_POST, "/oauth/authorize",	R_AUTH,		web_oauth_authorize },
};
const size_t web_nroutes = nitems(web_routes);
