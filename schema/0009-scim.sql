-- SCIM 2.0 provisioning (docs/scim.md): Microsoft Entra ID or Okta create,
-- update, deactivate and delete people, and keep groups' members. A person
-- the directory provisioned has a row here: the SCIM userName exactly as
-- the directory sent it (alice@example.com; hearth's own username is made
-- from it once and never follows a rename), its externalId, the parts of
-- the name hearth keeps no column for, and a version for meta.version.
-- Deleting the resource deletes the row (the account stays, deactivated).
CREATE TABLE scim_users (
	user_id		INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	user_name	TEXT NOT NULL COLLATE NOCASE UNIQUE,
	external_id	TEXT,
	given_name	TEXT,
	family_name	TEXT,
	formatted	TEXT,
	created_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	version		INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX scim_users_external ON scim_users (external_id)
	WHERE external_id IS NOT NULL;

-- Which system keeps a directory group: 'scim' for SCIM's /Groups, so
-- SCIM neither lists nor changes the groups another one (LDAP) keeps.
ALTER TABLE directory_groups ADD COLUMN provider TEXT;

-- Apps hearth makes for itself, by a fixed name ('scim': the app whose
-- tokens SCIM provisioning uses, made by hearthctl scim token). Nothing
-- registered through the API can be one: an app is found by this column,
-- never by its name.
ALTER TABLE apps ADD COLUMN builtin TEXT;
CREATE UNIQUE INDEX apps_builtin ON apps (builtin) WHERE builtin IS NOT NULL;
