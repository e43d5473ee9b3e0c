-- Safety tools, Mastodon's: mutes, blocks, private notes on people, and
-- reports with the moderators' answers.

-- A mute hides the target's posts from my streams, and with notifications
-- = 1 their notifications too, until expires_at (NULL: for good).
CREATE TABLE mutes (
	id		INTEGER PRIMARY KEY,			-- the page cursor
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	target_id	INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	notifications	INTEGER NOT NULL DEFAULT 1,
	expires_at	INTEGER,
	created_at	INTEGER NOT NULL,
	UNIQUE (user_id, target_id),
	CHECK (user_id <> target_id)
) STRICT;
CREATE INDEX mutes_target ON mutes (target_id, user_id);

-- A block hides each of the two from the other, ends follows both ways,
-- and keeps the blocked person from following or notifying the blocker.
CREATE TABLE blocks (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	target_id	INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at	INTEGER NOT NULL,
	UNIQUE (user_id, target_id),
	CHECK (user_id <> target_id)
) STRICT;
CREATE INDEX blocks_target ON blocks (target_id, user_id);

-- A note only its writer sees (Relationship.note).
CREATE TABLE account_notes (
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	target_id	INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	comment		TEXT NOT NULL,
	updated_at	INTEGER NOT NULL,
	PRIMARY KEY (user_id, target_id)
) STRICT, WITHOUT ROWID;

-- A report to the moderators. action_taken: NULL while open, else what was
-- done ('hide', 'warn', 'disable', 'dismiss'), by whom and when.
CREATE TABLE reports (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	reporter_id	INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	target_id	INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	category	TEXT NOT NULL DEFAULT 'other',
	comment		TEXT NOT NULL DEFAULT '',
	status_ids	TEXT NOT NULL DEFAULT '[]',		-- JSON array of post ids
	rule_ids	TEXT NOT NULL DEFAULT '[]',
	action_taken	TEXT,
	action_by	INTEGER REFERENCES users (id) ON DELETE SET NULL,
	action_at	INTEGER,
	created_at	INTEGER NOT NULL
) STRICT;
CREATE INDEX reports_open ON reports (action_taken, id);
CREATE INDEX reports_reporter ON reports (reporter_id, id);

-- A moderator's warning to a person (Mastodon's account warnings), shown
-- to them and named by the moderation_warning notification.
CREATE TABLE account_warnings (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	target_id	INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	report_id	INTEGER REFERENCES reports (id) ON DELETE SET NULL,
	action		TEXT NOT NULL,		-- 'none', 'delete_statuses', 'disable'
	text		TEXT NOT NULL DEFAULT '',
	status_ids	TEXT NOT NULL DEFAULT '[]',
	excerpts	TEXT NOT NULL DEFAULT '[]',	-- the words of the posts taken
							-- down, so their author sees them
	created_at	INTEGER NOT NULL
) STRICT;
CREATE INDEX account_warnings_target ON account_warnings (target_id, id);

-- Notifications that name a report or a warning.
ALTER TABLE notifications ADD COLUMN report_id INTEGER
    REFERENCES reports (id) ON DELETE CASCADE;
ALTER TABLE notifications ADD COLUMN warning_id INTEGER
    REFERENCES account_warnings (id) ON DELETE CASCADE;
