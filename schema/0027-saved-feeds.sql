-- Home feeds that survive a restart (core/domain/feed-save.c). hearthd
-- keeps each person's home feed in memory (feed.c); at a clean shutdown it
-- writes them here, and after a restart a person's first read loads the
-- row instead of rebuilding the feed from every followed person's posts
-- (4-5 ms of CPU and many page reads each, a minute of slow pages for a
-- company of 10,000). A row is only a hint: it is used only while the
-- person's reach (whom they follow, their groups and hashtags) hashes to
-- the same reach, and the posts written after through_id (the posts
-- table's AUTOINCREMENT counter when it was saved: ids are never reused)
-- are merged in from the database on load, so a post written while
-- hearthd was down, or after the row was saved and before a crash, is
-- never missed. Readers still filter every id through the visibility
-- rule. At most one row a person of at most FEED_CAP ids; an empty table
-- (a fresh or restored database) only means feeds are built as before.
CREATE TABLE saved_feeds (
	user_id		INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	through_id	INTEGER NOT NULL,	-- posts up to here are in ids
	reach		INTEGER NOT NULL,	-- hash of the reach it was built for
	complete	INTEGER NOT NULL,	-- ids hold the whole timeline
	saved_at	INTEGER NOT NULL,	-- unix time
	ids		BLOB NOT NULL		-- newest first, varint deltas
) STRICT, WITHOUT ROWID;
