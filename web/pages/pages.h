/*
 * pages.h: the web UI's handlers and the helpers they share (view.c,
 * card.c), one banner per file of web/pages/. Only web/pages includes it;
 * the programs see web.h.
 */
#ifndef HEARTH_PAGES_H
#define HEARTH_PAGES_H

#include "request.h"
#include "web.h"

struct idlist;
struct page;
struct post;
struct group;

/* asset.c */
json_t		*asset_urls(void);
char		*asset_add(const char *, const char *, size_t);
struct asset;
const struct asset *asset_find(const char *);
const char	*asset_data(const struct asset *, size_t *, const char **);
int		 asset_is_hashed(const struct asset *, const char *);

/* health.c */
enum handled	 web_healthz(struct req *);

/* login.c */
enum handled	 web_login_form(struct req *);
enum handled	 web_login(struct req *);
enum handled	 web_logout(struct req *);
void		 web_login_page(struct req *, int, const char *);
enum handled	 web_logout_finish(struct req *, const char *);

/* oidc.c */
enum handled	 web_oidc_start(struct req *);
enum handled	 web_oidc_callback(struct req *);
enum handled	 web_oidc_backchannel(struct req *);

/* sso.c */
struct sso;
struct claims;
struct sso	*sso_new(struct req *, enum idp, enum session_via);
struct claims	*sso_claims(struct sso *);
void		 sso_set(struct sso *, const char *, int64_t, const char *);
void		 sso_state(struct sso *, const char *);
void		 sso_avatar(struct sso *, const char *);
enum handled	 sso_finish(struct req *, struct sso *);
enum handled	 web_proxy_signin(struct req *);

/* oauth.c */
enum handled	 web_oauth_authorize_form(struct req *);
enum handled	 web_oauth_authorize(struct req *);

/* home.c */
enum handled	 web_home(struct req *);
enum handled	 web_compose(struct req *);

/* welcome.c */
void		 web_welcome(struct req *, json_t *);
enum handled	 web_welcome_dismiss(struct req *);
enum handled	 web_welcome_restore(struct req *);

/* stream.c */
enum handled	 web_public(struct req *);
enum handled	 web_tag(struct req *);
enum handled	 web_tag_follow(struct req *);
enum handled	 web_tag_unfollow(struct req *);
void		 web_tag_follow_view(struct req *, json_t *, const char *);
json_t		*web_followed_tags(struct req *);

/* poll-card.c */
json_t		*web_poll_view(struct ectx *, const struct post *, const char *);
void		 web_poll_compose(struct req *, json_t *);
enum handled	 web_post_vote(struct req *);

/* post.c */
enum handled	 web_post_page(struct req *);
void		 web_post_back(struct req *, void *);
enum handled	 web_post_reply(struct req *);
enum handled	 web_post_favourite(struct req *);
enum handled	 web_post_unfavourite(struct req *);
/* post-actions.c */
enum handled	 web_post_react(struct req *);
enum handled	 web_post_boost(struct req *);
enum handled	 web_post_pin(struct req *);
enum handled	 web_post_unpin(struct req *);
enum handled	 web_post_unboost(struct req *);
enum handled	 web_post_bookmark(struct req *);
enum handled	 web_post_unbookmark(struct req *);
enum handled	 web_bookmarks(struct req *);

/* profile.c */
enum handled	 web_profile(struct req *);
enum handled	 web_profile_follow(struct req *);
enum handled	 web_profile_unfollow(struct req *);

/* history.c */
enum handled	 web_post_history(struct req *);

/* follows.c */
enum handled	 web_followers(struct req *);
enum handled	 web_following(struct req *);

/* view.c */
int		 web_draft(struct req *, struct post_draft *, int, const char **);
int		 web_draft_files(struct req *, struct post_draft *, const char **);
enum handled	 web_post_submit(struct req *,
		     int (*)(struct db *, void *, char **), req_reply_fn,
		     struct post_draft *);
const char	*web_next(struct req *, const char *);
void		 web_form_action(struct req *, const char *);
void		 web_time(struct req *, json_t *, const char *, int64_t);
json_t		*web_post(struct ectx *, const struct post *, const char *);
void		 web_post_actions(struct ectx *, const struct post *, json_t *);
char		*web_ago(struct arena *, int64_t, int64_t);
json_t		*web_group_view(struct req *, const struct group *);
struct post	*web_post_param(struct req *, struct user **);
#define WEB_POST_HIDDEN "This post does not exist, or you may not read it."
void		 web_nav(json_t *, const char *);
void		 web_notice(struct req *, json_t *);

/* compose-gate.c */
struct compose_job {		/* a composer's post; d first (it is what */
	struct post_draft d;	/* web_post_submit's upload work sees) */
	int		  drop_draft;	/* it was the kept draft: delete it */
};
int		 web_compose_gate(struct req *, json_t *, const char *);
enum handled	 web_draft_keep(struct req *, const struct req_gate *,
		     const char *, int64_t);
struct draft;
int		 web_draft_offer(struct req *, json_t *, int64_t,
		     struct draft *);
int		 web_compose_cmd(struct db *, void *, char **);
enum handled	 web_draft_discard(struct req *);

/* vis-label.c */
const char	*web_company(struct req *);
json_t		*web_visibility_choices(struct req *, const char *);
const char	*web_visibility_badge(enum visibility, int *);
const char	*web_count(struct arena *, long long, const char *);

/* conversations.c */
enum handled	 web_conversations(struct req *);

/* card.c */
const char	*web_card_mark(size_t *);
void		 web_card_each(void (*)(int64_t, uint64_t, const char *, size_t,
		     uint64_t, void *), void *);
int		 web_card_restore(int64_t, uint64_t, const void *, size_t,
		     const void *, size_t, uint64_t);
json_t		*web_cards(struct req *, const struct idlist *, const char *);
void		 web_stream(struct req *, json_t *, const struct idlist *,
		     const struct page *, const char *);

/* groups.c */
enum handled	 web_groups(struct req *);
enum handled	 web_group_create(struct req *);
enum handled	 web_group(struct req *);
enum handled	 web_group_join(struct req *);
enum handled	 web_group_leave(struct req *);
enum handled	 web_group_add(struct req *);
enum handled	 web_group_remove(struct req *);
enum handled	 web_group_promote(struct req *);
enum handled	 web_group_demote(struct req *);
#define WEB_GROUP_HIDDEN "This group does not exist, or it is private and " \
    "you are not a member."

/* group-members.c */
enum handled	 web_group_members(struct req *);
void		 web_group_members_page(struct req *, int64_t, int,
		     const char *, const char *);
void		 web_group_members_choose(struct req *, int64_t, int,
		     const char *, const char *, json_t *);
json_t		*web_group_member_preview(struct req *, int64_t, int);
enum handled	 web_group_post(struct req *);

/* edit.c */
enum handled	 web_post_edit_form(struct req *);
enum handled	 web_post_edit(struct req *);
enum handled	 web_post_delete_form(struct req *);
enum handled	 web_post_delete(struct req *);

/* settings and admin (web): settings.c, settings-profile.c,
 * settings-security.c, admin.c */
json_t		*settings_view(struct req *, const char *, const char *);
/* settings-push.c: "Notify me on this device" and /sw.js */
enum handled	 web_settings_push(struct req *);
enum handled	 web_service_worker(struct req *);
enum handled	 web_settings(struct req *);
enum handled	 web_settings_sessions(struct req *);
enum handled	 web_settings_session_end(struct req *);
enum handled	 web_settings_sessions_others(struct req *);
enum handled	 web_settings_tokens(struct req *);
enum handled	 web_settings_token_create(struct req *);
enum handled	 web_settings_token_revoke(struct req *);
enum handled	 web_settings_apps(struct req *);
enum handled	 web_settings_app_revoke(struct req *);
enum handled	 web_settings_profile(struct req *);
enum handled	 web_settings_profile_save(struct req *);
enum handled	 web_settings_password(struct req *);
enum handled	 web_settings_password_save(struct req *);
/* settings-notifications.c */
enum handled	 web_settings_notifications(struct req *);
enum handled	 web_settings_notifications_save(struct req *);
enum handled	 web_admin(struct req *);
enum handled	 web_admin_people(struct req *);
enum handled	 web_admin_person_create(struct req *);
enum handled	 web_admin_person_action(struct req *);

/* settings-language.c */
enum handled	 web_settings_language(struct req *);
enum handled	 web_settings_language_save(struct req *);
/* admin-import.c */
enum handled	 web_admin_import_form(struct req *);
enum handled	 web_admin_import(struct req *);

/* admin-console.c */
struct evbuffer;
void		 web_audit_actor(struct req *, struct audit_actor *);
void		 web_csv_field(struct evbuffer *, const char *, int);
enum handled	 web_admin_modules(struct req *);
enum handled	 web_admin_audit(struct req *);
/* admin-reports.c */
enum handled	 web_admin_reports(struct req *);
enum handled	 web_admin_report_resolve(struct req *);
/* safety.c */
enum handled	 web_profile_mute(struct req *);
enum handled	 web_profile_unmute(struct req *);
enum handled	 web_profile_block_confirm(struct req *);
enum handled	 web_profile_block(struct req *);
enum handled	 web_profile_unblock(struct req *);
enum handled	 web_profile_note(struct req *);
enum handled	 web_profile_report_form(struct req *);
enum handled	 web_profile_report(struct req *);
enum handled	 web_settings_safety(struct req *);
void		 web_profile_safety(struct req *, const struct user *, json_t *);
enum handled	 web_admin_audit_csv(struct req *);
enum handled	 web_admin_audit_jsonl(struct req *);

/* notifications.c */
enum handled	 web_notifications(struct req *);
enum handled	 web_notifications_read(struct req *);
enum handled	 web_notifications_clear(struct req *);

/* directory.c */
enum handled	 web_directory(struct req *);

/* scheduled.c */
enum handled	 web_lists(struct req *);		/* lists.c */
enum handled	 web_list(struct req *);
enum handled	 web_list_create(struct req *);
enum handled	 web_list_update(struct req *);
enum handled	 web_list_delete(struct req *);
enum handled	 web_list_add(struct req *);
enum handled	 web_list_remove(struct req *);
enum handled	 web_settings_filters(struct req *);	/* settings-filters.c */
enum handled	 web_settings_filter_create(struct req *);
enum handled	 web_settings_filter_delete(struct req *);
enum handled	 web_settings_filter_words(struct req *);
enum handled	 web_settings_filter_word_delete(struct req *);
int		 web_filter_context(const char *);
void		 web_filtered_card(struct req *, struct ectx *, int, int64_t,
		     struct evbuffer *, void (*)(struct ectx *, void *,
		     struct evbuffer *), void *);
enum handled	 web_scheduled(struct req *);
enum handled	 web_scheduled_cancel(struct req *);

/* search.c */
enum handled	 web_search(struct req *);

/* group-settings.c */
enum handled	 web_group_settings(struct req *);
enum handled	 web_group_settings_save(struct req *);
enum handled	 web_group_archive(struct req *);
enum handled	 web_group_unarchive(struct req *);
enum handled	 web_group_pin(struct req *);
enum handled	 web_group_unpin(struct req *);
enum handled	 web_group_picture(struct req *);
enum handled	 web_group_picture_remove(struct req *);

/* suggest.c */
enum handled	 web_suggest(struct req *);

/* outside.c */
enum handled	 web_outside(struct req *);

/* static.c */
enum handled	 web_static(struct req *);

/* media.c */
enum handled	 web_media(struct req *);
enum handled	 web_avatar_default(struct req *);

#endif
