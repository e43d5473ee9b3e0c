-- Polls (Mastodon's): a post may carry one, kept here by the post's id,
-- which is also the poll's id in the API. The options are the post's own
-- (a JSON array of titles); votes are rows, one per chosen option, so the
-- counts are always what the rows say. ended is set by the writer in the
-- transaction that tells the voters and the author the poll is over, so
-- they are told once, whatever restarts between.
CREATE TABLE polls (
	post_id		INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
	options_json	TEXT NOT NULL,
	multiple	INTEGER NOT NULL DEFAULT 0,
	hide_totals	INTEGER NOT NULL DEFAULT 0,
	expires_at	INTEGER NOT NULL,
	ended		INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX polls_due ON polls (expires_at) WHERE ended = 0;

CREATE TABLE poll_votes (
	post_id		INTEGER NOT NULL REFERENCES polls (post_id) ON DELETE CASCADE,
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	choice		INTEGER NOT NULL,
	created_at	INTEGER NOT NULL,
	PRIMARY KEY (post_id, user_id, choice)
) STRICT;
CREATE INDEX poll_votes_user ON poll_votes (user_id);
