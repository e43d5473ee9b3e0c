-- Search that folds letters the way people type them (docs/search.md), and
-- groups that can be archived and can pin posts (docs/groups.md).
--
-- Search: "zespolu" must find "zespołu". unicode61's remove_diacritics
-- strips accents that Unicode decomposes (Ü, é, ś) but keeps the letters
-- it gives no decomposition (ł, đ, ø, æ, ß, þ, ı, ħ, ŀ and their capitals),
-- so both indexes are rebuilt holding text with those letters replaced.
-- The list is FOLD_SQL in core/lib/lib.h, and queries are folded by
-- core/lib/fold.c with the same letters: the three must stay in step
-- (tests/unit/test-fold.c checks the C pair against SQLite). The indexes
-- are contentless (content = ''): what they hold is not the posts' text,
-- so they must never read it back from the posts or users tables.
-- People are also found by job title and department, and every word
-- matches by its start ("darjeel" finds "Darjeeling"), so posts get a
-- prefix index too.
DROP TRIGGER posts_fts_insert;
DROP TRIGGER posts_fts_delete;
DROP TRIGGER posts_fts_update;
DROP TABLE posts_fts;
CREATE VIRTUAL TABLE posts_fts USING fts5 (
	text, content = '',
	tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
INSERT INTO posts_fts (rowid, text) SELECT id, replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(text, 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l'), 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't'), 'ŧ', 't') FROM posts;
CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
	INSERT INTO posts_fts (rowid, text) VALUES (new.id,
	    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new.text, 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l'), 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't'), 'ŧ', 't'));
END;
CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
	INSERT INTO posts_fts (posts_fts, rowid, text) VALUES ('delete', old.id,
	    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old.text, 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l'), 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't'), 'ŧ', 't'));
END;
CREATE TRIGGER posts_fts_update AFTER UPDATE OF text ON posts BEGIN
	INSERT INTO posts_fts (posts_fts, rowid, text) VALUES ('delete', old.id,
	    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old.text, 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l'), 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't'), 'ŧ', 't'));
	INSERT INTO posts_fts (rowid, text) VALUES (new.id,
	    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new.text, 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l'), 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't'), 'ŧ', 't'));
END;

DROP TRIGGER users_fts_insert;
DROP TRIGGER users_fts_delete;
DROP TRIGGER users_fts_update;
DROP TABLE users_fts;
CREATE VIRTUAL TABLE users_fts USING fts5 (
	username, display_name, job_title, department, content = '',
	tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);
INSERT INTO users_fts (rowid, username, display_name, job_title, department)
    SELECT u.id, u.username,
	    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(u.display_name, 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l'), 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't'), 'ŧ', 't'),
	    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(u.job_title, 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l'), 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't'), 'ŧ', 't'),
	    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(u.department, 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l'), 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't'), 'ŧ', 't') FROM users u;
CREATE TRIGGER users_fts_insert AFTER INSERT ON users BEGIN
	INSERT INTO users_fts (rowid, username, display_name, job_title,
	    department) VALUES (new.id, new.username,
	    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new.display_name, 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l'), 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't'), 'ŧ', 't'),
	    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new.job_title, 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l'), 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't'), 'ŧ', 't'),
	    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new.department, 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l'), 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't'), 'ŧ', 't'));
END;
CREATE TRIGGER users_fts_delete AFTER DELETE ON users BEGIN
	INSERT INTO users_fts (users_fts, rowid, username, display_name,
	    job_title, department) VALUES ('delete', old.id, old.username,
	    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old.display_name, 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l'), 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't'), 'ŧ', 't'),
	    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old.job_title, 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l'), 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't'), 'ŧ', 't'),
	    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old.department, 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l'), 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't'), 'ŧ', 't'));
END;
CREATE TRIGGER users_fts_update AFTER UPDATE OF username, display_name,
    job_title, department ON users BEGIN
	INSERT INTO users_fts (users_fts, rowid, username, display_name,
	    job_title, department) VALUES ('delete', old.id, old.username,
	    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old.display_name, 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l'), 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't'), 'ŧ', 't'),
	    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old.job_title, 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l'), 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't'), 'ŧ', 't'),
	    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(old.department, 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l'), 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't'), 'ŧ', 't'));
	INSERT INTO users_fts (rowid, username, display_name, job_title,
	    department) VALUES (new.id, new.username,
	    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new.display_name, 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l'), 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't'), 'ŧ', 't'),
	    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new.job_title, 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l'), 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't'), 'ŧ', 't'),
	    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(new.department, 'Æ', 'ae'), 'æ', 'ae'), 'Ð', 'd'), 'ð', 'd'), 'Ø', 'o'), 'ø', 'o'), 'Þ', 'th'), 'þ', 'th'), 'ß', 'ss'), 'ẞ', 'ss'), 'Đ', 'd'), 'đ', 'd'), 'Ħ', 'h'), 'ħ', 'h'), 'ı', 'i'), 'Ĳ', 'ij'), 'ĳ', 'ij'), 'Ŀ', 'l'), 'ŀ', 'l'), 'Ł', 'l'), 'ł', 'l'), 'ŉ', 'n'), 'Œ', 'oe'), 'œ', 'oe'), 'Ŧ', 't'), 'ŧ', 't'));
END;

-- An archived group is read-only: its posts stay readable to whoever could
-- read them, but nobody posts, replies or joins until a group admin
-- unarchives it. NULL: not archived.
ALTER TABLE groups ADD COLUMN archived_at INTEGER;

-- A group's picture: a stored media name (a 400-pixel square, as avatars
-- are kept), or NULL for none.
ALTER TABLE groups ADD COLUMN picture_file TEXT;

-- Posts a group's admins pinned to the top of the group's page, at most
-- GROUP_PINS_MAX (core/domain/domain.h) per group, newest pin first.
CREATE TABLE group_pins (
	group_id	INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
	post_id		INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	pinned_by	INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at	INTEGER NOT NULL,
	PRIMARY KEY (group_id, post_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX group_pins_post ON group_pins (post_id);
