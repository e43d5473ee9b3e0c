-- Accounts: people, their sessions and API tokens, and the server's own secrets.
-- Tokens and sessions are stored only as SHA-256 hashes of the secret.

CREATE TABLE users (
	id		INTEGER PRIMARY KEY,
	username	TEXT NOT NULL COLLATE NOCASE UNIQUE,
	display_name	TEXT NOT NULL DEFAULT '',
	email		TEXT,
	role		INTEGER NOT NULL DEFAULT 0 CHECK (role IN (0, 1)),
	disabled	INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	password_hash	TEXT,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	token_hash	TEXT NOT NULL UNIQUE,
	created_at	INTEGER NOT NULL,
	last_seen_at	INTEGER NOT NULL,
	ip		TEXT,
	user_agent	TEXT
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE tokens (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	token_hash	TEXT NOT NULL UNIQUE,
	name		TEXT NOT NULL DEFAULT '',
	scopes		TEXT NOT NULL DEFAULT 'read write follow',
	created_at	INTEGER NOT NULL,
	last_used_at	INTEGER,
	revoked_at	INTEGER
) STRICT;
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE secrets (
	name		TEXT PRIMARY KEY,
	value		BLOB NOT NULL
) STRICT;
