-- Issue 21's smaller gaps: posts pinned to their author's profile, hashtags
-- a person follows into their home, and follow suggestions they dismissed.

-- Posts a person pinned to the top of their own profile (Mastodon's
-- statuses/:id/pin), at most STATUS_PINS_MAX (core/domain/domain.h), newest
-- pin first. Only the author pins: the key is the post, the author is its.
CREATE TABLE status_pins (
	post_id		INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at	INTEGER NOT NULL
) STRICT;
CREATE INDEX status_pins_user ON status_pins (user_id, created_at);

-- Hashtags a person follows (Mastodon's tags/:id/follow): posts with them
-- that the person may read come into their home. id pages followed_tags.
CREATE TABLE tag_follows (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	tag_id		INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
	created_at	INTEGER NOT NULL,
	UNIQUE (user_id, tag_id)
) STRICT;
CREATE INDEX tag_follows_tag ON tag_follows (tag_id, user_id);

-- Follow suggestions a person dismissed (DELETE /api/v1/suggestions/:id):
-- never suggested to them again.
CREATE TABLE suggestion_dismissals (
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	account_id	INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at	INTEGER NOT NULL,
	PRIMARY KEY (user_id, account_id)
) STRICT, WITHOUT ROWID;
