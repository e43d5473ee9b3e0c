/* Unit tests for ratelimit.c: token buckets with explicit clocks. */
#include <stdio.h>

#include "hearth.h"
#include "tap.h"

static void
test_bucket(void)
{
	struct ratelimit	*rl = ratelimit_new(5, 300, 100);
	int			 i, allowed = 0;

	is_int(ratelimit_wait(rl, "k", 1000), 0, "unknown key may act");
	for (i = 0; i < 10; i++) {
		if (ratelimit_wait(rl, "k", 1000) == 0) {
			allowed++;
			ratelimit_hit(rl, "k", 1000);
		}
	}
	is_int(allowed, 5, "a burst of exactly limit actions");
	is_int(ratelimit_wait(rl, "k", 1000), 60,
	    "then wait window/limit seconds for the next token");
	is_int(ratelimit_wait(rl, "other", 1000), 0, "other keys unaffected");
	is_int(ratelimit_wait(rl, "k", 1030), 30, "half a token later: 30s");
	is_int(ratelimit_wait(rl, "k", 1059), 1, "one second before: 1s");
	is_int(ratelimit_wait(rl, "k", 1060), 0, "a token refilled after 60s");
	ratelimit_hit(rl, "k", 1060);
	is_int(ratelimit_wait(rl, "k", 1060), 60, "spent again");
	ratelimit_hit(rl, "k", 1060);
	ratelimit_hit(rl, "k", 1060);
	is_int(ratelimit_wait(rl, "k", 1060), 60,
	    "hits while limited do not push the wait past one token");
	is_int(ratelimit_wait(rl, "k", 1000), 60,
	    "a clock going backwards refills nothing");

	allowed = 0;
	for (i = 0; i < 10; i++) {
		if (ratelimit_wait(rl, "k", 1360) == 0) {
			allowed++;
			ratelimit_hit(rl, "k", 1360);
		}
	}
	is_int(allowed, 5, "after a whole window, a full burst again");
	ok(ratelimit_wait(rl, "k", 1360) > 0, "limited after it");
	ratelimit_clear(rl, "k");
	is_int(ratelimit_wait(rl, "k", 1360), 0, "clear forgets the key");
	ratelimit_clear(rl, "never-seen");
	ok(1, "clearing an unknown key is harmless");
	ratelimit_free(rl);

	rl = ratelimit_new(1, 3600, 10);
	ratelimit_hit(rl, "x", 0);
	is_int(ratelimit_wait(rl, "x", 0), 3600, "limit 1: wait the window");
	is_int(ratelimit_wait(rl, "x", 1800), 1800, "half way: half the window");
	is_int(ratelimit_wait(rl, "x", 3599), 1, "never rounds down to 0 early");
	is_int(ratelimit_wait(rl, "x", 3600), 0, "refilled at the window");
	ratelimit_free(rl);

	rl = ratelimit_new(3, 10, 10);
	ratelimit_hit(rl, "y", 0);
	ratelimit_hit(rl, "y", 0);
	ratelimit_hit(rl, "y", 0);
	is_int(ratelimit_wait(rl, "y", 0), 4, "3 per 10s: wait rounds 3.33 up");
	ratelimit_free(rl);
}

static void
test_bounded(void)
{
	struct ratelimit	*rl = ratelimit_new(1, 300, 3);
	char			 key[32];
	int			 i, limited = 0, last_ok = 1;

	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "10.0.%d.%d", i / 256, i % 256);
		ratelimit_hit(rl, key, 100 + i / 10);
		if (ratelimit_wait(rl, key, 100 + i / 10) == 0)
			last_ok = 0;
	}
	ok(last_ok, "a full table still takes (and limits) new keys");
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "10.0.%d.%d", i / 256, i % 256);
		if (ratelimit_wait(rl, key, 200) > 0)
			limited++;
	}
	ok(limited >= 1 && limited <= 3,
	    "the table never holds more than max_keys (%d remembered)",
	    limited);
	snprintf(key, sizeof key, "10.0.%d.%d", 999 / 256, 999 % 256);
	ok(ratelimit_wait(rl, key, 200) > 0, "the newest key is kept");
	ratelimit_free(rl);

	/*
	 * Least recently used goes first. These names hash to buckets in
	 * another order than they are used in (bob's bucket is lowest).
	 */
	rl = ratelimit_new(1, 300, 3);
	ratelimit_hit(rl, "alice", 100);
	ratelimit_hit(rl, "bob", 101);
	ratelimit_hit(rl, "carol", 102);
	ratelimit_hit(rl, "dave", 103);		/* evicts alice */
	is_int(ratelimit_wait(rl, "alice", 104), 0,
	    "the least recently used key was evicted");
	ok(ratelimit_wait(rl, "bob", 104) > 0, "bob still limited");
	ok(ratelimit_wait(rl, "carol", 104) > 0, "carol still limited");
	ok(ratelimit_wait(rl, "dave", 104) > 0, "dave (new) limited");
	ratelimit_free(rl);

	/* Looking a key up (a login attempt) counts as using it. */
	rl = ratelimit_new(1, 300, 3);
	ratelimit_hit(rl, "bob", 100);
	ratelimit_hit(rl, "alice", 101);
	ratelimit_hit(rl, "erin", 102);
	ratelimit_wait(rl, "bob", 103);
	ratelimit_hit(rl, "dave", 104);		/* evicts alice, not bob */
	ok(ratelimit_wait(rl, "bob", 105) > 0, "a recently checked key kept");
	is_int(ratelimit_wait(rl, "alice", 105), 0, "the idle one evicted");
	ratelimit_free(rl);

	/* Full buckets carry no information and go before any limited key. */
	rl = ratelimit_new(1, 100, 2);
	ratelimit_hit(rl, "dave", 0);		/* refilled by t=200 */
	ratelimit_hit(rl, "bob", 150);		/* still limited at t=200 */
	ratelimit_hit(rl, "carol", 200);
	ok(ratelimit_wait(rl, "bob", 200) > 0,
	    "a refilled key is dropped rather than a limited one");
	ok(ratelimit_wait(rl, "carol", 200) > 0, "the new key is limited");
	ratelimit_free(rl);
}

int
main(void)
{
	test_bucket();
	test_bounded();
	return done_testing();
}
