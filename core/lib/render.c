/*
 * render.c: HTML templates in a small mustache-like language, over views that
 * are jansson objects (the same shape the API speaks, so handlers build one
 * view for both). {{name}} and {{a.b}} are escaped; {{{name}}} is raw, used
 * only for HTML hearth produced and sanitised itself; {{#x}}...{{/x}} renders
 * once when x is true or an object, once per element when x is a list, and
 * {{^x}}...{{/x}} when x is false, null, 0, "" or []; {{>name}} includes
 * another template; {{! comment }}. Templates are parsed once, at startup,
 * and errors name the file and line.
 *
 * Templates are written in English, and each is compiled once more for every
 * other language (docs/translating.md): each run of text between HTML tags,
 * {{vars}} inside it becoming {var}, and the values of the attributes a
 * person reads (aria-label, title, placeholder, alt, a button's value) are
 * looked up in the language's catalogue (i18n.c) and replaced; what is not
 * there stays English. {{#_}}...{{/_}} makes its whole content, tags and
 * all, one message, for a sentence that a tag or a section would cut. A
 * view's "lang" chooses the copy. tools/i18n-extract reads templates by the
 * same rule.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <jansson.h>

#include "lib.h"
#include "render.h"

#define RENDER_MAX_DEPTH	32
#define RENDER_MAX_TEMPLATES	256
#define RENDER_MAX_SIZE		(256 * 1024)

enum node_type { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL };

struct node {
	enum node_type	 type;
	char		*text;		/* N_TEXT: text; others: the name */
	size_t		 len;
	uint32_t	 hash;		/* a name's first part (node_keys) */
	size_t		 len0;		/* ... and its length */
	struct node	*child;		/* sections */
	struct node	*next;
};

struct template {
	char		*name;
	struct node	*root[LANG_COUNT];	/* one per language */
};

static struct template	templates[RENDER_MAX_TEMPLATES];
static size_t		ntemplates;

/* Free a node list. */
static void
node_free(struct node *n)
{
	struct node	*next;

	for (; n != NULL; n = next) {
		next = n->next;
		node_free(n->child);
		free(n->text);
		free(n);
	}
}

/* Count newlines up to p, for error messages. */
static int
line_of(const char *start, const char *p)
{
	int	line = 1;

	for (; start < p; start++) {
		if (*start == '\n')
			line++;
	}
	return line;
}

/* Trim a tag's name in place. */
static char *
tag_name(const char *s, size_t len)
{
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return xstrndup(s, len);
}

/*
 * Parse from *pp until end or the closing tag of section `open`. Returns the
 * node list; on error NULL with *cause.
 */
static struct node *
parse(const char *name, const char *start, const char **pp, const char *end,
    const char *open, int depth, int *err, char **cause)
{
	struct node	*head = NULL, **tail = &head, *n;
	const char	*p = *pp, *tag, *close;
	char		 sigil;
	int		 triple;

	if (depth > RENDER_MAX_DEPTH) {
		*cause = xasprintf("%s:%d: sections nested too deeply", name,
		    line_of(start, p));
		*err = 1;
		return NULL;
	}
	while (p < end) {
		tag = memmem(p, end - p, "{{", 2);
		if (tag == NULL)
			tag = end;
		if (tag > p) {
			n = xcalloc(1, sizeof *n);
			n->type = N_TEXT;
			/* Copy len bytes, not up to a NUL: the text is written
			 * out by length. */
			n->len = tag - p;
			n->text = xmalloc(n->len + 1);
			memcpy(n->text, p, n->len);
			n->text[n->len] = '\0';
			*tail = n;
			tail = &n->next;
		}
		if (tag == end) {
			p = end;
			break;
		}
		triple = tag + 2 < end && tag[2] == '{';
		close = memmem(tag, end - tag, triple ? "}}}" : "}}", triple ?
		    3 : 2);
		if (close == NULL) {
			*cause = xasprintf("%s:%d: unclosed tag", name,
			    line_of(start, tag));
			goto fail;
		}
		p = close + (triple ? 3 : 2);
		tag += triple ? 3 : 2;
		sigil = triple ? '&' : *tag;
		if (strchr("#^/>!", sigil) != NULL && !triple)
			tag++;
		if (sigil == '!')
			continue;
		n = xcalloc(1, sizeof *n);
		n->text = tag_name(tag, close - tag);
		if (*n->text == '\0') {
			*cause = xasprintf("%s:%d: empty tag", name,
			    line_of(start, tag));
			free(n->text);
			free(n);
			goto fail;
		}
		switch (sigil) {
		case '/':
			if (open == NULL || strcmp(open, n->text) != 0) {
				if (open == NULL)
					*cause = xasprintf("%s:%d: {{/%s}} closes "
					    "nothing", name, line_of(start, tag),
					    n->text);
				else
					*cause = xasprintf("%s:%d: {{/%s}} where "
					    "{{/%s}} was expected", name,
					    line_of(start, tag), n->text, open);
				free(n->text);
				free(n);
				goto fail;
			}
			free(n->text);
			free(n);
			*pp = p;
			return head;
		case '#':
		case '^':
			n->type = sigil == '#' ? N_SECTION : N_INVERTED;
			*tail = n;
			tail = &n->next;
			n->child = parse(name, start, &p, end, n->text, depth + 1,
			    err, cause);
			if (*err)
				goto fail;
			break;
		case '>':
			n->type = N_PARTIAL;
			*tail = n;
			tail = &n->next;
			break;
		case '&':
			n->type = N_RAW;
			*tail = n;
			tail = &n->next;
			break;
		default:
			n->type = N_VAR;
			*tail = n;
			tail = &n->next;
			break;
		}
	}
	if (open != NULL) {
		/* *pp is still just after the opening tag: name its line. */
		*cause = xasprintf("%s:%d: section {{#%s}} is never closed", name,
		    line_of(start, *pp), open);
		goto fail;
	}
	*pp = p;
	return head;
fail:
	*err = 1;
	node_free(head);
	return NULL;
}

/*
 * Translation of a parsed template into one language. The scanner walks the
 * nodes in document order with its state (in text, in a tag, in an
 * attribute's value) carried across them, since a {{var}} or a section may
 * sit inside a tag. A run is the text and vars collected since the last tag
 * or section; at its end it is looked up as one message.
 */
enum tmode { T_TEXT, T_TAG, T_VALUE, T_OTHER_VALUE, T_MSG };

struct piece {
	const struct node	*var;	/* NULL: text */
	char			*text;
	size_t			 len;
};

struct tstate {
	int		 lang;
	enum tmode	 mode;
	char		 quote;
	char		 tag[512];	/* the tag so far, for its attributes */
	size_t		 taglen;
	struct piece	 run[64];
	size_t		 nrun;
	struct node	**tail, *last;	/* the output list */
};

/* The attributes whose values are read by people. */
static const char *const tr_attrs[] = {
	"aria-label", "title", "placeholder", "alt", "aria-description"
};

static void t_flush(struct tstate *);

/* Append a node (text copied) to the output list. */
static void
t_emit(struct tstate *st, enum node_type type, const char *text, size_t len)
{
	struct node	*n;

	if (type == N_TEXT && len == 0)
		return;
	/* Join adjacent texts: fewer nodes to walk at each render. */
	if (type == N_TEXT && st->last != NULL) {
		n = st->last;
		if (n->type == N_TEXT) {
			n->text = xrealloc(n->text, n->len + len + 1);
			memcpy(n->text + n->len, text, len);
			n->len += len;
			n->text[n->len] = '\0';
			return;
		}
	}
	n = xcalloc(1, sizeof *n);
	n->type = type;
	n->len = len;
	n->text = xmalloc(len + 1);	/* text may hold NUL bytes */
	memcpy(n->text, text, len);
	n->text[len] = '\0';
	*st->tail = n;
	st->tail = &n->next;
	st->last = n;
}

/* Add text to the current run. */
static void
t_run_text(struct tstate *st, const char *s, size_t len)
{
	struct piece	*p;

	if (st->nrun > 0 && st->run[st->nrun - 1].var == NULL) {
		p = &st->run[st->nrun - 1];
		p->text = xrealloc(p->text, p->len + len + 1);
		memcpy(p->text + p->len, s, len);
		p->len += len;
		p->text[p->len] = '\0';
		return;
	}
	if (st->nrun == nitems(st->run))
		t_flush(st);	/* too long to be one message: as it is */
	p = &st->run[st->nrun++];
	p->var = NULL;
	p->text = xmalloc(len + 1);
	memcpy(p->text, s, len);
	p->text[len] = '\0';
	p->len = len;
}

/* Whether a message has a letter outside its {placeholders}. */
static int
has_words(const char *s)
{
	int	in = 0;

	for (; *s != '\0'; s++) {
		if (*s == '{')
			in = 1;
		else if (*s == '}')
			in = 0;
		else if (!in && ((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z'))
			return 1;
		else if (!in && *s == '&') {
			/* an entity like &amp; is not a word */
			while (s[1] != '\0' && s[1] != ';' && s[1] != ' ')
				s++;
		}
	}
	return 0;
}

/*
 * The message of a run: its pieces with vars as {name}, whitespace
 * collapsed, without the whitespace at its ends (returned in lead and
 * trail, as lengths into the first and last text pieces).
 */
static char *
t_msgid(struct tstate *st)
{
	struct evbuffer	*b = evbuffer_new();
	char		*out;
	size_t		 i, j, len;
	int		 space = 0;

	for (i = 0; i < st->nrun; i++) {
		if (st->run[i].var != NULL) {
			if (space && evbuffer_get_length(b) > 0)
				evbuffer_add(b, " ", 1);
			space = 0;
			evbuffer_add_printf(b, "{%s}", st->run[i].var->text);
			continue;
		}
		for (j = 0; j < st->run[i].len; j++) {
			char	c = st->run[i].text[j];

			if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
				space = 1;
				continue;
			}
			if (space && evbuffer_get_length(b) > 0)
				evbuffer_add(b, " ", 1);
			space = 0;
			evbuffer_add(b, &c, 1);
		}
	}
	len = evbuffer_get_length(b);
	out = xmalloc(len + 1);
	evbuffer_remove(b, out, len);
	out[len] = '\0';
	evbuffer_free(b);
	return out;
}

/* Write the run out, translated if the catalogue has it, and empty it. */
static void
t_flush(struct tstate *st)
{
	const char	*tr_s, *p, *close;
	char		*id;
	size_t		 i, lead = 0, trail = 0;
	struct piece	*first, *last;

	if (st->nrun == 0)
		return;
	id = t_msgid(st);
	tr_s = has_words(id) ? tr(st->lang, id) : id;
	if (tr_s == id) {
		for (i = 0; i < st->nrun; i++) {
			if (st->run[i].var != NULL)
				t_emit(st, st->run[i].var->type,
				    st->run[i].var->text,
				    strlen(st->run[i].var->text));
			else
				t_emit(st, N_TEXT, st->run[i].text,
				    st->run[i].len);
		}
		goto out;
	}
	first = &st->run[0];
	last = &st->run[st->nrun - 1];
	if (first->var == NULL)
		lead = strspn(first->text, " \t\r\n");
	if (last->var == NULL && (last != first || lead < last->len)) {
		while (trail < last->len && strchr(" \t\r\n",
		    last->text[last->len - trail - 1]) != NULL)
			trail++;
	}
	if (lead > 0)
		t_emit(st, N_TEXT, first->text, lead);
	for (p = tr_s; *p != '\0';) {
		if (*p == '{' && (close = strchr(p, '}')) != NULL) {
			for (i = 0; i < st->nrun; i++) {
				if (st->run[i].var != NULL &&
				    strlen(st->run[i].var->text) ==
				    (size_t)(close - p - 1) &&
				    memcmp(st->run[i].var->text, p + 1,
				    close - p - 1) == 0)
					break;
			}
			if (i < st->nrun) {
				t_emit(st, st->run[i].var->type,
				    st->run[i].var->text,
				    strlen(st->run[i].var->text));
				p = close + 1;
				continue;
			}
		}
		close = p + 1;
		while (*close != '\0' && *close != '{')
			close++;
		t_emit(st, N_TEXT, p, close - p);
		p = close;
	}
	if (trail > 0)
		t_emit(st, N_TEXT, last->text + last->len - trail, trail);
out:
	for (i = 0; i < st->nrun; i++) {
		if (st->run[i].var == NULL)
			free(st->run[i].text);
	}
	st->nrun = 0;
	free(id);
}

/* Whether the tag so far ends an attribute's name whose value is read. */
static int
t_readable_attr(struct tstate *st)
{
	size_t	 i, n, end = st->taglen - 1;	/* at the '=' */
	char	*t = st->tag;

	t[st->taglen] = '\0';
	for (i = 0; i < nitems(tr_attrs); i++) {
		n = strlen(tr_attrs[i]);
		if (end >= n + 1 && memcmp(t + end - n, tr_attrs[i], n) == 0 &&
		    (t[end - n - 1] == ' ' || t[end - n - 1] == '\n' ||
		    t[end - n - 1] == '\t'))
			return 1;
	}
	/* Words for the script: data-i18n-NAME="..." (hearth.js). */
	for (i = end; i > 0 && t[i - 1] != ' ' && t[i - 1] != '\n' &&
	    t[i - 1] != '\t'; i--)
		;
	if (end - i > 10 && strncmp(t + i, "data-i18n-", 10) == 0)
		return 1;
	/* A button's label: <input type="submit|button" ... value="..."> */
	if (end >= 6 && memcmp(t + end - 5, "value", 5) == 0 &&
	    strchr(" \n\t", t[end - 6]) != NULL &&
	    strncmp(t, "<input", 6) == 0 &&
	    (strstr(t, "type=\"submit\"") != NULL ||
	    strstr(t, "type=\"button\"") != NULL))
		return 1;
	return 0;
}

/* Scan a text node. */
static void
t_text(struct tstate *st, const char *s, size_t len)
{
	size_t	i, from = 0;
	char	c;

	for (i = 0; i < len; i++) {
		c = s[i];
		switch (st->mode) {
		case T_MSG:
			break;
		case T_TEXT:
			if (c == '<') {
				t_run_text(st, s + from, i - from);
				t_flush(st);
				from = i;
				st->mode = T_TAG;
				st->tag[0] = '<';
				st->taglen = 1;
			}
			break;
		case T_TAG:
			if (st->taglen + 1 < sizeof st->tag)
				st->tag[st->taglen++] = c;
			if (c == '>')
				st->mode = T_TEXT;
			else if ((c == '"' || c == '\'') && st->taglen >= 2 &&
			    st->tag[st->taglen - 2] == '=') {
				st->quote = c;
				st->taglen--;
				if (t_readable_attr(st)) {
					t_emit(st, N_TEXT, s + from,
					    i + 1 - from);
					from = i + 1;
					st->mode = T_VALUE;
				} else
					st->mode = T_OTHER_VALUE;
				/* t_readable_attr ended the string there */
				st->tag[st->taglen++] = c;
			}
			if (st->mode == T_TEXT) {
				t_emit(st, N_TEXT, s + from, i + 1 - from);
				from = i + 1;
			}
			break;
		case T_VALUE:
			if (c == st->quote) {
				t_run_text(st, s + from, i - from);
				t_flush(st);
				from = i;
				st->mode = T_TAG;
			}
			break;
		case T_OTHER_VALUE:	/* a value not read by people */
			/* kept: a button's type="submit" says its value is */
			if (st->taglen + 1 < sizeof st->tag)
				st->tag[st->taglen++] = c;
			if (c == st->quote)
				st->mode = T_TAG;
			break;
		}
	}
	if (st->mode == T_TEXT || st->mode == T_VALUE || st->mode == T_MSG)
		t_run_text(st, s + from, len - from);
	else
		t_emit(st, N_TEXT, s + from, len - from);
}

static struct node *t_list(struct tstate *, const struct node *);

/* Translate one node into the output. */
static void
t_node(struct tstate *st, const struct node *n)
{
	struct node	*copy;
	enum tmode	 mode;

	switch (n->type) {
	case N_TEXT:
		t_text(st, n->text, n->len);
		break;
	case N_VAR:
	case N_RAW:
		if (st->mode == T_TEXT || st->mode == T_VALUE ||
		    st->mode == T_MSG) {
			if (st->nrun == nitems(st->run))
				t_flush(st);
			st->run[st->nrun].var = n;
			st->run[st->nrun].text = NULL;
			st->run[st->nrun++].len = 0;
		} else
			t_emit(st, n->type, n->text, strlen(n->text));
		break;
	case N_SECTION:
		if (strcmp(n->text, "_") == 0 && st->mode == T_TEXT) {
			/* One message, tags and all: spliced in place. */
			t_flush(st);
			mode = st->mode;
			st->mode = T_MSG;
			for (n = n->child; n != NULL; n = n->next) {
				if (n->type == N_TEXT || n->type == N_VAR ||
				    n->type == N_RAW)
					t_node(st, n);
			}
			t_flush(st);
			st->mode = mode;
			break;
		}
		/* FALLTHROUGH */
	case N_INVERTED:
	case N_PARTIAL:
		mode = st->mode;
		if (mode == T_TEXT || mode == T_VALUE)
			t_flush(st);
		copy = xcalloc(1, sizeof *copy);
		copy->type = n->type;
		copy->text = xstrdup(n->text);
		copy->len = n->len;
		*st->tail = copy;
		st->tail = &copy->next;
		st->last = copy;
		if (n->child != NULL)
			copy->child = t_list(st, n->child);
		break;
	}
}

/* Translate a node list (a template or a section's body). */
static struct node *
t_list(struct tstate *st, const struct node *n)
{
	struct node	*head = NULL, **saved_tail = st->tail;
	struct node	*saved_last = st->last;

	st->tail = &head;
	st->last = NULL;
	for (; n != NULL; n = n->next)
		t_node(st, n);
	if (st->mode == T_TEXT || st->mode == T_VALUE)
		t_flush(st);
	st->tail = saved_tail;
	st->last = saved_last;
	return head;
}

/* FNV-1a of a name's first part, for lookup's memo. */
static void
node_keys(struct node *n)
{
	const char	*dot;
	uint32_t	 h;
	size_t		 i;

	for (; n != NULL; n = n->next) {
		node_keys(n->child);
		if (n->type == N_TEXT || n->type == N_PARTIAL)
			continue;
		dot = strchr(n->text, '.');
		n->len0 = dot != NULL ? (size_t)(dot - n->text) :
		    strlen(n->text);
		for (h = 2166136261u, i = 0; i < n->len0; i++)
			h = (h ^ (unsigned char)n->text[i]) * 16777619u;
		n->hash = h;
	}
}

/* A template's copy in a language (English too: it splices {{#_}}). */
static struct node *
translate(const struct node *root, int lang)
{
	struct tstate	*st = xcalloc(1, sizeof *st);
	struct node	*out;

	st->lang = lang;
	st->mode = T_TEXT;
	out = t_list(st, root);
	free(st);
	node_keys(out);
	return out;
}

/*
 * What a render has looked up already: a page asks for the same names of
 * the same objects again and again (nav 18 times, the composer's group 18
 * times, the assets, the token), and jansson hashes the name each time, a
 * third of a page's rendering. A view does not change while it is
 * rendered, so within one render (one generation) a name's value in an
 * object is what it was; a later render never compares with an older
 * generation's slots.
 */
#define LOOKUP_MEMO	256

static __thread struct lookup_slot {
	const json_t	*obj;
	const char	*name;		/* a node's, alive for its render */
	size_t		 len;
	uint32_t	 hash;
	uint64_t	 gen;
	json_t		*val;
} lookup_memo[LOOKUP_MEMO];
static __thread uint64_t lookup_gen;

/* A render begins: nothing it remembers from before holds. */
static void
lookup_forget(void)
{
	lookup_gen++;
}

/* The name's first part in obj, remembered for this render. */
static json_t *
lookup_first(json_t *obj, const struct node *n)
{
	struct lookup_slot	*m = &lookup_memo[(n->hash ^
				    (uint32_t)((uintptr_t)obj >> 4)) %
				    LOOKUP_MEMO];

	if (m->gen == lookup_gen && m->obj == obj && m->hash == n->hash &&
	    m->len == n->len0 && memcmp(m->name, n->text, n->len0) == 0)
		return m->val;
	m->gen = lookup_gen;
	m->obj = obj;
	m->name = n->text;
	m->len = n->len0;
	m->hash = n->hash;
	m->val = json_object_getn(obj, n->text, n->len0);
	return m->val;
}

/*
 * Look a node's dotted name up through the context stack. A partial
 * repeats the frame it was called in, so equal neighbours are asked once.
 */
static json_t *
lookup(json_t **stack, int depth, const struct node *n)
{
	const char	*name = n->text, *dot;
	json_t		*v = NULL;
	int		 i;
	size_t		 len;

	if (name[0] == '.' && name[1] == '\0')
		return stack[depth - 1];
	for (i = depth - 1; i >= 0 && v == NULL; i--) {
		if (i < depth - 1 && stack[i] == stack[i + 1])
			continue;
		if (json_is_object(stack[i]))
			v = lookup_first(stack[i], n);
	}
	dot = name[n->len0] == '.' ? name + n->len0 : NULL;
	while (v != NULL && dot != NULL) {
		name = dot + 1;
		dot = strchr(name, '.');
		len = dot ? (size_t)(dot - name) : strlen(name);
		v = json_is_object(v) ? json_object_getn(v, name, len) : NULL;
	}
	return v;
}

/* Mustache truthiness, with 0 false so counts read naturally. */
static int
truthy(json_t *v)
{
	if (v == NULL || json_is_null(v) || json_is_false(v))
		return 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	return 1;
}

/* A large raw string lent to the output buffer is given back here. */
static void
emit_unref(const void *data, size_t len, void *v)
{
	(void)data;
	(void)len;
	json_decref(v);
}

/* Raw HTML from this many bytes on is lent, not copied (see emit). */
#define EMIT_LEND	4096

/* Write a scalar, escaped or raw. */
static void
emit(struct evbuffer *out, json_t *v, int raw)
{
	struct evbuffer	*lent;
	char		 num[64];

	if (v == NULL || json_is_null(v))
		return;
	if (json_is_string(v)) {
		/* A buffer lent to the render (render-lend.c): its chains
		 * move into out, and an empty stays empty. */
		if (raw && (lent = render_lent_take(json_string_value(v),
		    json_string_length(v))) != NULL) {
			evbuffer_add_buffer(out, lent);
			evbuffer_free(lent);
			return;
		}
		/* Other large raw HTML (a post page's cards, a search's, a
		 * part rendered once per language) is handed to the output
		 * by reference: the string stays alive until the socket has
		 * taken it, and is not copied once more on the way. */
		if (raw && json_string_length(v) >= EMIT_LEND) {
			if (evbuffer_add_reference(out, json_string_value(v),
			    json_string_length(v), emit_unref,
			    json_incref(v)) == 0)
				return;
			json_decref(v);		/* not lent after all */
		}
		if (raw)
			evbuffer_add(out, json_string_value(v),
			    json_string_length(v));
		else
			escape_html(out, json_string_value(v),
			    json_string_length(v));
	} else if (json_is_integer(v)) {
		evbuffer_add(out, num, dec_format(num,
		    json_integer_value(v)));
	} else if (json_is_real(v)) {
		snprintf(num, sizeof num, "%g", json_real_value(v));
		evbuffer_add(out, num, strlen(num));
	} else if (json_is_true(v))
		evbuffer_add(out, "true", 4);
	else if (json_is_false(v))
		evbuffer_add(out, "false", 5);
}

static const struct template *template_find(const char *);

/* Render a node list. */
static int
render_nodes(struct evbuffer *out, const struct node *n, json_t **stack,
    int depth, int lang)
{
	const struct template	*t;
	json_t			*v, *item;
	size_t			 i;

	if (depth >= RENDER_MAX_DEPTH)
		return -1;
	for (; n != NULL; n = n->next) {
		switch (n->type) {
		case N_TEXT:
			evbuffer_add(out, n->text, n->len);
			break;
		case N_VAR:
		case N_RAW:
			emit(out, lookup(stack, depth, n),
			    n->type == N_RAW);
			break;
		case N_SECTION:
			v = lookup(stack, depth, n);
			if (!truthy(v))
				break;
			if (json_is_array(v)) {
				json_array_foreach(v, i, item) {
					stack[depth] = item;
					if (render_nodes(out, n->child, stack,
					    depth + 1, lang) != 0)
						return -1;
				}
			} else {
				stack[depth] = json_is_object(v) ? v :
				    stack[depth - 1];
				if (render_nodes(out, n->child, stack,
				    depth + 1, lang) != 0)
					return -1;
			}
			break;
		case N_INVERTED:
			if (!truthy(lookup(stack, depth, n)) &&
			    render_nodes(out, n->child, stack, depth,
			    lang) != 0)
				return -1;
			break;
		case N_PARTIAL:
			if ((t = template_find(n->text)) == NULL) {
				log_error("render: no template '%s'", n->text);
				return -1;
			}
			stack[depth] = stack[depth - 1];
			if (render_nodes(out, t->root[lang], stack, depth + 1,
			    lang) != 0)
				return -1;
			break;
		}
	}
	return 0;
}

/* A loaded template by name, or NULL. */
static const struct template *
template_find(const char *name)
{
	size_t	i;

	for (i = 0; i < ntemplates; i++) {
		if (strcmp(templates[i].name, name) == 0)
			return &templates[i];
	}
	return NULL;
}

/*
 * A named template rendered once with a view that never changes, as a
 * string frozen for every thread to share (freeze.c), for a raw {{{x}}}:
 * parts of every page that are the same for everyone in a language (the
 * reaction menu's buttons, the composer's blank poll form) cost a page
 * their lookups each time. NULL if the template is missing or broken.
 */
json_t *
render_frozen(const char *name, json_t *view, int lang)
{
	struct evbuffer	*b = evbuffer_new();
	json_t		*s = NULL;

	if (render_template_lang(b, name, view, lang) == 0)
		s = json_freeze(json_stringn((const char *)evbuffer_pullup(b,
		    -1), evbuffer_get_length(b)));
	evbuffer_free(b);
	return s;
}

/* Render a named template with a view, in the language its "lang" names;
 * -1 if it is missing or broken. */
int
render_template(struct evbuffer *out, const char *name, json_t *view)
{
	int	lang = i18n_lang(json_string_value(json_object_get(view,
		    "lang")));

	return render_template_lang(out, name, view, lang < 0 ? LANG_EN :
	    lang);
}

/* Render a named template with a view in a language. */
int
render_template_lang(struct evbuffer *out, const char *name, json_t *view,
    int lang)
{
	const struct template	*t;
	json_t			*stack[RENDER_MAX_DEPTH + 1];

	if ((t = template_find(name)) == NULL) {
		log_error("render: no template '%s'", name);
		return -1;
	}
	if (lang < 0 || lang >= LANG_COUNT)
		lang = LANG_EN;
	stack[0] = view;
	lookup_forget();
	return render_nodes(out, t->root[lang], stack, 1, lang);
}

/* Parse and render template text in one go (tests and fuzzing). */
int
render_string(struct evbuffer *out, const char *text, size_t len,
    json_t *view, char **cause)
{
	struct node	*parsed, *root;
	const char	*p = text;
	json_t		*stack[RENDER_MAX_DEPTH + 1];
	int		 err = 0, rc, lang;

	parsed = parse("(string)", text, &p, text + len, NULL, 0, &err, cause);
	if (err)
		return -1;
	lang = i18n_lang(json_string_value(json_object_get(view, "lang")));
	if (lang < 0)
		lang = LANG_EN;
	root = translate(parsed, lang);
	node_free(parsed);
	stack[0] = view;
	lookup_forget();
	rc = render_nodes(out, root, stack, 1, lang);
	node_free(root);
	if (rc != 0)
		*cause = xstrdup("render failed (missing partial or too deep)");
	return rc;
}

/*
 * Fold each run of white space that holds a line break into one line break.
 * The templates are indented for people; a browser collapses the runs to
 * one space anyway, so the indentation only cost bytes — 13% of a home page
 * of twenty cards. Runs without a line break (a space between two words or
 * values) stay as written; no template keeps white space that matters
 * (<pre>, or a <textarea>'s text) across lines.
 */
static void
squeeze(struct node *n)
{
	char	*r, *w, *run;
	int	 nl;

	for (; n != NULL; n = n->next) {
		squeeze(n->child);
		if (n->type != N_TEXT)
			continue;
		for (r = w = n->text; r < n->text + n->len;) {
			if (!isspace((unsigned char)*r)) {
				*w++ = *r++;
				continue;
			}
			for (run = r, nl = 0; r < n->text + n->len &&
			    isspace((unsigned char)*r); r++)
				nl |= *r == '\n';
			if (nl)
				*w++ = '\n';
			else
				while (run < r)
					*w++ = *run++;
		}
		n->len = w - n->text;
		*w = '\0';
	}
}

/* Load one template file. */
static int
render_load(const char *dir, const char *file, const char *prefix,
    char **cause)
{
	char		*path = xasprintf("%s/%s", dir, file), *text = NULL;
	const char	*p;
	FILE		*f;
	size_t		 len;
	int		 err = 0, rc = -1, lang;
	struct node	*root;

	if ((f = fopen(path, "r")) == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	text = xmalloc(RENDER_MAX_SIZE + 1);
	len = fread(text, 1, RENDER_MAX_SIZE + 1, f);
	fclose(f);
	if (len > RENDER_MAX_SIZE) {
		*cause = xasprintf("%s: too large", path);
		goto out;
	}
	p = text;
	root = parse(path, text, &p, text + len, NULL, 0, &err, cause);
	if (err)
		goto out;
	if (ntemplates == RENDER_MAX_TEMPLATES) {
		node_free(root);
		*cause = xasprintf("%s: too many templates", path);
		goto out;
	}
	templates[ntemplates].name = xasprintf("%s%.*s", prefix,
	    (int)(strlen(file) - 5), file);
	for (lang = 0; lang < LANG_COUNT; lang++) {
		templates[ntemplates].root[lang] = translate(root, lang);
		squeeze(templates[ntemplates].root[lang]);
	}
	node_free(root);
	ntemplates++;
	rc = 0;
out:
	free(text);
	free(path);
	return rc;
}

/* Load every *.html in DIR/templates. */
int
render_init(const char *web_dir, char **cause)
{
	char	*dir = xasprintf("%s/templates", web_dir);
	char	*i18n = xasprintf("%s/i18n", web_dir);
	int	 rc;

	render_free();
	/* The catalogues first: each template is translated as it loads. */
	rc = i18n_load(i18n, cause);
	free(i18n);
	if (rc == 0)
		rc = render_load_dir(dir, "", cause);
	free(dir);
	return rc;
}

/* Load every *.html in dir, named prefix + file name (a module's
 * templates are "NAME/page"). */
int
render_load_dir(const char *dir, const char *prefix, char **cause)
{
	DIR		*d;
	struct dirent	*de;
	size_t		 len;
	int		 rc = 0;

	if ((d = opendir(dir)) == NULL) {
		*cause = xasprintf("%s: %s (is web_dir right?)", dir,
		    strerror(errno));
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len > 5 && de->d_name[0] != '.' &&
		    strcmp(de->d_name + len - 5, ".html") == 0)
			rc = render_load(dir, de->d_name, prefix, cause);
	}
	closedir(d);
	return rc;
}

/* Unload every template. */
void
render_free(void)
{
	size_t	i;
	int	lang;

	for (i = 0; i < ntemplates; i++) {
		free(templates[i].name);
		for (lang = 0; lang < LANG_COUNT; lang++)
			node_free(templates[i].root[lang]);
	}
	ntemplates = 0;
}
