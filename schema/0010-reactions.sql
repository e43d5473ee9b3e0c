-- Reactions, bookmarks and boosts (issues 20 and 21).
--
-- 👍 is the favourite: it stays in favourites (Mastodon apps favourite, the
-- web reacts 👍, and both count the same rows); reactions holds the other
-- emoji of the company's set (the reactions key of hearth.conf).
CREATE TABLE reactions (
	id		INTEGER PRIMARY KEY,
	post_id		INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	emoji		TEXT NOT NULL,
	created_at	INTEGER NOT NULL,
	UNIQUE (post_id, user_id, emoji)
) STRICT;
CREATE INDEX reactions_user ON reactions (user_id, post_id);

-- Bumped by every reaction added or taken back, so a cached card or Status
-- (tagged with it) is never served with stale chips; a count would not do,
-- as one reaction taken back and another added leave it the same.
ALTER TABLE posts ADD COLUMN reactions_version INTEGER NOT NULL DEFAULT 0;

-- A person's own bookmarks; nobody else ever sees them.
CREATE TABLE bookmarks (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	post_id		INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	created_at	INTEGER NOT NULL,
	UNIQUE (user_id, post_id)
) STRICT;
CREATE INDEX bookmarks_post ON bookmarks (post_id);

-- A boost (Mastodon's reblog) is a post of the booster's with no text whose
-- reblog_of_id is the post shared: so it has an id in the booster's
-- followers' home feeds, their streams and the booster's profile, as a
-- reblog does on Mastodon. It is unlisted (never in the company stream)
-- and outside groups; SQL_POST_VISIBLE also asks that the reader may read
-- the original, so a boost never widens who reads it. It goes with the
-- original. One boost per person and post. (Outside accounts' boosts,
-- which have no such post, stay in boosts.)
ALTER TABLE posts ADD COLUMN reblog_of_id INTEGER
    REFERENCES posts (id) ON DELETE CASCADE;
CREATE UNIQUE INDEX posts_reblog ON posts (reblog_of_id, author_id)
    WHERE reblog_of_id IS NOT NULL;
