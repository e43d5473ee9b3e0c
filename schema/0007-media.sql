-- Attachments (docs/media.md): pictures and files in posts. An upload is a
-- row here from the moment its files are on disk; it belongs to whoever
-- uploaded it until a post takes it (post_id), and then it is as readable
-- as that post. Its files are named at random (media.c) and never reused.
-- A post keeps a copy of what it shows of its attachments in media_json
-- (as it keeps mentions_json), so a page of cards reads no other table,
-- and each earlier version in post_edits keeps its own: an edit that
-- drops an attachment leaves the row (and its files) to the history, and
-- they go with the post.
CREATE TABLE media (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	owner_id	INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	post_id		INTEGER REFERENCES posts (id) ON DELETE SET NULL,
	-- 'image', 'gifv' (an animation, kept animated) or 'file'
	kind		TEXT NOT NULL CHECK (kind IN ('image', 'gifv', 'file')),
	-- 'ready'; or 'processing' (a large picture the API answered 202
	-- for: its upload kept as incoming until it is decoded, then and
	-- after a restart); or 'failed' (error says why)
	state		TEXT NOT NULL DEFAULT 'ready'
			CHECK (state IN ('ready', 'processing', 'failed')),
	incoming	TEXT UNIQUE,
	error		TEXT,
	file		TEXT UNIQUE,		-- the stored original
	preview		TEXT UNIQUE,		-- the thumbnail, if any
	mime		TEXT NOT NULL,		-- what file is served as
	bytes		INTEGER NOT NULL,	-- of file and preview together
	width		INTEGER,
	height		INTEGER,
	preview_width	INTEGER,
	preview_height	INTEGER,
	focus_x		REAL NOT NULL DEFAULT 0,
	focus_y		REAL NOT NULL DEFAULT 0,
	description	TEXT NOT NULL DEFAULT '',
	blurhash	TEXT,
	filename	TEXT NOT NULL DEFAULT '',	-- as uploaded, cleaned
	created_at	INTEGER NOT NULL,
	attached_at	INTEGER
) STRICT;
CREATE INDEX media_owner ON media (owner_id, id);
CREATE INDEX media_post ON media (post_id) WHERE post_id IS NOT NULL;
-- unattached uploads expire after a day
CREATE INDEX media_unattached ON media (created_at) WHERE post_id IS NULL;
CREATE INDEX media_processing ON media (id) WHERE state = 'processing';
-- the daily sweep asks whether a file in media/ is anyone's picture
CREATE INDEX users_avatar_file ON users (avatar_file)
    WHERE avatar_file IS NOT NULL;
CREATE INDEX users_header_file ON users (header_file)
    WHERE header_file IS NOT NULL;

ALTER TABLE posts ADD COLUMN media_json TEXT;
ALTER TABLE post_edits ADD COLUMN media_json TEXT;
