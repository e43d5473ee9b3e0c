-- OAuth 2 for apps, as Mastodon does it: registered apps, one-time
-- authorization codes, and tokens that remember the app that asked. A token
-- of an app alone (client_credentials) has no person, so tokens.user_id
-- becomes nullable and the table is rebuilt. Secrets are stored as hashes.

CREATE TABLE apps (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL,
	website		TEXT,
	redirect_uris	TEXT NOT NULL,
	scopes		TEXT NOT NULL DEFAULT 'read',
	client_id	TEXT NOT NULL UNIQUE,
	secret_hash	TEXT NOT NULL,
	created_at	INTEGER NOT NULL
) STRICT;

CREATE TABLE oauth_codes (
	id		INTEGER PRIMARY KEY,
	code_hash	TEXT NOT NULL UNIQUE,
	app_id		INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	redirect_uri	TEXT NOT NULL,
	scopes		TEXT NOT NULL,
	code_challenge	TEXT,
	expires_at	INTEGER NOT NULL,
	used_at		INTEGER
) STRICT;
CREATE INDEX oauth_codes_app ON oauth_codes (app_id);
CREATE INDEX oauth_codes_user ON oauth_codes (user_id);

CREATE TABLE tokens_new (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER REFERENCES users (id) ON DELETE CASCADE,
	token_hash	TEXT NOT NULL UNIQUE,
	name		TEXT NOT NULL DEFAULT '',
	scopes		TEXT NOT NULL DEFAULT 'read write follow',
	created_at	INTEGER NOT NULL,
	last_used_at	INTEGER,
	revoked_at	INTEGER,
	app_id		INTEGER REFERENCES apps (id) ON DELETE CASCADE,
	CHECK (user_id IS NOT NULL OR app_id IS NOT NULL)
) STRICT;
INSERT INTO tokens_new (id, user_id, token_hash, name, scopes, created_at,
    last_used_at, revoked_at)
    SELECT id, user_id, token_hash, name, scopes, created_at, last_used_at,
    revoked_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_new RENAME TO tokens;
CREATE INDEX tokens_user ON tokens (user_id);
CREATE INDEX tokens_app ON tokens (app_id);
