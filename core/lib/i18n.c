/*
 * i18n.c: the interface's languages. English is written in the templates and
 * the C sources; German and Polish come from web/i18n/LANG.po, read once at
 * start (before any thread), so lookups need no lock. Also the CLDR plural
 * rules of the three, the Accept-Language choice, and dates and relative
 * times made by hand in each language (never the C locale: setlocale is
 * process-wide and the daemon has many threads).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"

#define I18N_FORMS	4	/* Polish: one, few, many, other */
#define I18N_MAX_SIZE	(4 * 1024 * 1024)

struct msg {
	char	*key;		/* msgctxt "\004" msgid, or msgid */
	char	*str[I18N_FORMS];
	int	 nstr;
};

struct catalogue {
	struct msg	*slots;		/* open addressing, power of two */
	size_t		 nslots;
	size_t		 n;
};

static const char *const lang_codes[LANG_COUNT] = { "en", "de", "pl" };
static const char *const lang_names[LANG_COUNT] = {
	"English", "Deutsch", "Polski"
};
static struct catalogue	catalogues[LANG_COUNT];

/* FNV-1a. */
static uint64_t
hash_str(const char *s)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	return h;
}

/* The slot of key in c: its entry or the empty one it would go in. */
static struct msg *
cat_slot(const struct catalogue *c, const char *key)
{
	size_t	i;

	if (c->nslots == 0)
		return NULL;
	for (i = hash_str(key) & (c->nslots - 1);; i = (i + 1) &
	    (c->nslots - 1)) {
		if (c->slots[i].key == NULL ||
		    strcmp(c->slots[i].key, key) == 0)
			return &c->slots[i];
	}
}

/* Add a message, growing the table; a later duplicate wins. */
static void
cat_add(struct catalogue *c, char *key, char **str, int nstr)
{
	struct msg	*old, *m;
	size_t		 oldn, i;
	int		 j;

	if ((c->n + 1) * 2 > c->nslots) {
		old = c->slots;
		oldn = c->nslots;
		c->nslots = oldn == 0 ? 256 : oldn * 2;
		c->slots = xcalloc(c->nslots, sizeof *c->slots);
		for (i = 0; i < oldn; i++) {
			if (old[i].key != NULL)
				*cat_slot(c, old[i].key) = old[i];
		}
		free(old);
	}
	m = cat_slot(c, key);
	if (m->key != NULL) {
		free(m->key);
		for (j = 0; j < m->nstr; j++)
			free(m->str[j]);
	} else
		c->n++;
	m->key = key;
	m->nstr = nstr;
	for (j = 0; j < nstr; j++)
		m->str[j] = str[j];
}

/* Append a "quoted" PO string at p (after the keyword) to *acc. */
static int
po_string(const char *p, char **acc)
{
	size_t	 len = *acc ? strlen(*acc) : 0, cap;
	char	*out;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p++ != '"')
		return -1;
	cap = len + strlen(p) + 1;
	out = xmalloc(cap);
	if (*acc != NULL)
		memcpy(out, *acc, len);
	for (; *p != '"'; p++) {
		if (*p == '\0') {
			free(out);
			return -1;
		}
		if (*p == '\\') {
			p++;
			switch (*p) {
			case 'n': out[len++] = '\n'; break;
			case 't': out[len++] = '\t'; break;
			case '"': out[len++] = '"'; break;
			case '\\': out[len++] = '\\'; break;
			default:
				free(out);
				return -1;
			}
		} else
			out[len++] = *p;
	}
	out[len] = '\0';
	free(*acc);
	*acc = out;
	return 0;
}

struct po_entry {
	char	*ctxt, *id, *idp;
	char	*str[I18N_FORMS];
	int	 nstr;
	int	 fuzzy;
};

/* Add a finished entry to c if it is translated, and start afresh. */
static void
po_finish(struct catalogue *c, struct po_entry *e)
{
	int	ok = e->id != NULL && e->id[0] != '\0' && !e->fuzzy &&
		    e->nstr > 0, i;

	for (i = 0; i < e->nstr; i++)
		ok = ok && e->str[i] != NULL && e->str[i][0] != '\0';
	if (ok)
		cat_add(c, e->ctxt ? xasprintf("%s\004%s", e->ctxt, e->id) :
		    xstrdup(e->id), e->str, e->nstr);
	else {
		for (i = 0; i < e->nstr; i++)
			free(e->str[i]);
	}
	free(e->ctxt);
	free(e->id);
	free(e->idp);
	memset(e, 0, sizeof *e);
}

/*
 * Parse PO text into c. Entries with an empty msgstr (untranslated) or
 * marked fuzzy are left out, so English shows instead. An entry ends where
 * the next begins (a comment, msgctxt or msgid after its msgstr) or at the
 * end of the text.
 */
static int
po_parse(struct catalogue *c, const char *path, char *text, char **cause)
{
	struct po_entry	 e = { 0 };
	char		*line, *next, **cur = NULL;
	int		 lineno = 0, i, n, bare = 0;

	for (line = text; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		while (*line == ' ' || *line == '\t' || *line == '\r')
			line++;
		n = strlen(line);
		while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
			line[--n] = '\0';
		if (e.nstr > 0 && (line[0] == '#' ||
		    strncmp(line, "msgctxt", 7) == 0 ||
		    strncmp(line, "msgid", 5) == 0)) {
			po_finish(c, &e);
			cur = NULL;
		}
		if (line[0] == '\0')
			continue;
		if (line[0] == '#') {
			if (strncmp(line, "#,", 2) == 0 &&
			    strstr(line, "fuzzy") != NULL)
				e.fuzzy = 1;
			continue;
		}
		if (strncmp(line, "msgctxt", 7) == 0) {
			cur = &e.ctxt;
			line += 7;
		} else if (strncmp(line, "msgid_plural", 12) == 0) {
			cur = &e.idp;
			line += 12;
		} else if (strncmp(line, "msgid", 5) == 0) {
			cur = &e.id;
			line += 5;
		} else if (strncmp(line, "msgstr[", 7) == 0) {
			i = atoi(line + 7);
			if (i != e.nstr || i >= I18N_FORMS || e.id == NULL ||
			    (line = strchr(line, ']')) == NULL)
				goto bad;
			cur = &e.str[e.nstr++];
			line++;
		} else if (strncmp(line, "msgstr", 6) == 0) {
			if (e.nstr != 0 || e.id == NULL)
				goto bad;
			cur = &e.str[e.nstr++];
			line += 6;
		} else if (line[0] != '"' || cur == NULL)
			goto bad;
		else
			bare = 1;
		/* A keyword takes a fresh string; a bare one continues it. */
		if (!bare) {
			free(*cur);
			*cur = NULL;
		}
		bare = 0;
		if (po_string(line, cur) != 0)
			goto bad;
	}
	po_finish(c, &e);
	return 0;
bad:
	*cause = xasprintf("%s:%d: not a PO line", path, lineno);
	for (i = 0; i < e.nstr; i++)
		free(e.str[i]);
	free(e.ctxt);
	free(e.id);
	free(e.idp);
	return -1;
}

/* Parse PO text (changed in place) into a language's catalogue, adding to
 * what it has (the fuzzer's way in; i18n_load reads the files). */
int
i18n_parse(int lang, char *text, char **cause)
{
	if (lang <= 0 || lang >= LANG_COUNT) {
		*cause = xstrdup("English has no catalogue");
		return -1;
	}
	return po_parse(&catalogues[lang], "(text)", text, cause);
}

/* Bumped as catalogues load: dates remembered before are made anew. */
static unsigned	dt_generation = 1;

/* Read DIR/CODE.po for every language but English (docs/translating.md). */
int
i18n_load(const char *dir, char **cause)
{
	char	*path, *text;
	FILE	*f;
	size_t	 len;
	int	 lang, rc = 0;

	i18n_free();
	/* Loaded before the loops start; each thread's dates made earlier
	 * are forgotten. */
	dt_generation++;
	for (lang = 1; rc == 0 && lang < LANG_COUNT; lang++) {
		path = xasprintf("%s/%s.po", dir, lang_codes[lang]);
		if ((f = fopen(path, "r")) == NULL) {
			/* A tree without catalogues still serves, in English;
			 * a broken catalogue is refused below. */
			log_warn("i18n: %s: %s; %s shows in English", path,
			    strerror(errno), lang_names[lang]);
			free(path);
			continue;
		}
		text = xmalloc(I18N_MAX_SIZE + 1);
		len = fread(text, 1, I18N_MAX_SIZE, f);
		fclose(f);
		text[len] = '\0';
		rc = po_parse(&catalogues[lang], path, text, cause);
		free(text);
		free(path);
	}
	return rc;
}

/* Forget every catalogue. */
void
i18n_free(void)
{
	struct catalogue	*c;
	size_t			 i;
	int			 lang, j;

	for (lang = 0; lang < LANG_COUNT; lang++) {
		c = &catalogues[lang];
		for (i = 0; i < c->nslots; i++) {
			free(c->slots[i].key);
			for (j = 0; j < c->slots[i].nstr; j++)
				free(c->slots[i].str[j]);
		}
		free(c->slots);
		memset(c, 0, sizeof *c);
	}
}

/* How many messages a language has (0 for English). */
size_t
i18n_count(int lang)
{
	return lang > 0 && lang < LANG_COUNT ? catalogues[lang].n : 0;
}

/* A language's code ("de"). */
const char *
i18n_code(int lang)
{
	return lang >= 0 && lang < LANG_COUNT ? lang_codes[lang] : "en";
}

/* A language's name in itself ("Deutsch"). */
const char *
i18n_name(int lang)
{
	return lang >= 0 && lang < LANG_COUNT ? lang_names[lang] : "English";
}

/* The language of a tag ("de", "de-AT", "PL_pl"), or -1. */
int
i18n_lang(const char *tag)
{
	int	lang;

	if (tag == NULL)
		return -1;
	for (lang = 0; lang < LANG_COUNT; lang++) {
		if (strncasecmp(tag, lang_codes[lang], 2) == 0 &&
		    (tag[2] == '\0' || tag[2] == '-' || tag[2] == '_'))
			return lang;
	}
	return -1;
}

/*
 * The best language for an Accept-Language header (RFC 9110 12.5.4): the
 * highest q among the ranges we have, the earlier on a tie; "*" means
 * any, which is English; q=0 refuses. English when nothing matches.
 */
int
i18n_accept(const char *h)
{
	const char	*p = h, *end, *semi, *q;
	char		 tag[36];
	double		 best = 0, w;
	int		 lang, pick = LANG_EN;
	size_t		 len;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		semi = memchr(p, ';', end - p);
		len = (semi ? semi : end) - p;
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		w = 1;
		if (semi != NULL) {
			for (q = semi + 1; q < end && (*q == ' ' || *q == ';');)
				q++;
			if (q + 1 < end && (q[0] == 'q' || q[0] == 'Q') &&
			    q[1] == '=')
				w = strtod(q + 2, NULL);
			if (w < 0 || w > 1)
				w = 0;
		}
		if (len < sizeof tag) {
			memcpy(tag, p, len);
			tag[len] = '\0';
			lang = strcmp(tag, "*") == 0 ? LANG_EN : i18n_lang(tag);
			if (lang >= 0 && w > best) {
				best = w;
				pick = lang;
			}
		}
		p = end;
	}
	return pick;
}

/*
 * The CLDR plural form of n: English and German one (1) / other; Polish
 * one (1), few (2-4, 22-24, ... but not 12-14), many (the rest of the
 * integers), other (fractions, not used here). The index is the msgstr[]
 * of the catalogue ("Plural-Forms" of the PO header says the same).
 */
int
i18n_plural(int lang, long n)
{
	long	a = n < 0 ? -n : n;

	if (lang == LANG_PL) {
		if (a == 1)
			return 0;
		if (a % 10 >= 2 && a % 10 <= 4 && (a % 100 < 12 ||
		    a % 100 > 14))
			return 1;
		return 2;
	}
	return a == 1 ? 0 : 1;
}

/* How many plural forms a language has. */
int
i18n_nplurals(int lang)
{
	return lang == LANG_PL ? 3 : 2;
}

/* A message of a language's catalogue, or NULL. */
static const struct msg *
find(int lang, const char *ctx, const char *id)
{
	char		 buf[512], *key = buf;
	const struct msg *m;
	size_t		 lc, li;

	if (lang <= 0 || lang >= LANG_COUNT || catalogues[lang].n == 0)
		return NULL;
	if (ctx != NULL) {
		lc = strlen(ctx);
		li = strlen(id);
		if (lc + li + 2 > sizeof buf)
			key = xmalloc(lc + li + 2);
		memcpy(key, ctx, lc);
		key[lc] = '\004';
		memcpy(key + lc + 1, id, li + 1);
	} else
		key = (char *)id;
	m = cat_slot(&catalogues[lang], key);
	if (key != buf && key != id)
		free(key);
	return m != NULL && m->key != NULL ? m : NULL;
}

/* The translation of an English text, or the text itself. */
const char *
tr(int lang, const char *id)
{
	const struct msg	*m = find(lang, NULL, id);

	return m != NULL ? m->str[0] : id;
}

/* The same, for one of a word's senses ("date", "month"...). */
const char *
trc(int lang, const char *ctx, const char *id)
{
	const struct msg	*m = find(lang, ctx, id);

	return m != NULL ? m->str[0] : id;
}

/* The form for n of a plural message, given by its English forms. */
const char *
trn(int lang, long n, const char *one, const char *other)
{
	const struct msg	*m = find(lang, NULL, one);
	int			 form = i18n_plural(lang, n);

	if (m == NULL)
		return form == 0 ? one : other;
	return m->str[form < m->nstr ? form : m->nstr - 1];
}

/*
 * Fill {name} placeholders from pairs of (name, value), NULL-terminated:
 * i18n_format(a, tr(l, "{n} min"), "n", "5", NULL). An unknown {x} stays.
 */
char *
i18n_format(struct arena *a, const char *fmt, ...)
{
	struct {
		const char	*name, *value;
	}		 args[8];
	const char	*p, *close;
	size_t		 nargs = 0, i, len = 0, cap = strlen(fmt) + 1;
	char		*out;
	va_list		 ap;

	va_start(ap, fmt);
	while (nargs < nitems(args) &&
	    (args[nargs].name = va_arg(ap, const char *)) != NULL) {
		args[nargs].value = va_arg(ap, const char *);
		cap += strlen(args[nargs].value);
		nargs++;
	}
	va_end(ap);
	out = arena_alloc(a, cap);
	for (p = fmt; *p != '\0';) {
		if (*p == '{' && (close = strchr(p, '}')) != NULL) {
			for (i = 0; i < nargs; i++) {
				if (strlen(args[i].name) == (size_t)(close -
				    p - 1) && memcmp(args[i].name, p + 1,
				    close - p - 1) == 0)
					break;
			}
			if (i < nargs && len + strlen(args[i].value) < cap) {
				memcpy(out + len, args[i].value,
				    strlen(args[i].value));
				len += strlen(args[i].value);
				p = close + 1;
				continue;
			}
		}
		if (len + 1 < cap)
			out[len++] = *p;
		p++;
	}
	out[len] = '\0';
	return out;
}

/* Month names as a date shows them, looked up in the "month" sense. */
static const char *const months[] = {
	N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"),
	N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec")
};

/* "3 Mar 2026" ("3. März 2026", "3 mar 2026") for t in a zone. */
char *
i18n_date(struct arena *a, int lang, const char *zone, int64_t t)
{
	struct tz_tm	tm;
	char		day[8], year[8];

	tz_localtime(zone, t, &tm);
	snprintf(day, sizeof day, "%d", tm.mday);
	snprintf(year, sizeof year, "%d", tm.year);
	return i18n_format(a, trc(lang, "date", "{day} {month} {year}"),
	    "day", day, "month", tr(lang, months[tm.mon % 12]),
	    "year", year, NULL);
}

/*
 * What i18n_datetime made lately, per thread: a page of twenty cards asks
 * for twenty dates in one zone and language, and working each out through
 * the zone's rules and the catalogue was 7% of a home page. What is kept is
 * the day's text with the time left as a hole (\001), by local day, offset
 * (a day with a change of offset is two), zone and language: a page's
 * posts fall on a few days, not on one minute. A catalogue loaded anew
 * forgets it all (the generation).
 */
#define DT_MEMO		64
#define DT_ZONE		48
#define DT_TEXT		96
static __thread struct dt_memo {
	unsigned	generation;
	int		lang;
	int32_t		off;
	int64_t		day;
	char		zone[DT_ZONE];
	char		text[DT_TEXT];
} dt_memo[DT_MEMO];

/* text with its hole (\001) filled with hm. */
static char *
dt_fill(struct arena *a, const char *text, const char *hm)
{
	const char	*hole = strchr(text, '\001');
	size_t		 pre, nhm = strlen(hm);
	char		*out;

	if (hole == NULL)
		return arena_strdup(a, text);
	pre = (size_t)(hole - text);
	out = arena_alloc(a, strlen(text) + nhm);
	memcpy(out, text, pre);
	memcpy(out + pre, hm, nhm);
	strcpy(out + pre + nhm, hole + 1);
	return out;
}

/* "3 Mar 2026, 14:05 CET": a date and time in a zone, with its name. */
char *
i18n_datetime(struct arena *a, int lang, const char *zone, int64_t t)
{
	struct tz_tm	 tm;
	struct dt_memo	*m;
	const char	*z = zone != NULL ? zone : "", *abbr;
	char		 hm[8], *text;
	int32_t		 off = tz_offset(zone, t, &abbr);
	int64_t		 local = t + off, secs;
	int64_t		 day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	uint64_t	 h = (uint64_t)day * 0x9e3779b97f4a7c15ULL +
			     (uint64_t)(uint32_t)off * 0xc2b2ae3d27d4eb4fULL +
			     (unsigned)lang;
	size_t		 zl = strlen(z), i;

	secs = local - day * 86400;
	hm[0] = (char)('0' + secs / 36000);
	hm[1] = (char)('0' + secs / 3600 % 10);
	hm[2] = ':';
	hm[3] = (char)('0' + secs / 600 % 6);
	hm[4] = (char)('0' + secs / 60 % 10);
	hm[5] = '\0';
	for (i = 0; i < zl; i++)
		h = (h ^ (unsigned char)z[i]) * 0x100000001b3ULL;
	m = &dt_memo[(h >> 32) % DT_MEMO];
	if (m->generation != dt_generation || m->day != day ||
	    m->off != off || m->lang != lang || strcmp(m->zone, z) != 0) {
		tz_localtime(zone, t, &tm);
		text = i18n_format(a, trc(lang, "date",
		    "{date}, {time} {zone}"), "date", i18n_date(a, lang, zone,
		    t), "time", "\001", "zone", tm.abbr, NULL);
		if (zl >= DT_ZONE || strlen(text) >= DT_TEXT)
			return dt_fill(a, text, hm);
		m->generation = dt_generation;
		m->day = day;
		m->off = off;
		m->lang = lang;
		memcpy(m->zone, z, zl + 1);
		memcpy(m->text, text, strlen(text) + 1);
	}
	return dt_fill(a, m->text, hm);
}

/* "just now", "5 min", "3 h", "2 d", or the date after a week. */
char *
i18n_ago(struct arena *a, int lang, const char *zone, int64_t t, int64_t now)
{
	/* Made once per thread, language, unit and number: twenty cards a
	 * page each had one formatted through the catalogue. */
	static __thread struct {
		unsigned	generation;
		char		text[24];
	}		 memo[LANG_COUNT][3][60];
	int64_t	 d = now - t;
	int	 u;
	char	 n[24], *text;

	if (d < 60)
		return arena_strdup(a, tr(lang, "just now"));
	if (d >= 7 * 86400)
		return i18n_date(a, lang, zone, t);
	if (d < 3600) {
		d /= 60;
		u = 0;
	} else if (d < 86400) {
		d /= 3600;
		u = 1;
	} else {
		d /= 86400;
		u = 2;
	}
	if (lang >= 0 && lang < LANG_COUNT && d < 60 &&
	    memo[lang][u][d].generation == dt_generation)
		return arena_strdup(a, memo[lang][u][d].text);
	dec_format(n, d);
	switch (u) {
	case 0:
		text = i18n_format(a, trn(lang, d, "{n} min", "{n} min"), "n",
		    n, NULL);
		break;
	case 1:
		text = i18n_format(a, trn(lang, d, "{n} h", "{n} h"), "n", n,
		    NULL);
		break;
	default:
		text = i18n_format(a, trn(lang, d, "{n} d", "{n} d"), "n", n,
		    NULL);
		break;
	}
	if (lang >= 0 && lang < LANG_COUNT && d < 60 &&
	    strlen(text) < sizeof memo[0][0][0].text) {
		strcpy(memo[lang][u][d].text, text);
		memo[lang][u][d].generation = dt_generation;
	}
	return text;
}

/*
 * n as a language writes it: "12,345" in English, "12.345" in German,
 * "12 345" in Polish (a no-break space, and only from five digits on, as
 * CLDR's Polish groups). Into buf.
 */
char *
i18n_number(char *buf, size_t len, int lang, int64_t n)
{
	const char	*sep = lang == LANG_DE ? "." : lang == LANG_PL ?
			    "\xc2\xa0" : ",";
	char		 digits[24], *p = buf, *end = buf + len;
	size_t		 nd, i, sl = strlen(sep);
	int		 group;

	if (len == 0)
		return buf;
	snprintf(digits, sizeof digits, "%llu", (unsigned long long)(n < 0 ?
	    -(uint64_t)n : (uint64_t)n));
	nd = strlen(digits);
	group = nd >= (lang == LANG_PL ? 5u : 4u);
	if (n < 0 && p + 1 < end)
		*p++ = '-';
	for (i = 0; i < nd && p + 1 < end; i++) {
		if (group && i > 0 && (nd - i) % 3 == 0 && p + sl < end) {
			memcpy(p, sep, sl);
			p += sl;
		}
		if (p + 1 < end)
			*p++ = digits[i];
	}
	*p = '\0';
	return buf;
}

/*
 * A size in bytes as people read it, in a language: "850 bytes", "12 KB",
 * "3.4 MB", "120 MB"; "12 kB" and "3,4 MB" in German and Polish (a decimal
 * comma; "kB" as Duden and Polish write it). Into buf.
 */
char *
i18n_size(char *buf, size_t len, int lang, int64_t bytes)
{
	char		 num[32], *dot;
	const char	*fmt, *at;

	if (bytes < 1000) {
		i18n_number(num, sizeof num, lang, bytes);
		fmt = trn(lang, bytes, "{n} byte", "{n} bytes");
	} else if (bytes < 1000 * 1000) {
		i18n_number(num, sizeof num, lang, (bytes + 500) / 1000);
		fmt = trc(lang, "size", "{n} KB");
	} else if (bytes < 10LL * 1000 * 1000) {
		snprintf(num, sizeof num, "%.1f", bytes / 1e6);
		if (lang != LANG_EN && (dot = strchr(num, '.')) != NULL)
			*dot = ',';
		fmt = trc(lang, "size", "{n} MB");
	} else {
		i18n_number(num, sizeof num, lang, (bytes + 500000) /
		    1000000);
		fmt = trc(lang, "size", "{n} MB");
	}
	if ((at = strstr(fmt, "{n}")) == NULL)
		snprintf(buf, len, "%s", fmt);
	else
		snprintf(buf, len, "%.*s%s%s", (int)(at - fmt), fmt, num,
		    at + 3);
	return buf;
}
