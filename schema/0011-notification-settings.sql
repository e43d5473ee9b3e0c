-- What each person wants of their notifications: per kind (a notification
-- type: mention, follow, favourite, reblog, added_to_group, a module's), shown
-- on the web or not, and in the e-mail digest or not. No row: both on.
-- The digest's frequency and where the last one stopped live beside them, so
-- a restart never sends the same digest twice.
CREATE TABLE notification_prefs (
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind		TEXT NOT NULL,
	web		INTEGER NOT NULL DEFAULT 1 CHECK (web IN (0, 1)),
	email		INTEGER NOT NULL DEFAULT 1 CHECK (email IN (0, 1)),
	PRIMARY KEY (user_id, kind)
) STRICT, WITHOUT ROWID;

CREATE TABLE notification_digests (
	user_id		INTEGER PRIMARY KEY REFERENCES users (id)
			    ON DELETE CASCADE,
	frequency	TEXT NOT NULL DEFAULT 'off'
			    CHECK (frequency IN ('off', 'daily', 'weekly')),
	last_sent_at	INTEGER NOT NULL DEFAULT 0,
	last_id		INTEGER NOT NULL DEFAULT 0	-- the newest one sent
) STRICT;
