-- Posts written now to go out later (Mastodon's scheduled statuses). A row
-- holds the post's parameters as the API took them; the writer publishes it
-- at scheduled_at by deleting the row in the same transaction that inserts
-- the post, so a post goes out exactly once, whatever restarts between.
CREATE TABLE scheduled_statuses (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,	-- never reused: apps keep ids
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	scheduled_at	INTEGER NOT NULL,
	params_json	TEXT NOT NULL,
	idempotency_key	TEXT,
	created_at	INTEGER NOT NULL
);
CREATE INDEX scheduled_statuses_due ON scheduled_statuses (scheduled_at);
CREATE INDEX scheduled_statuses_user ON scheduled_statuses (user_id, id);
CREATE UNIQUE INDEX scheduled_statuses_key ON scheduled_statuses
    (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- The uploads a scheduled post will take: kept from the daily clean-up of
-- uploads no post took (media_expire) while it waits.
ALTER TABLE media ADD COLUMN scheduled_id INTEGER
    REFERENCES scheduled_statuses (id) ON DELETE SET NULL;
