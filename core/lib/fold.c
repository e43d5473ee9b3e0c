/*
 * fold.c: letters folded the way people type them when they search, so
 * "zespolu" finds "zespołu" and "uberstunden" finds "Überstunden". Accents
 * go (é → e), and so do the letters Unicode gives no decomposition and
 * SQLite's unicode61 tokenizer therefore keeps (ł → l, ø → o, æ → ae,
 * ß → ss, þ → th). Search folds the query here and the index with the
 * same letters in SQL (FOLD_SQL in lib.h, and schema 0013's triggers);
 * fold_mark() finds the matched words again in the original text.
 */
#include <string.h>

#include <event2/buffer.h>

#include "lib.h"

/* U+00C0 to U+017F (Latin-1 Supplement and Latin Extended-A), folded to
 * lowercase ASCII; NULL keeps the letter (×, ÷, ĸ, ŋ). */
static const char *const fold_latin[] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i",
	"i", "i", "d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u",
	"u", "y", "th", "ss", "a", "a", "a", "a", "a", "a", "ae", "c", "e",
	"e", "e", "e", "i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o",
	NULL, "o", "u", "u", "u", "u", "y", "th", "y", "a", "a", "a", "a", "a",
	"a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d", "d", "d", "e",
	"e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g", "g",
	"g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i",
	"i", "i", "i", "ij", "ij", "j", "j", "k", "k", NULL, "l", "l", "l",
	"l", "l", "l", "l", "l", "l", "l", "n", "n", "n", "n", "n", "n", "n",
	NULL, NULL, "o", "o", "o", "o", "o", "o", "oe", "oe", "r", "r", "r",
	"r", "r", "r", "s", "s", "s", "s", "s", "s", "s", "s", "t", "t", "t",
	"t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u",
	"u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s"
};

/* The character at s (valid UTF-8) as a code point; *len its bytes. */
static uint32_t
fold_decode(const unsigned char *s, size_t *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
		*len = 2;
		return (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
	}
	if ((s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		*len = 3;
		return (uint32_t)(s[0] & 0x0f) << 12 |
		    (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	}
	/* Four-byte characters, or a stray byte, are kept as they are. */
	for (*len = 1; s[*len] != '\0' && (s[*len] & 0xc0) == 0x80; (*len)++)
		;
	return 0xfffd;
}

/* The folded form of the code point cp, or NULL to keep it. */
const char *
fold_letter(uint32_t cp)
{
	if (cp >= 0xc0 && cp < 0xc0 + nitems(fold_latin))
		return fold_latin[cp - 0xc0];
	if (cp == 0x1e9e)			/* ẞ, capital sharp s */
		return "ss";
	return NULL;
}

/*
 * Fold s into a new string: ASCII lowercased, the letters above folded,
 * everything else kept. If map is not NULL, (*map)[i] is the offset in s
 * of the character folded byte i came from, and (*map)[strlen] is
 * strlen(s), so a match in the folded text points back into s.
 */
char *
fold_map(struct arena *a, const char *s, size_t **map)
{
	size_t		 len = strlen(s), i = 0, o = 0, n, k, fl;
	const char	*f;
	char		*out;
	uint32_t	 cp;

	/* No letter folds to more than twice its bytes ("ß" → "ss"). */
	out = arena_alloc(a, len * 2 + 1);
	if (map != NULL)
		*map = arena_alloc(a, (len * 2 + 1) * sizeof **map);
	while (i < len) {
		cp = fold_decode((const unsigned char *)s + i, &n);
		if (cp < 0x80) {
			f = NULL;
			out[o] = (char)(cp >= 'A' && cp <= 'Z' ?
			    cp - 'A' + 'a' : cp);
			fl = 1;
		} else if ((f = fold_letter(cp)) != NULL) {
			fl = strlen(f);
			memcpy(out + o, f, fl);
		} else {
			fl = n;
			memcpy(out + o, s + i, n);
		}
		if (map != NULL)
			for (k = 0; k < fl; k++)
				(*map)[o + k] = i;
		o += fl;
		i += n;
	}
	out[o] = '\0';
	if (map != NULL)
		(*map)[o] = len;
	return out;
}

/* Fold s into a new string (see fold_map). */
char *
fold_text(struct arena *a, const char *s)
{
	return fold_map(a, s, NULL);
}

/* Whether a byte belongs to a word (search.c cuts queries the same way). */
static int
fold_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

/* The query's words, folded, at most FOLD_WORDS; returns how many. */
#define FOLD_WORDS 16
static size_t
fold_words(struct arena *a, const char *query, const char **words,
    size_t *wlen)
{
	size_t	 nw = 0, i, j;
	char	*fq = fold_text(a, query);

	for (i = 0; fq[i] != '\0' && nw < FOLD_WORDS; ) {
		if (!fold_word_byte((unsigned char)fq[i])) {
			i++;
			continue;
		}
		for (j = i; fold_word_byte((unsigned char)fq[j]); j++)
			;
		words[nw] = fq + i;
		wlen[nw++] = j - i;
		i = j;
	}
	return nw;
}

/*
 * Where in text the word at folded offset i matches one of the words: the
 * original bytes [*start, *end), or 0 if none matches. j ends the word.
 */
static int
fold_match(const char *text, const char *ft, const size_t *map, size_t i,
    size_t j, const char **words, const size_t *wlen, size_t nw,
    size_t *start, size_t *end)
{
	size_t	w, e;

	for (w = 0; w < nw; w++)
		if (wlen[w] <= j - i && memcmp(ft + i, words[w], wlen[w]) == 0)
			break;
	if (w == nw)
		return 0;
	*start = map[i];
	/* The mark ends after the original character that the last matched
	 * folded byte came from ("ß" matched by "s" is marked whole). */
	e = map[i + wlen[w]];
	if (e <= map[i + wlen[w] - 1])
		e = map[i + wlen[w] - 1] + 1;
	while (text[e] != '\0' && ((unsigned char)text[e] & 0xc0) == 0x80)
		e++;
	*end = e;
	return 1;
}

/* The buffer's text in the arena; b is freed. */
static char *
fold_take(struct arena *a, struct evbuffer *b)
{
	char	*out;

	out = evbuffer_get_length(b) == 0 ? arena_strdup(a, "") :
	    arena_strndup(a, (const char *)evbuffer_pullup(b, -1),
	    evbuffer_get_length(b));
	evbuffer_free(b);
	return out;
}

/*
 * text as HTML, escaped, with every word that starts with one of the
 * query's words (both folded) wrapped in <mark>. The text is escaped a
 * piece at a time, so nothing of it is ever markup.
 */
char *
fold_mark(struct arena *a, const char *text, const char *query)
{
	struct evbuffer	*b = evbuffer_new();
	const char	*words[FOLD_WORDS];
	size_t		 wlen[FOLD_WORDS], nw, i, j, last = 0, *map, start,
			 end;
	char		*ft;

	nw = fold_words(a, query, words, wlen);
	ft = fold_map(a, text, &map);
	for (i = 0; ft[i] != '\0'; ) {
		if (!fold_word_byte((unsigned char)ft[i])) {
			i++;
			continue;
		}
		for (j = i; fold_word_byte((unsigned char)ft[j]); j++)
			;
		if (fold_match(text, ft, map, i, j, words, wlen, nw, &start,
		    &end)) {
			escape_html(b, text + last, start - last);
			evbuffer_add(b, "<mark>", 6);
			escape_html(b, text + start, end - start);
			evbuffer_add(b, "</mark>", 7);
			last = end;
		}
		i = j;
	}
	escape_html(b, text + last, strlen(text) - last);
	return fold_take(a, b);
}

/*
 * The same for HTML hearth wrote itself (a post's rendered content): only
 * words in text are marked, never inside a tag or a character reference,
 * and the HTML is otherwise copied as it is.
 */
char *
fold_mark_html(struct arena *a, const char *html, const char *query)
{
	struct evbuffer	*b = evbuffer_new();
	const char	*words[FOLD_WORDS], *end;
	size_t		 wlen[FOLD_WORDS], nw, i, j, last = 0, *map, ms, me;
	char		*ft;

	nw = fold_words(a, query, words, wlen);
	ft = fold_map(a, html, &map);
	for (i = 0; ft[i] != '\0'; ) {
		if (ft[i] == '<' || ft[i] == '&') {
			/* Skip to the tag's or the reference's end. */
			end = strchr(html + map[i], ft[i] == '<' ? '>' : ';');
			if (end == NULL)
				break;
			while (ft[i] != '\0' && map[i] <= (size_t)(end - html))
				i++;
			continue;
		}
		if (!fold_word_byte((unsigned char)ft[i])) {
			i++;
			continue;
		}
		for (j = i; fold_word_byte((unsigned char)ft[j]); j++)
			;
		if (fold_match(html, ft, map, i, j, words, wlen, nw, &ms,
		    &me)) {
			evbuffer_add(b, html + last, ms - last);
			evbuffer_add(b, "<mark>", 6);
			evbuffer_add(b, html + ms, me - ms);
			evbuffer_add(b, "</mark>", 7);
			last = me;
		}
		i = j;
	}
	evbuffer_add(b, html + last, strlen(html) - last);
	return fold_take(a, b);
}
