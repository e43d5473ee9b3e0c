/* Unit tests for form.c, cookie.c and kv.c: the request parsers. */
#include "hearth.h"
#include "tap.h"

int
main(void)
{
	struct arena	*a = arena_new();
	struct kvlist	 l = { 0 };

	ok(form_parse(a, "a=1&b=two+words&c=%41%42", 24, &l) == 0,
	    "simple form parses");
	is_int(l.n, 3, "three fields");
	is_str(kv_get(&l, "b"), "two words", "+ is a space");
	is_str(kv_get(&l, "c"), "AB", "percent-decoding");
	memset(&l, 0, sizeof l);
	ok(form_parse(a, "a=%4", 4, &l) == -1, "truncated escape refused");
	memset(&l, 0, sizeof l);
	ok(form_parse(a, "a=%zz", 5, &l) == -1, "bad hex refused");
	memset(&l, 0, sizeof l);
	ok(form_parse(a, "a=%00", 5, &l) == -1, "NUL refused");
	memset(&l, 0, sizeof l);
	ok(form_parse(a, "a=%C3%A9", 8, &l) == 0 &&
	    strcmp(kv_get(&l, "a"), "\xc3\xa9") == 0, "UTF-8 accepted");
	memset(&l, 0, sizeof l);
	ok(form_parse(a, "a=%C3", 5, &l) == -1, "truncated UTF-8 refused");
	memset(&l, 0, sizeof l);
	ok(form_parse(a, "a=%C0%AF", 8, &l) == -1, "overlong UTF-8 refused");
	memset(&l, 0, sizeof l);
	ok(form_parse(a, "&&a&=x", 6, &l) == 0 && l.n == 2 &&
	    strcmp(kv_get(&l, "a"), "") == 0, "empty pairs skipped, key only");

	memset(&l, 0, sizeof l);
	cookie_parse(a, "x=1; hearth_session=hs_abc ; q=\"v\"", &l);
	is_str(kv_get(&l, "hearth_session"), "hs_abc", "cookie value trimmed");
	is_str(kv_get(&l, "q"), "v", "quoted cookie value");
	arena_free(a);
	return done_testing();
}
