/*
 * card.c: posts as the streams show them, rendered once and reused.
 * The busiest page, home, shows twenty posts; building each one's view and
 * rendering it took ~170,000 instructions, so a card (post-item.html,
 * rendered) is cached as HTML, shared by every reader, under a tag of what
 * can change: the post's fingerprint (edits, counts) and its author's.
 * What differs between readers is either a variant of the key (favourited
 * by the reader, written by the reader) or left in the HTML as a marker
 * (the reader's CSRF token, the page to come back to) that is filled in
 * as the cards are copied out. So are the "5 min" times, which change with
 * the clock: a marker carries the time, and the text is made on the way
 * out. Markers hold 128 random bits made at start, so no post can contain
 * one. A card is rendered in the reader's language, and kept once per
 * language (its key says which); its date and time in the reader's time
 * zone is a marker too. web_stream adds such a stream, with its "Older"
 * link, to a page.
 */
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "pages.h"

#define CARD_TTL_US	(3600ULL * 1000000ULL)
#define CARD_ROOM	4096	/* bytes a card usually takes, and more */
#define MARK_HEX	32

static struct cache	*card_cache;
/* "\001<hex>C" and "\001<hex>B": the CSRF token and the way back. */
static char		 mark_csrf[MARK_HEX + 3], mark_back[MARK_HEX + 3];

/* Set up the card cache and this run's markers. */
void
web_card_init(size_t max)
{
	card_cache = cache_new(max, CARD_TTL_US);
	mark_csrf[0] = '\001';
	crypto_random_hex(mark_csrf + 1, MARK_HEX / 2);
	memcpy(mark_back, mark_csrf, MARK_HEX + 1);
	mark_csrf[MARK_HEX + 1] = 'C';
	mark_back[MARK_HEX + 1] = 'B';
}

/* This run's marker prefix ("\001" and the hex), for card-save.c. */
const char *
web_card_mark(size_t *len)
{
	*len = MARK_HEX + 1;
	return mark_csrf;
}

/* Every card in memory, with the time it has left (card-save.c). */
void
web_card_each(void (*fn)(int64_t, uint64_t, const char *, size_t, uint64_t,
    void *), void *arg)
{
	cache_each(card_cache, fn, arg);
}

/*
 * A card an earlier run saved, back into memory for ttl_us, its markers
 * (made with that run's prefix, mark) made this run's. 0, or -1 if it
 * does not look like one of ours.
 */
int
web_card_restore(int64_t key, uint64_t tag, const void *html, size_t len,
    const void *mark, size_t mark_len, uint64_t ttl_us)
{
	char		*copy;
	const char	*p, *end;

	if (mark_len != MARK_HEX + 1 || ((const char *)mark)[0] != '\001')
		return -1;
	copy = xmalloc(len ? len : 1);
	memcpy(copy, html, len);
	for (p = copy, end = copy + len; p < end && (p = memchr(p, '\001',
	    end - p)) != NULL; p++) {
		if ((size_t)(end - p) >= mark_len &&
		    memcmp(p, mark, mark_len) == 0)
			memcpy((char *)p, mark_csrf, mark_len);
	}
	cache_put_for(card_cache, key, tag, copy, len, ttl_us);
	free(copy);
	return 0;
}

/* Free the card cache. */
void
web_card_free(void)
{
	cache_free(card_cache);
	card_cache = NULL;
}

/*
 * What a page's cards' markers are filled with, and where the filled cards
 * go: the CSRF token and the way back escaped once (every card has both),
 * the clock, the reader's language and zone.
 */
struct card_out {
	struct evbuffer	*out;
	struct arena	*a;
	const char	*esc;		/* the token, then the way back */
	size_t		 ncsrf, nesc;
	int64_t		 now;
	int		 lang;
	const char	*zone;
	int64_t		 replies;	/* the card's, as its reader may read */
};

static void	card_fill(const char *, size_t, void *);

/*
 * The markers for the replies' count and its word ('N', 'P'): the count a
 * card shows is of the replies its reader may read, which differ between
 * readers (a reply in a group one is not in); in the cache's tag it made
 * readers push each other's copy of a card out.
 */
static void
mark_replies(struct arena *a, json_t *s)
{
	json_object_set_new(s, "replies_count", json_string(arena_printf(a,
	    "%.*sN", MARK_HEX + 1, mark_csrf)));
	json_object_set_new(s, "replies_label", json_string(arena_printf(a,
	    "%.*sP", MARK_HEX + 1, mark_csrf)));
}

/* The marker for a relative time: the prefix, 'T' and 20 digits. */
#define MARK_TIME_DIGITS 20
static const char *
mark_time(struct arena *a, int64_t t)
{
	return arena_printf(a, "%.*sT%0*lld", MARK_HEX + 1, mark_csrf,
	    MARK_TIME_DIGITS, (long long)t);
}

/* The same for a date and time ('D'), shown in the reader's zone. */
static const char *
mark_date(struct arena *a, int64_t t)
{
	return arena_printf(a, "%.*sD%0*lld", MARK_HEX + 1, mark_csrf,
	    MARK_TIME_DIGITS, (long long)t);
}

/*
 * A boost's card: "X shared" over the shared post's card, as its reader
 * sees it. Not cached: it holds the reader's own state of the original,
 * which the boost's key does not carry. -1 if either is gone or hidden.
 */
static int
card_write_shared(struct ectx *e, const struct peek *pk, struct card_out *co)
{
	struct post	*b, *p;
	struct user	*by;
	json_t		*s, *v;
	struct evbuffer	*card, *out;
	int		 rc = -1;

	if ((b = post_get(e->db, e->arena, e->viewer, pk->id)) == NULL ||
	    (p = post_get(e->db, e->arena, e->viewer, b->reblog_of_id)) ==
	    NULL || (by = user_get(e->db, e->arena, b->author_id)) == NULL ||
	    (s = web_post(e, p, mark_back)) == NULL)
		return -1;
	mark_replies(e->arena, s);
	co->replies = p->replies_count;
	json_object_set_new(s, "csrf", json_string(mark_csrf));
	json_object_set_new(s, "created_ago", json_string(mark_time(e->arena,
	    p->created_at)));
	if (p->edited_at != 0)
		json_object_set_new(s, "edited_ago", json_string(mark_time(
		    e->arena, p->edited_at)));
	card = evbuffer_new();
	if (render_template(card, "post-item", s) == 0) {
		v = json_pack("{s:I, s:s, s:s, s:s%}", "id", (json_int_t)b->id,
		    "by_name", by->display_name != NULL &&
		    *by->display_name != '\0' ? by->display_name : by->username,
		    "by_path", arena_printf(e->arena, "/@%s", by->username),
		    "card", (const char *)evbuffer_pullup(card, -1),
		    evbuffer_get_length(card));
		out = evbuffer_new();
		if ((rc = render_template(out, "post-shared", v)) == 0)
			card_fill((const char *)evbuffer_pullup(out, -1),
			    evbuffer_get_length(out), co);
		evbuffer_free(out);
		json_decref(v);
	}
	json_decref(s);
	evbuffer_free(card);
	return rc;
}

/*
 * Render one card into co's output, its markers filled, from the cache when
 * its tag still matches. -1 if the post vanished between the peek and now.
 */
static int
card_write(struct ectx *e, const struct peek *pk, struct card_out *co)
{
	int		 mine = pk->author_id == e->viewer;
	/* Every state of the reader's own is a bit of the key: the
	 * favourite, authorship, bookmark, share and their reactions; the
	 * language takes the top bits (post ids stay below 2^48). */
	int64_t		 key = (pk->id * 4096 + (pk->favourited ? 1 : 0) +
			     (mine ? 2 : 0) + (pk->bookmarked ? 4 : 0) +
			     (pk->reblogged ? 8 : 0) +
			     (int64_t)(pk->my_reactions & 0xff) * 16) |
			     (int64_t)e->lang << 60;
	uint64_t	 tag;
	struct evbuffer	*b;
	struct post	*p;
	json_t		*s;
	int64_t		 stored_replies;
	int		 same, poll;

	if (pk->reblog_of_id != 0)
		return card_write_shared(e, pk, co);
	/* Whose post tools show is the viewer's: a change re-renders. */
	tag = entity_status_tag(pk) ^ pk->author_tag * 0x9e3779b97f4a7c15ULL ^
	    (mine ? (uint64_t)e->post_tools * 0xc2b2ae3d27d4eb4fULL : 0);
	/* The author's pin (Pin or Unpin in More): no bit is left in the
	 * key, and only the author's card has it, so the tag says it. */
	if (pk->pinned)
		tag ^= 0x5851f42d4c957f2dULL;
	/* a poll's card is the reader's own (poll-card.c): never shared */
	poll = pk->has_poll;
	co->replies = pk->replies_seen;
	if (!poll && cache_emit_with(card_cache, key, tag, card_fill, co))
		return 0;
	if ((p = post_get(e->db, e->arena, e->viewer, pk->id)) == NULL)
		return -1;
	/* The stored count is everyone's replies; the card counts those
	 * its reader may read (post_peek), as the post's page lists them. */
	stored_replies = p->replies_count;
	p->replies_count = pk->replies_seen;
	if ((s = web_post(e, p, mark_back)) == NULL)
		return -1;
	mark_replies(e->arena, s);
	json_object_set_new(s, "csrf", json_string(mark_csrf));
	json_object_set_new(s, "created_ago", json_string(mark_time(e->arena,
	    p->created_at)));
	json_object_set_new(s, "created_title", json_string(mark_date(
	    e->arena, p->created_at)));
	if (p->edited_at != 0) {
		json_object_set_new(s, "edited_ago", json_string(mark_time(
		    e->arena, p->edited_at)));
		json_object_set_new(s, "edited_title", json_string(mark_date(
		    e->arena, p->edited_at)));
	}
	b = evbuffer_new();
	if (render_template_lang(b, "post-item", s, e->lang) != 0) {
		json_decref(s);
		evbuffer_free(b);
		return -1;
	}
	json_decref(s);
	/* Cache only what matches the tag: the row may have moved on since
	 * the peek (a favourite in between), and then the next peek says so. */
	same = p->favourited == pk->favourited &&
	    p->favourites_count == pk->favourites_count &&
	    p->bookmarked == pk->bookmarked &&
	    p->reblogged == pk->reblogged &&
	    p->reblogs_count == pk->reblogs_count &&
	    p->reactions_version == pk->reactions_version &&
	    stored_replies == pk->replies_count &&
	    p->pinned == pk->pinned &&
	    (p->edited_at == pk->edited_at);
	if (same && !poll)
		cache_put(card_cache, key, tag, evbuffer_pullup(b, -1),
		    evbuffer_get_length(b));
	card_fill((const char *)evbuffer_pullup(b, -1),
	    evbuffer_get_length(b), co);
	evbuffer_free(b);
	return 0;
}

/*
 * card_fill's output, gathered before it goes to the buffer: a card is a
 * dozen pieces with the markers between them, and an evbuffer_add costs
 * more than copying a piece (a twentieth of a home page went to them).
 */
struct card_stage {
	struct evbuffer	*out;
	size_t		 n;
	char		 buf[8192];
};

static void
stage_flush(struct card_stage *st)
{
	if (st->n > 0)
		evbuffer_add(st->out, st->buf, st->n);
	st->n = 0;
}

static void
stage_put(struct card_stage *st, const char *p, size_t len)
{
	if (st->n + len > sizeof st->buf) {
		stage_flush(st);
		if (len > sizeof st->buf / 2) {
			evbuffer_add(st->out, p, len);
			return;
		}
	}
	memcpy(st->buf + st->n, p, len);
	st->n += len;
}

/* A short text escaped for HTML, as escape_html does. */
static void
stage_escaped(struct card_stage *st, const char *s)
{
	const char	*rep;
	size_t		 k;

	for (;;) {
		k = strcspn(s, "&<>\"'`");
		stage_put(st, s, k);
		switch (s[k]) {
		case '\0': return;
		case '&':  rep = "&amp;"; break;
		case '<':  rep = "&lt;"; break;
		case '>':  rep = "&gt;"; break;
		case '"':  rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:   rep = "&#96;"; break;
		}
		stage_put(st, rep, strlen(rep));
		s += k + 1;
	}
}

/* Copy a card (or cards) into co's output, filling in the markers; under
 * the card cache's lock when it comes from there (cache_emit_with). */
static void
card_fill(const char *s, size_t len, void *arg)
{
	struct card_out		*co = arg;
	struct card_stage	 st;
	const char		*end = s + len, *m, *text;
	char			 num[24];
	int64_t			 t;
	int			 i;

	st.out = co->out;
	st.n = 0;
	while (s < end && (m = memchr(s, '\001', end - s)) != NULL) {
		stage_put(&st, s, m - s);
		s = m + 1;	/* a control character in a post: dropped */
		if ((size_t)(end - m) < sizeof mark_csrf - 1 ||
		    memcmp(m, mark_csrf, MARK_HEX + 1) != 0)
			continue;
		s = m + sizeof mark_csrf - 1;
		switch (m[MARK_HEX + 1]) {
		case 'C':	/* the reader's CSRF token */
			stage_put(&st, co->esc, co->ncsrf);
			break;
		case 'B':	/* the way back */
			stage_put(&st, co->esc + co->ncsrf,
			    co->nesc - co->ncsrf);
			break;
		case 'N':	/* the replies the reader may read */
			stage_put(&st, num, dec_format(num, co->replies));
			break;
		case 'P':	/* ... and their word */
			stage_escaped(&st, trn(co->lang, co->replies, "reply",
			    "replies"));
			break;
		case 'T':	/* a time, relative */
		case 'D':	/* a date and time, in an attribute */
			if ((size_t)(end - m) < MARK_HEX + 2 +
			    MARK_TIME_DIGITS) {
				s = m + 1;	/* cut short: not ours */
				break;
			}
			for (t = 0, i = 0; i < MARK_TIME_DIGITS; i++)
				t = t * 10 + (m[MARK_HEX + 2 + i] - '0');
			s = m + MARK_HEX + 2 + MARK_TIME_DIGITS;
			if (m[MARK_HEX + 1] == 'T') {
				text = i18n_ago(co->a, co->lang, co->zone, t,
				    co->now);
				stage_put(&st, text, strlen(text));
			} else
				stage_escaped(&st, i18n_datetime(co->a,
				    co->lang, co->zone, t));
			break;
		default:	/* not one of ours after all */
			s = m + 1;
			break;
		}
	}
	if (s < end)
		stage_put(&st, s, end - s);
	stage_flush(&st);
}

/* One card to write, for web_filtered_card. */
struct card_job {
	const struct peek	*pk;
	struct card_out		*co;
};

static void
card_job_write(struct ectx *e, void *arg, struct evbuffer *out)
{
	struct card_job	*j = arg;
	struct card_out	 co = *j->co;

	co.out = out;
	(void)card_write(e, j->pk, &co);
}

/*
 * The viewer's readable posts among ids, in order, as HTML cards with their
 * markers filled (empty for none), whose buttons come back to back.
 */
static struct evbuffer *
web_cards_buffer(struct req *r, const struct idlist *ids, const char *back)
{
	struct evbuffer	*out = evbuffer_new(), *esc = evbuffer_new();
	struct card_out	 co;
	struct peek	*peek;
	struct ectx	 e;
	size_t		 i, n;
	int		 ctx;

	/* One chain rather than one every few cards. */
	evbuffer_expand(out, ids->n * CARD_ROOM);
	escape_html(esc, r->csrf, strlen(r->csrf));
	co.ncsrf = evbuffer_get_length(esc);
	escape_html(esc, back, strlen(back));
	co.nesc = evbuffer_get_length(esc);
	co.esc = arena_strndup(r->arena, (const char *)evbuffer_pullup(esc,
	    -1), co.nesc);
	evbuffer_free(esc);
	co.out = out;
	co.a = r->arena;
	co.now = time(NULL);
	co.lang = req_lang(r);
	co.zone = req_zone(r);
	req_ectx(r, &e);
	e.post_tools = req_post_tools_for(r);
	if (post_peek(e.db, e.arena, e.viewer, ids, &peek, &n) != 0)
		n = 0;
	/* FILTERS: hidden or collapsed by filter (settings-filters.c) */
	ctx = web_filter_context(back);
	if (ctx != 0 && !filter_active(e.db, e.arena, e.viewer, ctx))
		ctx = 0;
	for (i = 0; i < n; i++) {
		struct card_job	 job = { &peek[i], &co };

		web_filtered_card(r, &e, ctx, peek[i].id, out,
		    card_job_write, &job);
	}
	ectx_free(&e);
	return out;
}

/* The same as one string ("" for none), for views that use it as text. */
json_t *
web_cards(struct req *r, const struct idlist *ids, const char *back)
{
	struct evbuffer	*out = web_cards_buffer(r, ids, back);
	json_t		*html;

	html = json_stringn_nocheck((const char *)evbuffer_pullup(out, -1),
	    evbuffer_get_length(out));
	evbuffer_free(out);
	return html;
}

/* The same, lent to the page's render (render-lend.c) when there are any:
 * a stream's 60 KB are not copied on their way to the response. */
static json_t *
web_cards_lent(struct req *r, const struct idlist *ids, const char *back)
{
	struct evbuffer	*out = web_cards_buffer(r, ids, back);

	if (evbuffer_get_length(out) == 0) {
		evbuffer_free(out);
		return json_string("");
	}
	return json_string(render_lend(out, r));
}

/* Add a stream of posts to a view, and its "Older" link when the page was
 * full. base is the page's path, escaped for a URL. */
void
web_stream(struct req *r, json_t *v, const struct idlist *ids,
    const struct page *pg, const char *base)
{
	const char	*back = base;

	/* Back to this very page after a favourite (not to a form's POST). */
	if (pg->max_id > 0)
		back = arena_printf(r->arena, "%s?max_id=%lld", base,
		    (long long)pg->max_id);
	/* Only the newest page updates itself as posts arrive. */
	json_object_set_new(v, "latest", json_boolean(pg->max_id == 0 &&
	    pg->since_id == 0 && pg->min_id == 0));
	json_object_set_new(v, "posts", web_cards_lent(r, ids, back));
	if (ids->n > 0 && (int)ids->n >= pg->limit)
		json_object_set_new(v, "older", json_string(arena_printf(
		    r->arena, "%s?max_id=%lld", base,
		    (long long)ids->ids[ids->n - 1])));
}
