/*
 * handlers.h: the Mastodon API's handlers, one banner per file of core/api/.
 * Only core/api includes it: the route table (routes.c) names the handlers,
 * and nothing else calls them (the layer check in make check enforces it).
 */
#ifndef HEARTH_API_HANDLERS_H
#define HEARTH_API_HANDLERS_H

#include "request.h"

/* streaming.c */
enum handled	 api_streaming(struct req *);
enum handled	 api_streaming_named(struct req *);
enum handled	 api_streaming_health(struct req *);

/* apps.c */
enum handled	 api_app_create(struct req *);
enum handled	 api_app_verify(struct req *);
enum handled	 api_oauth_token(struct req *);
enum handled	 api_oauth_revoke(struct req *);
enum handled	 api_oauth_metadata(struct req *);

/* accounts.c */
enum handled	 api_verify_credentials(struct req *);
enum handled	 api_update_credentials(struct req *);
enum handled	 api_account_lookup(struct req *);
enum handled	 api_relationships(struct req *);
enum handled	 api_account_search(struct req *);
enum handled	 api_account(struct req *);
enum handled	 api_accounts(struct req *);
enum handled	 api_account_statuses(struct req *);
enum handled	 api_account_followers(struct req *);
enum handled	 api_account_following(struct req *);
enum handled	 api_account_follow(struct req *);
enum handled	 api_account_unfollow(struct req *);
enum handled	 api_account_remove_follower(struct req *);
/* mutes.c */
enum handled	 api_account_mute(struct req *);
enum handled	 api_account_unmute(struct req *);
enum handled	 api_account_block(struct req *);
enum handled	 api_account_unblock(struct req *);
enum handled	 api_account_note(struct req *);
enum handled	 api_mutes(struct req *);
enum handled	 api_blocks(struct req *);
/* reports.c */
enum handled	 api_report_create(struct req *);
enum handled	 api_directory(struct req *);

/* scheduled.c */
enum handled	 api_status_schedule(struct req *, struct post_draft *,
		     const char *);
enum handled	 api_lists(struct req *);			/* lists.c */
enum handled	 api_account_lists(struct req *);
enum handled	 api_list_get(struct req *);
enum handled	 api_list_create(struct req *);
enum handled	 api_list_update(struct req *);
enum handled	 api_list_delete(struct req *);
enum handled	 api_list_accounts(struct req *);
enum handled	 api_list_accounts_add(struct req *);
enum handled	 api_list_accounts_remove(struct req *);
enum handled	 api_timeline_list(struct req *);		/* timelines.c */
enum handled	 api_filters(struct req *);			/* filters.c */
enum handled	 api_filter_get(struct req *);
enum handled	 api_filter_create(struct req *);
enum handled	 api_filter_update(struct req *);
enum handled	 api_filter_delete(struct req *);
enum handled	 api_filter_keywords(struct req *);
enum handled	 api_filter_keyword_create(struct req *);
enum handled	 api_filter_keyword_get(struct req *);
enum handled	 api_filter_keyword_update(struct req *);
enum handled	 api_filter_keyword_delete(struct req *);
enum handled	 api_filter_statuses(struct req *);
enum handled	 api_filter_status_create(struct req *);
enum handled	 api_filter_status_get(struct req *);
enum handled	 api_filter_status_delete(struct req *);
enum handled	 api_filters_v1(struct req *);
enum handled	 api_filter_v1_get(struct req *);
enum handled	 api_filter_v1_create(struct req *);
enum handled	 api_filter_v1_update(struct req *);
enum handled	 api_filter_v1_delete(struct req *);
enum handled	 api_scheduled_list(struct req *);
enum handled	 api_scheduled_get(struct req *);
enum handled	 api_scheduled_update(struct req *);
enum handled	 api_scheduled_delete(struct req *);

/* statuses.c */
enum handled	 api_status_create(struct req *);
enum handled	 api_status_get(struct req *);
enum handled	 api_status_edit(struct req *);
enum handled	 api_status_delete(struct req *);
enum handled	 api_status_context(struct req *);
enum handled	 api_status_history(struct req *);
enum handled	 api_statuses(struct req *);
enum handled	 api_status_source(struct req *);
enum handled	 api_status_favourite(struct req *);
enum handled	 api_status_unfavourite(struct req *);
enum handled	 api_status_favourited_by(struct req *);
enum handled	 api_favourites(struct req *);
/* status-actions.c */
enum handled	 api_status_reblog(struct req *);
enum handled	 api_status_unreblog(struct req *);
enum handled	 api_status_reblogged_by(struct req *);
enum handled	 api_status_bookmark(struct req *);
enum handled	 api_status_unbookmark(struct req *);
enum handled	 api_bookmarks(struct req *);
enum handled	 api_status_pin(struct req *);
enum handled	 api_status_unpin(struct req *);
enum handled	 api_reaction_add(struct req *);
enum handled	 api_reaction_remove(struct req *);
enum handled	 api_reactions(struct req *);

/* conversations.c */
enum handled	 api_conversations(struct req *);
enum handled	 api_conversation_read(struct req *);
enum handled	 api_conversation_unread(struct req *);
enum handled	 api_conversation_remove(struct req *);
enum handled	 api_status_mute(struct req *);
enum handled	 api_status_unmute(struct req *);

/* polls.c */
enum handled	 api_poll_get(struct req *);
enum handled	 api_poll_vote(struct req *);

/* notifications-v2.c */
enum handled	 api_notifications_v2(struct req *);
enum handled	 api_notification_group(struct req *);
enum handled	 api_notification_group_dismiss(struct req *);
enum handled	 api_notification_group_accounts(struct req *);
enum handled	 api_notifications_v2_unread(struct req *);

/* timelines.c */
enum handled	 api_timeline_home(struct req *);
enum handled	 api_timeline_public(struct req *);
enum handled	 api_timeline_tag(struct req *);
enum handled	 api_timeline_group(struct req *);
enum handled	 api_tag(struct req *);

/* groups.c */
enum handled	 api_groups(struct req *);
enum handled	 api_group_create(struct req *);
enum handled	 api_group(struct req *);
enum handled	 api_group_join(struct req *);
enum handled	 api_group_leave(struct req *);
enum handled	 api_group_members(struct req *);
enum handled	 api_group_add(struct req *);
enum handled	 api_group_remove(struct req *);
enum handled	 api_group_admin_add(struct req *);
enum handled	 api_group_admin_remove(struct req *);

/* group-settings.c */
enum handled	 api_group_update(struct req *);
enum handled	 api_group_archive(struct req *);
enum handled	 api_group_unarchive(struct req *);
enum handled	 api_group_pins(struct req *);
enum handled	 api_group_pin(struct req *);
enum handled	 api_group_unpin(struct req *);

/* notifications.c */
enum handled	 api_notifications(struct req *);
enum handled	 api_notifications_unread(struct req *);
enum handled	 api_notifications_clear(struct req *);
enum handled	 api_notification(struct req *);
enum handled	 api_notification_dismiss(struct req *);
enum handled	 api_markers_get(struct req *);
enum handled	 api_markers_set(struct req *);

/* push.c */
enum handled	 api_push_subscribe(struct req *);
enum handled	 api_push_get(struct req *);
enum handled	 api_push_update(struct req *);
enum handled	 api_push_delete(struct req *);

/* search.c */
enum handled	 api_search(struct req *);

/* instance.c */
enum handled	 api_instance_v1(struct req *);
enum handled	 api_instance_v2(struct req *);
enum handled	 api_empty_list(struct req *);
enum handled	 api_announcements(struct req *);
enum handled	 api_preferences(struct req *);
enum handled	 api_trends_tags(struct req *);
enum handled	 api_instance_rules(struct req *);

/* followed-tags.c */
enum handled	 api_tag_follow(struct req *);
enum handled	 api_tag_unfollow(struct req *);
enum handled	 api_followed_tags(struct req *);

/* suggestions.c */
enum handled	 api_suggestions_v2(struct req *);
enum handled	 api_suggestions_v1(struct req *);
enum handled	 api_suggestion_dismiss(struct req *);

/* trends.c */
enum handled	 api_trends_statuses(struct req *);

/* nodeinfo.c */
enum handled	 api_nodeinfo_links(struct req *);
enum handled	 api_nodeinfo_20(struct req *);
enum handled	 api_nodeinfo_21(struct req *);

/* media.c */
enum handled	 api_media_create(struct req *);
enum handled	 api_media_create_v2(struct req *);
enum handled	 api_media_web_create(struct req *);
enum handled	 api_media_get(struct req *);
enum handled	 api_media_update(struct req *);
enum handled	 api_media_delete(struct req *);

/* media-jobs.c */
void		 media_async_start(struct loop *, const struct config *,
		     int64_t, int64_t, const char *, const char *);


/* scim.c */
enum handled	 api_scim_users(struct req *);
enum handled	 api_scim_user(struct req *);
enum handled	 api_scim_user_create(struct req *);
enum handled	 api_scim_user_replace(struct req *);
enum handled	 api_scim_user_patch(struct req *);
enum handled	 api_scim_user_delete(struct req *);
enum handled	 api_scim_groups(struct req *);
enum handled	 api_scim_group(struct req *);
enum handled	 api_scim_group_create(struct req *);
enum handled	 api_scim_group_replace(struct req *);
enum handled	 api_scim_group_patch(struct req *);
enum handled	 api_scim_group_delete(struct req *);
enum handled	 api_scim_config(struct req *);
enum handled	 api_scim_resource_types(struct req *);
enum handled	 api_scim_resource_type(struct req *);
enum handled	 api_scim_schemas(struct req *);
enum handled	 api_scim_schema(struct req *);

#endif
