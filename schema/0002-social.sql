-- The social core: profiles, follows, posts and their history, mentions,
-- hashtags, favourites, groups, notifications, markers and full-text search.
-- Counters (followers, posts, favourites, replies, members) are kept in the
-- rows they describe and updated in the same transaction as the change, so
-- reading them never needs COUNT(*).

ALTER TABLE users ADD COLUMN bio_source TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN bio_html TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN job_title TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN department TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN location TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN pronouns TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN avatar_file TEXT;
ALTER TABLE users ADD COLUMN header_file TEXT;
ALTER TABLE users ADD COLUMN followers_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN following_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN statuses_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_status_at INTEGER;
-- Bumped by every change to what an Account shows but its counters, so a
-- cached Account can be checked cheaply.
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
CREATE INDEX users_department ON users (department COLLATE NOCASE, username);

-- Profile fields an admin defines for the whole company ("Team", "Office").
CREATE TABLE profile_fields (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE COLLATE NOCASE,
	position	INTEGER NOT NULL DEFAULT 0,
	created_at	INTEGER NOT NULL
) STRICT;

CREATE TABLE profile_values (
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	field_id	INTEGER NOT NULL REFERENCES profile_fields (id) ON DELETE CASCADE,
	value		TEXT NOT NULL,
	PRIMARY KEY (user_id, field_id)
) STRICT, WITHOUT ROWID;

-- id orders follower and following lists, newest first.
CREATE TABLE follows (
	id		INTEGER PRIMARY KEY,
	follower_id	INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	followee_id	INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at	INTEGER NOT NULL,
	UNIQUE (follower_id, followee_id),
	CHECK (follower_id <> followee_id)
) STRICT;
CREATE INDEX follows_followee ON follows (followee_id, follower_id);

-- Groups: 0 open (anyone may read and join), 1 private (members only).
CREATE TABLE groups (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL,
	description	TEXT NOT NULL DEFAULT '',
	description_html TEXT NOT NULL DEFAULT '',
	visibility	INTEGER NOT NULL DEFAULT 0 CHECK (visibility IN (0, 1)),
	created_by	INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at	INTEGER NOT NULL,
	members_count	INTEGER NOT NULL DEFAULT 0,
	posts_count	INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX groups_name ON groups (name COLLATE NOCASE);

-- Members: role 0 member, 1 group admin.
CREATE TABLE group_members (
	id		INTEGER PRIMARY KEY,
	group_id	INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	role		INTEGER NOT NULL DEFAULT 0 CHECK (role IN (0, 1)),
	created_at	INTEGER NOT NULL,
	UNIQUE (group_id, user_id)
) STRICT;
CREATE INDEX group_members_user ON group_members (user_id, group_id);

-- Posts. visibility: 0 public, 1 unlisted, 2 private (followers),
-- 3 direct (mentioned people). A post in a group is readable by whoever may
-- read the group, whatever its visibility. Markdown source and the HTML made
-- from it at write time are both kept.
CREATE TABLE posts (
	-- Small columns first: reading a row's counters and flags then never
	-- walks past the text. AUTOINCREMENT: an id is never reused after a
	-- delete, so no client, feed or cache can mistake a new post for a
	-- deleted one.
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	author_id	INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	group_id	INTEGER REFERENCES groups (id) ON DELETE CASCADE,
	in_reply_to_id	INTEGER REFERENCES posts (id) ON DELETE SET NULL,
	in_reply_to_account_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
	visibility	INTEGER NOT NULL CHECK (visibility BETWEEN 0 AND 3),
	sensitive	INTEGER NOT NULL DEFAULT 0,
	created_at	INTEGER NOT NULL,
	edited_at	INTEGER,
	replies_count	INTEGER NOT NULL DEFAULT 0,
	favourites_count INTEGER NOT NULL DEFAULT 0,
	language	TEXT,
	spoiler_text	TEXT NOT NULL DEFAULT '',
	mentions_json	TEXT NOT NULL DEFAULT '[]',
	tags_json	TEXT NOT NULL DEFAULT '[]',
	source		TEXT NOT NULL,
	content_html	TEXT NOT NULL,
	text		TEXT NOT NULL
) STRICT;
CREATE INDEX posts_author ON posts (author_id, id);
CREATE INDEX posts_group ON posts (group_id, id) WHERE group_id IS NOT NULL;
CREATE INDEX posts_reply ON posts (in_reply_to_id) WHERE in_reply_to_id IS NOT NULL;
CREATE INDEX posts_company ON posts (id) WHERE visibility = 0 AND group_id IS NULL;

-- Earlier versions of edited posts (the current one is in posts).
CREATE TABLE post_edits (
	id		INTEGER PRIMARY KEY,
	post_id		INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	source		TEXT NOT NULL,
	content_html	TEXT NOT NULL,
	spoiler_text	TEXT NOT NULL,
	sensitive	INTEGER NOT NULL,
	created_at	INTEGER NOT NULL
) STRICT;
CREATE INDEX post_edits_post ON post_edits (post_id, id);

CREATE TABLE mentions (
	post_id		INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	PRIMARY KEY (post_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX mentions_user ON mentions (user_id, post_id);

CREATE TABLE tags (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,	-- lowercase
	display		TEXT NOT NULL,
	last_used_at	INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE post_tags (
	tag_id		INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
	post_id		INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	PRIMARY KEY (tag_id, post_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX post_tags_post ON post_tags (post_id);

CREATE TABLE favourites (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	post_id		INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	created_at	INTEGER NOT NULL,
	UNIQUE (user_id, post_id)
) STRICT;
CREATE INDEX favourites_post ON favourites (post_id, id);
CREATE INDEX favourites_user ON favourites (user_id, id);

-- A retried POST with the same Idempotency-Key returns the first result.
CREATE TABLE idempotency (
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	key		TEXT NOT NULL,
	post_id		INTEGER NOT NULL,
	created_at	INTEGER NOT NULL,
	PRIMARY KEY (user_id, key)
) STRICT, WITHOUT ROWID;

-- Notifications: type is the Mastodon name (mention, favourite, follow, ...).
CREATE TABLE notifications (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,	-- markers compare ids
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	type		TEXT NOT NULL,
	from_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	post_id		INTEGER REFERENCES posts (id) ON DELETE CASCADE,
	group_id	INTEGER REFERENCES groups (id) ON DELETE CASCADE,
	created_at	INTEGER NOT NULL
) STRICT;
CREATE INDEX notifications_user ON notifications (user_id, id);

-- Mastodon's markers: where a person stopped reading a timeline.
CREATE TABLE markers (
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	timeline	TEXT NOT NULL CHECK (timeline IN ('home', 'notifications')),
	last_read_id	INTEGER NOT NULL,
	version		INTEGER NOT NULL DEFAULT 1,
	updated_at	INTEGER NOT NULL,
	PRIMARY KEY (user_id, timeline)
) STRICT, WITHOUT ROWID;

-- Full-text search over posts' plain text, kept in step by triggers.
CREATE VIRTUAL TABLE posts_fts USING fts5 (
	text, content = 'posts', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
	INSERT INTO posts_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
	INSERT INTO posts_fts (posts_fts, rowid, text)
	    VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER posts_fts_update AFTER UPDATE OF text ON posts BEGIN
	INSERT INTO posts_fts (posts_fts, rowid, text)
	    VALUES ('delete', old.id, old.text);
	INSERT INTO posts_fts (rowid, text) VALUES (new.id, new.text);
END;

-- People search by name: a small FTS index of usernames and display names.
CREATE VIRTUAL TABLE users_fts USING fts5 (
	username, display_name, content = 'users', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);
INSERT INTO users_fts (rowid, username, display_name)
    SELECT id, username, display_name FROM users;
CREATE TRIGGER users_fts_insert AFTER INSERT ON users BEGIN
	INSERT INTO users_fts (rowid, username, display_name)
	    VALUES (new.id, new.username, new.display_name);
END;
CREATE TRIGGER users_fts_delete AFTER DELETE ON users BEGIN
	INSERT INTO users_fts (users_fts, rowid, username, display_name)
	    VALUES ('delete', old.id, old.username, old.display_name);
END;
CREATE TRIGGER users_fts_update AFTER UPDATE OF username, display_name ON users BEGIN
	INSERT INTO users_fts (users_fts, rowid, username, display_name)
	    VALUES ('delete', old.id, old.username, old.display_name);
	INSERT INTO users_fts (rowid, username, display_name)
	    VALUES (new.id, new.username, new.display_name);
END;
