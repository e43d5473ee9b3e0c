-- Post cards that survive a restart (web/pages/card-save.c). The web keeps
-- each post's card (post-item.html, rendered) in memory; rendering one
-- costs ~40 µs, and after a restart every card of every first page costs
-- it at once: a home page takes a millisecond of CPU until the cards are
-- back. So at a clean shutdown the cards in memory are written here, and
-- read back into memory at the next start. A row is only a hint: it is
-- read back only if the program, its templates, catalogues and config are
-- those that rendered it (build), and served only while its tag (what the
-- post, its author and the reader's state were) still matches, as in
-- memory; what is left of its hour in memory is kept (expires_at). Its
-- per-reader markers carry that run's secret (mark), which the next run
-- replaces by its own. An empty table only means cards are rendered anew.
CREATE TABLE saved_cards (
	key		INTEGER PRIMARY KEY,	-- the card cache's key
	tag		INTEGER NOT NULL,	-- what it was rendered from
	build		INTEGER NOT NULL,	-- by what
	expires_at	INTEGER NOT NULL,	-- unix time
	mark		BLOB NOT NULL,		-- that run's marker prefix
	html		BLOB NOT NULL
) STRICT;
