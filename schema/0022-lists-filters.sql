-- Lists and filters (Mastodon's, docs/lists-filters.md).
--
-- A list is a person's own selection of people they follow, read as its
-- own timeline. replies_policy is Mastodon's: 0 followed (replies to
-- anyone the owner follows), 1 list (replies to the list's members), 2
-- none. An exclusive list takes its members' posts out of home.
CREATE TABLE lists (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,	-- never reused: apps keep ids
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	title		TEXT NOT NULL,
	replies_policy	INTEGER NOT NULL DEFAULT 1 CHECK (replies_policy BETWEEN 0 AND 2),
	exclusive	INTEGER NOT NULL DEFAULT 0,
	created_at	INTEGER NOT NULL
) STRICT;
CREATE INDEX lists_user ON lists (user_id, id);

-- Members: only people the owner follows, as on Mastodon, where a list
-- account belongs to the follow; unfollowing takes them out (trigger).
CREATE TABLE list_accounts (
	list_id		INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
	account_id	INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at	INTEGER NOT NULL,
	PRIMARY KEY (list_id, account_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX list_accounts_account ON list_accounts (account_id, list_id);
CREATE TRIGGER list_accounts_unfollow AFTER DELETE ON follows BEGIN
	DELETE FROM list_accounts WHERE account_id = old.followee_id AND
	    list_id IN (SELECT id FROM lists WHERE user_id = old.follower_id);
END;

-- Filters (v2): a title, the contexts it applies in (a bit each: 1 home,
-- 2 notifications, 4 public, 8 thread, 16 account), what it does (0 warn,
-- 1 hide, 2 blur) and when it stops (NULL: never). It matches posts by its
-- keywords or names them outright (filter_statuses).
CREATE TABLE filters (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	title		TEXT NOT NULL,
	contexts	INTEGER NOT NULL,
	action		INTEGER NOT NULL DEFAULT 0 CHECK (action BETWEEN 0 AND 2),
	expires_at	INTEGER,
	created_at	INTEGER NOT NULL
) STRICT;
CREATE INDEX filters_user ON filters (user_id, id);

CREATE TABLE filter_keywords (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	filter_id	INTEGER NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
	keyword		TEXT NOT NULL,
	whole_word	INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX filter_keywords_filter ON filter_keywords (filter_id, id);

CREATE TABLE filter_statuses (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	filter_id	INTEGER NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
	status_id	INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	UNIQUE (filter_id, status_id)
) STRICT;
