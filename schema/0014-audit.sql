-- The admin audit log (docs/administration.md): every admin action, web,
-- hearthctl, directory sync or a module's, with who did it, from where and
-- when, written in the same transaction as the action itself. Append-only:
-- hearth never updates or deletes a row (retention is the operator's, with
-- `hearthctl audit export` then `hearthctl audit prune`).
CREATE TABLE audit_log (
	id		INTEGER PRIMARY KEY,
	at		INTEGER NOT NULL,
	actor_id	INTEGER,	-- NULL: no person (hearthctl, a sync)
	actor_name	TEXT NOT NULL,
	action		TEXT NOT NULL,
	target_type	TEXT NOT NULL DEFAULT '',
	target_id	INTEGER,
	target_name	TEXT NOT NULL DEFAULT '',
	details		TEXT NOT NULL DEFAULT '{}',
	ip		TEXT NOT NULL DEFAULT '',
	user_agent	TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_log_at ON audit_log (at, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);

-- A person an admin gave a password (a generated one, or a reset) must
-- choose their own at the next sign-in before doing anything else.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
	CHECK (must_change_password IN (0, 1));
-- When the person last used hearth (a session or a token), refreshed as
-- seldom as the sessions' and tokens' own last-used times (15 minutes).
ALTER TABLE users ADD COLUMN last_active_at INTEGER;
CREATE INDEX users_last_active ON users (last_active_at);
