-- Web Push (docs/api.md, "Push"): one subscription per access token, as
-- Mastodon ties them (or per browser session, for the web UI's own), and
-- the deliveries waiting for their push service. A revoked or deleted
-- token, or an ended session, takes its subscription and its queue along.
CREATE TABLE push_subscriptions (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	token_id	INTEGER UNIQUE REFERENCES tokens (id) ON DELETE CASCADE,
	session_id	INTEGER UNIQUE REFERENCES sessions (id)
			    ON DELETE CASCADE,
	endpoint	TEXT NOT NULL,
	p256dh		TEXT NOT NULL,		-- base64url, as sent
	auth		TEXT NOT NULL,
	-- The token itself, which Mastodon's payload carries so an app
	-- signed in to several accounts can tell them apart; NULL for a
	-- session's subscription. It goes with the subscription when the
	-- token is revoked.
	access_token	TEXT,
	standard	INTEGER NOT NULL DEFAULT 0,
	alerts		INTEGER NOT NULL DEFAULT 0,	-- bits: push.c's kinds
	policy		TEXT NOT NULL DEFAULT 'all'
			    CHECK (policy IN ('all', 'followed', 'follower',
			    'none')),
	created_at	INTEGER NOT NULL,
	CHECK ((token_id IS NULL) <> (session_id IS NULL))
) STRICT;
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);

CREATE TRIGGER push_token_revoked AFTER UPDATE OF revoked_at ON tokens
WHEN NEW.revoked_at IS NOT NULL
BEGIN
	DELETE FROM push_subscriptions WHERE token_id = NEW.id;
END;

CREATE TABLE push_deliveries (
	id		INTEGER PRIMARY KEY,
	subscription_id	INTEGER NOT NULL REFERENCES push_subscriptions (id)
			    ON DELETE CASCADE,
	notification_id	INTEGER NOT NULL REFERENCES notifications (id)
			    ON DELETE CASCADE,
	attempts	INTEGER NOT NULL DEFAULT 0,
	next_at		INTEGER NOT NULL,
	created_at	INTEGER NOT NULL,
	last_error	TEXT
) STRICT;
CREATE INDEX push_deliveries_due ON push_deliveries (next_at);
CREATE INDEX push_deliveries_subscription ON push_deliveries
    (subscription_id);
