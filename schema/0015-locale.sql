-- Language and time zone (docs/translating.md): each person's choice of the
-- interface's language ("en", "de", "pl"; NULL: follow the browser's
-- Accept-Language) and time zone (an IANA name such as "Europe/Warsaw";
-- NULL: the browser's, which its script reports in a cookie, else UTC).
ALTER TABLE users ADD COLUMN locale TEXT;
ALTER TABLE users ADD COLUMN time_zone TEXT;
