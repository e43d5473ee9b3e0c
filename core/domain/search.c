/*
 * search.c: /api/v2/search. People by name or username (a prefix index),
 * hashtags by prefix, and posts by full text (SQLite FTS5), newest first and
 * only what the reader may see. User input never reaches FTS5's query
 * syntax: it is cut into words and each word is quoted. Both indexes hold
 * text folded as fold.c folds (schema 0013), and every word matches by its
 * start, so "zespolu" finds "zespołu" and "darjeel" finds "Darjeeling".
 */
#include <string.h>

#include "domain.h"

/* Whether a byte belongs to a word (UTF-8 multibyte sequences do). */
static int
word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

/* A query as searched: cut to SEARCH_QUERY_MAX bytes at a character's
 * start (the web and the API take the same). */
const char *
search_query(struct arena *a, const char *q)
{
	size_t	n = utf8_cut(q, SEARCH_QUERY_MAX);

	return q[n] == '\0' ? q : arena_strndup(a, q, n);
}

/*
 * Turn free text into a safe FTS5 query: "word1" "word2" (all must match),
 * folded as the indexes are, each word matching by its start if prefix is
 * set ("word1"* "word2"*). NULL if no word is left.
 */
char *
search_fts_query(struct arena *a, const char *q, int prefix)
{
	size_t		 len, i, o = 0;
	char		*out;
	int		 in_word = 0, words = 0;

	q = fold_text(a, arena_strndup(a, q, utf8_cut(q, SEARCH_QUERY_MAX)));
	len = strlen(q);
	out = arena_alloc(a, len * 4 + 8);
	for (i = 0; i < len; i++) {
		if (word_byte((unsigned char)q[i])) {
			if (!in_word) {
				if (words > 0)
					out[o++] = ' ';
				out[o++] = '"';
				in_word = 1;
				words++;
			}
			out[o++] = q[i];
		} else if (in_word) {
			out[o++] = '"';
			if (prefix)
				out[o++] = '*';
			in_word = 0;
		}
	}
	if (in_word) {
		out[o++] = '"';
		if (prefix)
			out[o++] = '*';
	}
	if (words == 0)
		return NULL;
	out[o] = '\0';
	return out;
}

/* Whether search words could name someone outside: "name@host" (with or
 * without a leading @) or an http(s) URL. */
int
search_names_outside(const char *q)
{
	const char	*at;

	if (strncmp(q, "https://", 8) == 0 || strncmp(q, "http://", 7) == 0)
		return strchr(q, ' ') == NULL;
	if (*q == '@')
		q++;
	return (at = strchr(q, '@')) != NULL && at != q && at[1] != '\0' &&
	    strchr(at + 1, '@') == NULL && strpbrk(q, " /") == NULL;
}

/*
 * People whose username, display name, job title or department has words
 * starting with each of the query's words; if
 * follower is not 0, only people follower follows.
 */
static int
search_people(struct db *db, struct arena *a, const char *q, int64_t follower,
    int limit, int offset, struct idlist *out)
{
	sqlite3_stmt	*st;
	char		*fts;

	while (*q == '@')
		q++;
	if ((fts = search_fts_query(a, q, 1)) == NULL)
		return 0;
	st = db_prepare(db, "SELECT u.id FROM users_fts f JOIN users u ON "
	    "u.id = f.rowid WHERE users_fts MATCH ?1 AND u.disabled = 0 "
	    "AND (?5 = 0 OR EXISTS (SELECT 1 FROM follows fo WHERE "
	    "fo.follower_id = ?5 AND fo.followee_id = u.id)) "
	    "ORDER BY (u.username = ?2) DESC, rank, u.id LIMIT ?3 OFFSET ?4");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, q, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, limit);
	sqlite3_bind_int(st, 4, offset);
	sqlite3_bind_int64(st, 5, follower);
	return idlist_from_stmt(a, st, out, NULL);
}

/* People whose username or display name starts with the query's words. */
int
search_accounts(struct db *db, struct arena *a, const char *q, int limit,
    int offset, struct idlist *out)
{
	return search_people(db, a, q, 0, limit, offset, out);
}

/* The same, among the people follower follows (Mastodon's following=true). */
int
search_accounts_followed(struct db *db, struct arena *a, int64_t follower,
    const char *q, int limit, int offset, struct idlist *out)
{
	return search_people(db, a, q, follower, limit, offset, out);
}

/* A tag exists for a reader only if a post they may read carries it: a
 * tag used only in a private group, or only to followers, or directly,
 * must not show itself to others by its name. */
#define SQL_TAG_SEEN(t) "EXISTS (SELECT 1 FROM post_tags pt JOIN posts p ON " \
    "p.id = pt.post_id WHERE pt.tag_id = " t ".id AND " \
    SQL_POST_VISIBLE("p") ")"

/* Hashtags starting with the query (one word) that the viewer has a post
 * to read under, most recently used first; appends their lowercase names
 * to the JSON array out. */
int
search_tags(struct db *db, struct arena *a, int64_t viewer, const char *q,
    int limit, int offset, json_t *out)
{
	sqlite3_stmt	*st;
	char		*word;
	size_t		 n;

	while (*q == '#')
		q++;
	for (n = 0; q[n] != '\0' && word_byte((unsigned char)q[n]); n++)
		;
	if (n == 0 || q[n] != '\0')
		return 0;
	/* Folded as the tags' folded column is (fold.c): "zesp" finds
	 * "zespół". A range scan on its index: >= word and < word + max. */
	word = fold_text(a, arena_strndup(a, q, n));
	st = db_prepare(db, "SELECT t.name FROM tags t WHERE t.folded >= :w "
	    "AND t.folded < :w || char(1114111) AND " SQL_TAG_SEEN("t") " "
	    "ORDER BY (t.folded = :w) DESC, t.last_used_at DESC LIMIT :limit "
	    "OFFSET :offset");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":w"), word, -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":limit"), limit);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":offset"),
	    offset);
	access_bind_viewer(st, viewer);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(out, json_string((const char *)
		    sqlite3_column_text(st, 0)));
	sqlite3_reset(st);
	return 0;
}

/*
 * Posts matching every word, newest first, that the viewer may read; with
 * author non-zero, only that person's.
 */
int
search_posts_by(struct db *db, struct arena *a, int64_t viewer,
    int64_t author, const char *q, const struct page *p, int offset,
    struct idlist *out)
{
	sqlite3_stmt	*st;
	char		*fts;

	if ((fts = search_fts_query(a, q, 1)) == NULL)
		return 0;
	st = db_prepare(db, "SELECT p.id FROM posts_fts JOIN posts p ON "
	    "p.id = posts_fts.rowid WHERE posts_fts MATCH :q AND "
	    "posts_fts.rowid < :max_id AND posts_fts.rowid > :since_id AND "
	    "(:author = 0 OR p.author_id = :author) AND "
	    SQL_POST_VISIBLE("p") " ORDER BY posts_fts.rowid DESC "
	    "LIMIT :limit OFFSET :offset");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":q"), fts, -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":offset"),
	    offset);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":author"),
	    author);
	access_bind_viewer(st, viewer);
	page_bind(st, p);
	return idlist_from_stmt(a, st, out, NULL);
}

/* Posts matching every word, newest first, that the viewer may read. */
int
search_posts(struct db *db, struct arena *a, int64_t viewer, const char *q,
    const struct page *p, int offset, struct idlist *out)
{
	return search_posts_by(db, a, viewer, 0, q, p, offset, out);
}

/* A hashtag's canonical (lowercase) name if a post the viewer may read
 * carries it, else NULL: matched folded (fold.c), the name as asked for
 * if it is one, else the spelling used last. */
const char *
tag_find(struct db *db, struct arena *a, int64_t viewer, const char *name)
{
	sqlite3_stmt	*st;
	char		*lower = utf8_lower_ascii(arena_strdup(a, name));
	const char	*found = NULL;

	if ((st = db_prepare(db, "SELECT t.name FROM tags t WHERE t.folded = "
	    ":f AND " SQL_TAG_SEEN("t") " ORDER BY (t.name = :w) DESC, "
	    "t.last_used_at DESC LIMIT 1")) == NULL)
		return NULL;
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":w"), lower,
	    -1, SQLITE_STATIC);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":f"),
	    fold_text(a, name), -1, SQLITE_STATIC);
	access_bind_viewer(st, viewer);
	if (sqlite3_step(st) == SQLITE_ROW)
		found = arena_strdup(a, (const char *)sqlite3_column_text(st,
		    0));
	sqlite3_reset(st);
	return found;
}
