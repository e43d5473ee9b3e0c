/*
 * render.c: HTML templates in a small mustache-like language, over views that
 * are jansson objects (the same shape the API speaks, so handlers build one
 * view for both). {{name}} and {{a.b}} are escaped; {{{name}}} is raw, used
 * only for HTML hearth produced and sanitised itself; {{#x}}...{{/x}} renders
 * once when x is true or an object, once per element when x is a list, and
 * {{^x}}...{{/x}} when x is false, null, 0, "" or []; {{>name}} includes
 * another template; {{! comment }}. Templates are parsed once, at startup,
 * and errors name the file and line.
 */
#include <dirent.h>
#include <errno.h>
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
	struct node	*child;		/* sections */
	struct node	*next;
};

struct template {
	char		*name;
	struct node	*root;
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

/* Look a dotted name up through the context stack. */
static json_t *
lookup(json_t **stack, int depth, const char *name)
{
	char	 seg[128];
	const char *dot;
	json_t	*v = NULL;
	int	 i;
	size_t	 len;

	if (strcmp(name, ".") == 0)
		return stack[depth - 1];
	dot = strchr(name, '.');
	len = dot ? (size_t)(dot - name) : strlen(name);
	if (len >= sizeof seg)
		return NULL;
	memcpy(seg, name, len);
	seg[len] = '\0';
	for (i = depth - 1; i >= 0 && v == NULL; i--) {
		if (json_is_object(stack[i]))
			v = json_object_get(stack[i], seg);
	}
	while (v != NULL && dot != NULL) {
		name = dot + 1;
		dot = strchr(name, '.');
		len = dot ? (size_t)(dot - name) : strlen(name);
		if (len >= sizeof seg)
			return NULL;
		memcpy(seg, name, len);
		seg[len] = '\0';
		v = json_is_object(v) ? json_object_get(v, seg) : NULL;
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

/* Write a scalar, escaped or raw. */
static void
emit(struct evbuffer *out, json_t *v, int raw)
{
	char	num[64];

	if (v == NULL || json_is_null(v))
		return;
	if (json_is_string(v)) {
		if (raw)
			evbuffer_add(out, json_string_value(v),
			    json_string_length(v));
		else
			escape_html(out, json_string_value(v),
			    json_string_length(v));
	} else if (json_is_integer(v)) {
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		evbuffer_add(out, num, strlen(num));
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
    int depth)
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
			emit(out, lookup(stack, depth, n->text),
			    n->type == N_RAW);
			break;
		case N_SECTION:
			v = lookup(stack, depth, n->text);
			if (!truthy(v))
				break;
			if (json_is_array(v)) {
				json_array_foreach(v, i, item) {
					stack[depth] = item;
					if (render_nodes(out, n->child, stack,
					    depth + 1) != 0)
						return -1;
				}
			} else {
				stack[depth] = json_is_object(v) ? v :
				    stack[depth - 1];
				if (render_nodes(out, n->child, stack,
				    depth + 1) != 0)
					return -1;
			}
			break;
		case N_INVERTED:
			if (!truthy(lookup(stack, depth, n->text)) &&
			    render_nodes(out, n->child, stack, depth) != 0)
				return -1;
			break;
		case N_PARTIAL:
			if ((t = template_find(n->text)) == NULL) {
				log_error("render: no template '%s'", n->text);
				return -1;
			}
			stack[depth] = stack[depth - 1];
			if (render_nodes(out, t->root, stack, depth + 1) != 0)
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

/* Render a named template with a view; -1 if it is missing or broken. */
int
render_template(struct evbuffer *out, const char *name, json_t *view)
{
	const struct template	*t;
	json_t			*stack[RENDER_MAX_DEPTH + 1];

	if ((t = template_find(name)) == NULL) {
		log_error("render: no template '%s'", name);
		return -1;
	}
	stack[0] = view;
	return render_nodes(out, t->root, stack, 1);
}

/* Parse and render template text in one go (tests and fuzzing). */
int
render_string(struct evbuffer *out, const char *text, size_t len,
    json_t *view, char **cause)
{
	struct node	*root;
	const char	*p = text;
	json_t		*stack[RENDER_MAX_DEPTH + 1];
	int		 err = 0, rc;

	root = parse("(string)", text, &p, text + len, NULL, 0, &err, cause);
	if (err)
		return -1;
	stack[0] = view;
	rc = render_nodes(out, root, stack, 1);
	node_free(root);
	if (rc != 0)
		*cause = xstrdup("render failed (missing partial or too deep)");
	return rc;
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
	int		 err = 0, rc = -1;
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
	templates[ntemplates].root = root;
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
	int	 rc;

	render_free();
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

	for (i = 0; i < ntemplates; i++) {
		free(templates[i].name);
		node_free(templates[i].root);
	}
	ntemplates = 0;
}
