/*
 * tap.h: a minimal TAP producer for hearth's C unit tests. automake's TAP
 * driver counts each "ok"/"not ok" line as one test.
 *
 * Named cases: `if (tap_case("create")) case_create(...);` runs the case
 * unless CASE (the environment, as make check passes it, or the program's
 * arguments after tap_args) names others. CASE holds names or shell
 * patterns separated by commas or spaces: make check TESTS=tests/unit/
 * test-post CASE='delete*'.
 */
#ifndef TAP_H
#define TAP_H

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	if (!ok(g_ == w_, __VA_ARGS__))					\
		printf("#   got %lld, want %lld\n", g_, w_);		\
} while (0)
#define is_str(got, want, ...) do {					\
	const char *g_ = (got), *w_ = (want);				\
	int same_ = (g_ == NULL && w_ == NULL) ||			\
	    (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0);		\
	if (!ok(same_, __VA_ARGS__))					\
		printf("#   got \"%s\", want \"%s\"\n", g_ ? g_ : "(null)", \
		    w_ ? w_ : "(null)");				\
} while (0)

static int __attribute__((format(printf, 4, 5)))
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list	ap;

	tap_n++;
	printf("%s %d - ", pass ? "ok" : "not ok", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return pass;
}

static const char	*tap_cases;	/* NULL: every case */
static char		 tap_argcases[1024];
static int		 tap_ran;	/* cases run */

/* Take the cases to run from argv (else from CASE). */
static __attribute__((unused)) void
tap_args(int argc, char **argv)
{
	size_t	 len = 0;
	int	 i, n;

	for (i = 1; i < argc; i++) {
		n = snprintf(tap_argcases + len, sizeof tap_argcases - len,
		    "%s ", argv[i]);
		if (n < 0 || (size_t)n >= sizeof tap_argcases - len)
			break;
		len += n;
	}
	if (argc > 1)
		tap_cases = tap_argcases;
}

/* Whether the case named name is to run (then it is announced). */
static __attribute__((unused)) int
tap_case(const char *name)
{
	const char	*list = tap_cases ? tap_cases : getenv("CASE");
	char		 word[128];
	size_t		 n;
	int		 hit = list == NULL || list[strspn(list, ", ")] == '\0';

	while (!hit && list != NULL && *list != '\0') {
		list += strspn(list, ", ");
		n = strcspn(list, ", ");
		if (n > 0 && n < sizeof word) {
			memcpy(word, list, n);
			word[n] = '\0';
			hit = fnmatch(word, name, 0) == 0;
		}
		list += n;
	}
	if (hit) {
		printf("# case %s\n", name);
		tap_ran++;
	}
	return hit;
}

static int
done_testing(void)
{
	if (tap_n == 0 && tap_ran == 0) {
		printf("1..0 # SKIP no case here matches CASE\n");
		return 0;
	}
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
