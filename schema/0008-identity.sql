-- The company's identity systems (docs/authentication.md): who a person is
-- at an OpenID provider, in the LDAP directory, to SCIM provisioning or to
-- an authenticating proxy. A person is found by (provider, issuer,
-- subject): an OpenID provider's `sub`, a directory entry's entryUUID or
-- objectGUID, SCIM's externalId, the proxy's header value. Never by e-mail
-- alone, and a rename at the provider keeps the account.
CREATE TABLE identities (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	provider	TEXT NOT NULL
			CHECK (provider IN ('oidc', 'ldap', 'scim', 'proxy')),
	issuer		TEXT NOT NULL DEFAULT '',
	subject		TEXT NOT NULL,
	created_at	INTEGER NOT NULL,
	last_seen_at	INTEGER,
	UNIQUE (provider, issuer, subject)
) STRICT;
CREATE INDEX identities_user ON identities (user_id, provider);

-- When a person left (deactivated by SCIM, a directory sync or an admin),
-- and which system keeps their profile (NULL: the person themselves).
ALTER TABLE users ADD COLUMN deactivated_at INTEGER;
ALTER TABLE users ADD COLUMN managed_by TEXT;

-- A session started through a provider: which (sign-in `via` password,
-- oidc, ldap or proxy), the provider's session id (`sid`, for back-channel
-- logout) and an end the provider set (its session's, or the ID token's).
ALTER TABLE sessions ADD COLUMN via TEXT NOT NULL DEFAULT 'password';
ALTER TABLE sessions ADD COLUMN idp_sid TEXT;
ALTER TABLE sessions ADD COLUMN expires_at INTEGER;
CREATE INDEX sessions_idp_sid ON sessions (idp_sid) WHERE idp_sid IS NOT NULL;

-- OpenID Connect sign-ins under way: the hash of `state` finds the nonce
-- and PKCE verifier sent with it, and where the person was going. A row is
-- used once (the callback deletes it), and lives ten minutes.
CREATE TABLE oidc_logins (
	state_hash	TEXT PRIMARY KEY,
	nonce		TEXT NOT NULL,
	verifier	TEXT NOT NULL,
	next		TEXT NOT NULL DEFAULT '/',
	created_at	INTEGER NOT NULL
) STRICT;

-- Groups as the directory knows them (SCIM's /Groups, LDAP's groups): who
-- belongs decides who may sign in and who is an admin, when configured.
CREATE TABLE directory_groups (
	id		INTEGER PRIMARY KEY,
	display_name	TEXT NOT NULL,
	external_id	TEXT,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX directory_groups_name ON directory_groups
	(display_name COLLATE NOCASE);
CREATE TABLE directory_group_members (
	group_id	INTEGER NOT NULL REFERENCES directory_groups (id)
			ON DELETE CASCADE,
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	PRIMARY KEY (group_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX directory_group_members_user ON directory_group_members (user_id);
