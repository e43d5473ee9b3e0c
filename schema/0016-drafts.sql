-- A post kept while it could not be posted (docs/web.md, "Drafts"): the
-- web composer was sent while a module's gate (the guidelines waiting to
-- be acknowledged) refused writes. One per person, the latest; the
-- composer offers it back, and posting it or discarding it deletes it.
CREATE TABLE drafts (
	user_id		INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	status		TEXT NOT NULL,
	spoiler_text	TEXT NOT NULL DEFAULT '',
	visibility	TEXT NOT NULL DEFAULT '',
	group_id	INTEGER,
	saved_at	INTEGER NOT NULL
) STRICT;
