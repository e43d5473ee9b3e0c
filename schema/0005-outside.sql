-- Outside accounts and their posts (the bridge, part 2: docs/bridge.md).
-- People on other fediverse servers whose replies, mentions and likes come
-- in through the bridge are rows of users, so that posts, notifications,
-- threads and the API's Account entity work for them as for anyone; origin
-- (their server's host) marks them, and keeps them out of everything only
-- employees have: signing in, the directory, the counts, mentions by name.
ALTER TABLE users ADD COLUMN origin TEXT;	-- NULL: an employee
ALTER TABLE users ADD COLUMN outside_uri TEXT;	-- the actor's id
ALTER TABLE users ADD COLUMN outside_url TEXT;	-- their profile page there
CREATE UNIQUE INDEX users_outside ON users (outside_uri)
    WHERE outside_uri IS NOT NULL;

-- An outside post is unlisted (every employee may read it, it is in no
-- company stream) and never in a group: the bridge only stores replies to
-- shared posts and posts that mention people who opted in.
ALTER TABLE posts ADD COLUMN outside_uri TEXT;	-- the Note's id
ALTER TABLE posts ADD COLUMN outside_url TEXT;	-- its page there
ALTER TABLE posts ADD COLUMN reblogs_count INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX posts_outside ON posts (outside_uri)
    WHERE outside_uri IS NOT NULL;

-- Who boosted which post (for now: outside accounts, through the bridge).
CREATE TABLE boosts (
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	post_id		INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	created_at	INTEGER NOT NULL,
	PRIMARY KEY (post_id, user_id)
) STRICT, WITHOUT ROWID;
