/*
 * render-fuzzer.c: the template parser and renderer over a fixed view.
 * Templates are trusted (they ship with hearth), so what matters is memory
 * safety and error handling, not output size. A section over a list renders
 * once per element, so nesting k sections over a 2-element list renders 2^k
 * times; every list in this view has one element to keep rendering linear in
 * the template's size (lists with more elements take no other code path).
 * Each template is rendered twice: as written (English) and translated into
 * German from a small catalogue, so the translation of text runs, vars in
 * them, attributes and {{#_}} is exercised too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "hearth.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

static json_t	*view, *view_de;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	json_error_t	err;
	char		*cat, *cause = NULL;

	(void)argc;
	(void)argv;
	log_set_level(LOG_ERROR + 1);	/* missing partials are logged */
	view = json_loads("{\"name\": \"<b>Ann & 'Bo'</b>\", \"n\": 42, "
	    "\"zero\": 0, \"pi\": 2.5, \"yes\": true, \"no\": false, "
	    "\"nothing\": null, \"empty\": \"\", \"none\": [], "
	    "\"list\": [\"x\"], \"people\": [{\"name\": \"Cy\", \"age\": 3}], "
	    "\"user\": {\"name\": \"Di\", \"address\": {\"city\": \"Oslo\"}}}",
	    0, &err);
	if (view == NULL)
		abort();
	view_de = json_deep_copy(view);
	json_object_set_new(view_de, "lang", json_string("de"));
	cat = xstrdup("msgid \"Hello {name}\"\nmsgstr \"Hallo {name} {n}\"\n"
	    "msgid \"Sign in\"\nmsgstr \"Anmelden {name\"\n"
	    "msgid \"a {user.name} <b>b</b>\"\nmsgstr \"{nope} <b>c</b> {\"\n"
	    "msgid \"x\"\nmsgstr \"{{y}}\"\n");
	if (i18n_parse(LANG_DE, cat, &cause) != 0)
		abort();
	free(cat);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evbuffer	*out;
	char		*cause = NULL;
	int		 rc;

	if (view == NULL)
		LLVMFuzzerInitialize(NULL, NULL);
	out = evbuffer_new();
	rc = render_string(out, (const char *)data, size, view, &cause);
	if (rc != 0 && (cause == NULL || (strncmp(cause, "(string)", 8) != 0 &&
	    strncmp(cause, "render failed", 13) != 0)))
		abort();	/* every error says where or what */
	if (rc == 0 && cause != NULL)
		abort();
	free(cause);
	cause = NULL;
	rc = render_string(out, (const char *)data, size, view_de, &cause);
	if (rc != 0 && cause == NULL)
		abort();
	free(cause);
	evbuffer_free(out);
	return 0;
}
