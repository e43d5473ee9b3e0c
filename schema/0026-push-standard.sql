-- Web Push's two encodings (docs/api.md, "Push"): push_subscriptions.
-- standard (0017) says whether a subscription takes RFC 8291 aes128gcm
-- with RFC 8292 VAPID (1) or the legacy drafts' aesgcm with a WebPush JWT
-- (0, Mastodon's default for subscription[standard], which every app
-- written for Mastodon 4.3 and before expects). Until now everything was
-- sent as if standard: the web UI's own subscriptions (one per browser
-- session) are browsers, which speak the standard, so they say so.
UPDATE push_subscriptions SET standard = 1 WHERE session_id IS NOT NULL;
