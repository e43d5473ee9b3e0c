-- A guided start (docs/welcome.md). The company-wide group everyone joins:
-- hearthd marks the group groups.default names at start (and unmarks any
-- other), and creating a person (hearthd, hearthctl, OpenID Connect, LDAP,
-- SCIM: all through user_create) adds them to the marked group, whichever
-- process does it and whatever that process's config says.
ALTER TABLE groups ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0
	CHECK (is_default IN (0, 1));

-- Who put the welcome checklist away (it also goes once every step is
-- done); no row: still shown.
CREATE TABLE welcome_dismissed (
	user_id		INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	dismissed_at	INTEGER NOT NULL
) STRICT;
