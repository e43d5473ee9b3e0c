/* Unit tests for config.c and duration.c: the config file and its values. */
#include <stdio.h>
#include <unistd.h>

#include "hearth.h"
#include "tap.h"

static struct config	c;
static char		*cause;

/* Parse text over fresh defaults; the config stays in c for inspection. */
static int
parse(const char *text)
{
	config_free(&c);
	config_defaults(&c);
	free(cause);
	cause = NULL;
	return config_parse(&c, "t.conf", text, strlen(text), &cause);
}

/* Whether the last error contains needle. */
static int
cause_has(const char *needle)
{
	if (cause == NULL || strstr(cause, needle) == NULL) {
		printf("#   cause: %s\n", cause ? cause : "(null)");
		return 0;
	}
	return 1;
}

static void
test_duration(void)
{
	long	v = -1;

	ok(duration_parse("90", &v) == 0 && v == 90, "bare number is seconds");
	ok(duration_parse("90s", &v) == 0 && v == 90, "90s");
	ok(duration_parse("15m", &v) == 0 && v == 900, "15m");
	ok(duration_parse("12h", &v) == 0 && v == 43200, "12h");
	ok(duration_parse("14d", &v) == 0 && v == 14 * 86400, "14d");
	ok(duration_parse("0", &v) == 0 && v == 0, "zero");
	ok(duration_parse("", &v) == -1, "empty refused");
	ok(duration_parse("s", &v) == -1, "unit alone refused");
	ok(duration_parse("-5s", &v) == -1, "negative refused");
	ok(duration_parse(" 5s", &v) == -1, "leading space refused");
	ok(duration_parse("5x", &v) == -1, "unknown unit refused");
	ok(duration_parse("5ss", &v) == -1, "trailing junk after unit refused");
	ok(duration_parse("5 s", &v) == -1, "space before unit refused");
	ok(duration_parse("1.5h", &v) == -1, "fraction refused");
	ok(duration_parse("99999999999999999999", &v) == -1,
	    "overflowing number refused");
	ok(duration_parse("999999999999999999d", &v) == -1,
	    "overflow through the unit refused");
}

static void
test_defaults(void)
{
	ok(parse("") == 0, "empty file parses");
	is_str(c.base_url, "http://127.0.0.1:8080", "default base_url");
	is_int(c.nlisten, 0, "no listen from parse alone (config_load adds one)");
	is_int(c.synchronous, SYNC_FULL, "default synchronous=full");
	is_int(c.log_level, LOG_INFO, "default log_level=info");
	is_int(c.session_idle, 7 * 86400, "default session idle 7d");
	is_int(c.session_lifetime, 30 * 86400, "default session lifetime 30d");
	is_int(c.request_timeout, 30, "default request timeout");
	is_int(c.max_body_size, 8 << 20, "default max_body_size");
	is_int(c.login_account_limit, 5, "default login_account_limit");
	is_int(c.login_ip_limit, 30, "default login_ip_limit");
	is_int(c.login_window, 300, "default login_window");
	is_int(c.trust_proxy, 0, "default trust_proxy off");
	ok(c.tls_cert == NULL && c.tls_key == NULL, "no TLS by default");
	ok(!config_is_https(&c), "http base_url is not https");
}

static void
test_values(void)
{
	char	*p;

	ok(parse("listen = 127.0.0.1:8081\n") == 0, "host:port");
	ok(c.nlisten == 1 && strcmp(c.listen[0].host, "127.0.0.1") == 0 &&
	    c.listen[0].port == 8081 && !c.listen[0].tls, "host:port stored");

	ok(parse("listen = [::1]:8443 tls\ntls_cert = /c\ntls_key = /k\n") == 0,
	    "[v6]:port tls with cert and key");
	ok(c.nlisten == 1 && strcmp(c.listen[0].host, "::1") == 0 &&
	    c.listen[0].port == 8443 && c.listen[0].tls, "v6 host, port, tls");

	ok(parse("listen = :9000\n") == 0 && c.nlisten == 1 &&
	    strcmp(c.listen[0].host, "0.0.0.0") == 0 && c.listen[0].port == 9000,
	    ":port means every address");
	ok(parse("listen = 0.0.0.0:80    tls\ntls_cert=a\ntls_key=b") == 0 &&
	    c.listen[0].tls, "several spaces before tls");

	ok(parse("listen = 127.0.0.1:1\nlisten = [::]:2\nlisten = :3\n") == 0,
	    "repeated listen lines");
	is_int(c.nlisten, 3, "every listen line kept");
	ok(c.nlisten == 3 && c.listen[0].port == 1 && c.listen[1].port == 2 &&
	    c.listen[2].port == 3, "in order");

	/* A second parse over a config that has listens (a reload) replaces
	 * them instead of appending. */
	ok(config_parse(&c, "u.conf", "listen = 10.0.0.1:7\n",
	    strlen("listen = 10.0.0.1:7\n"), &cause) == 0,
	    "second parse over the same config");
	ok(c.nlisten == 1 && c.listen[0].port == 7,
	    "listen lines replace earlier ones");

	ok(parse("session_idle_timeout = 90s\nsession_lifetime = 14d\n"
	    "request_timeout = 15m\nlogin_window = 12h\n") == 0, "durations");
	is_int(c.session_idle, 90, "90s");
	is_int(c.session_lifetime, 14 * 86400, "14d");
	is_int(c.request_timeout, 900, "15m");
	is_int(c.login_window, 43200, "12h");

	ok(parse("trust_proxy = yes") == 0 && c.trust_proxy == 1, "bool yes");
	ok(parse("trust_proxy = On") == 0 && c.trust_proxy == 1, "bool On");
	ok(parse("trust_proxy = TRUE") == 0 && c.trust_proxy == 1, "bool TRUE");
	ok(parse("trust_proxy = 1") == 0 && c.trust_proxy == 1, "bool 1");
	ok(parse("trust_proxy = 1\ntrust_proxy = no") == 0 &&
	    c.trust_proxy == 0, "bool no, later line wins");
	ok(parse("trust_proxy = off") == 0 && c.trust_proxy == 0, "bool off");
	ok(parse("trust_proxy = 0") == 0 && c.trust_proxy == 0, "bool 0");
	ok(parse("trust_proxy = false") == 0 && c.trust_proxy == 0,
	    "bool false");

	ok(parse("synchronous = off") == 0 && c.synchronous == SYNC_OFF,
	    "synchronous off");
	ok(parse("synchronous = NORMAL") == 0 && c.synchronous == SYNC_NORMAL,
	    "synchronous NORMAL (case-insensitive)");
	ok(parse("synchronous = extra") == 0 && c.synchronous == SYNC_EXTRA,
	    "synchronous extra");

	ok(parse("log_level = debug") == 0 && c.log_level == LOG_DEBUG,
	    "log_level debug");
	ok(parse("log_level = warn") == 0 && c.log_level == LOG_WARN,
	    "log_level warn");
	ok(parse("log_level = error") == 0 && c.log_level == LOG_ERROR,
	    "log_level error");

	ok(parse("threads = 4\nworkers = 0\nmax_body_size = 2048") == 0 &&
	    c.threads == 4 && c.workers == 0 && c.max_body_size == 2048,
	    "integers");
	ok(parse("data_dir = /var/lib/x\nmodules = a b\n") == 0 &&
	    strcmp(c.data_dir, "/var/lib/x") == 0 &&
	    strcmp(c.modules, "a b") == 0, "strings, inner spaces kept");
	ok(parse("modules =\n") == 0 && strcmp(c.modules, "") == 0,
	    "a string may be empty");
	ok(parse("base_url = https://social.example.org") == 0 &&
	    config_is_https(&c), "https base_url");
	ok(parse("  base_url\t=\thttp://x:1  \r\n") == 0 &&
	    strcmp(c.base_url, "http://x:1") == 0, "spaces, tabs and CR trimmed");

	p = config_db_path(&c);
	ok(p != NULL && strlen(p) > 10 &&
	    strcmp(p + strlen(p) - 10, "/hearth.db") == 0,
	    "db path is data_dir/hearth.db");
	free(p);
}

static void
test_comments(void)
{
	ok(parse("# a comment\n\n   # indented comment\nthreads = 2 # trailing\n"
	    "workers = 3\t# after a tab\n") == 0, "comments and blank lines");
	is_int(c.threads, 2, "comment after a space stripped");
	is_int(c.workers, 3, "comment after a tab stripped");
	ok(parse("base_url = https://example.org/#frag") == 0,
	    "# inside a URL value");
	is_str(c.base_url, "https://example.org/#frag", "URL fragment kept");
	ok(parse("data_dir = /srv/a#b # comment") == 0 &&
	    strcmp(c.data_dir, "/srv/a#b") == 0,
	    "inner # kept, later comment stripped");
	ok(parse("#threads = nonsense") == 0 && c.threads == 0,
	    "commented-out line ignored");
}

static void
test_errors(void)
{
	ok(parse("threads = 2\nbogus = 1\n") == -1, "unknown key refused");
	ok(cause_has("t.conf:2:") && cause_has("bogus"),
	    "unknown key error names FILE:LINE and the key");

	ok(parse("\n\nthreads = lots\n") == -1, "bad integer refused");
	ok(cause_has("t.conf:3:") && cause_has("'threads'") &&
	    cause_has("lots"), "bad value names FILE:LINE, key and value");

	ok(parse("threads = 257") == -1 && cause_has("'threads'"),
	    "integer out of range refused");
	ok(parse("threads = 4x") == -1, "integer with junk refused");
	ok(parse("trust_proxy = maybe") == -1 && cause_has("t.conf:1:") &&
	    cause_has("trust_proxy"), "bad bool refused");
	ok(parse("synchronous = sometimes") == -1 && cause_has("synchronous"),
	    "bad synchronous refused");
	ok(parse("log_level = loud") == -1 && cause_has("log_level"),
	    "bad log_level refused");
	ok(parse("session_idle_timeout = 10y") == -1 &&
	    cause_has("session_idle_timeout"), "bad duration refused");
	ok(parse("session_idle_timeout = 0s") == -1,
	    "duration below the key's minimum refused");
	ok(parse("request_timeout = 2h") == -1 && cause_has("request_timeout"),
	    "duration above the key's maximum refused");
	ok(parse("base_url = ftp://x") == -1 && cause_has("base_url"),
	    "non-http base_url refused");
	ok(parse("base_url = http://x/") == -1 && cause_has("base_url"),
	    "base_url with trailing slash refused");
	ok(parse("threads =") == -1 && cause_has("needs a value"),
	    "empty value for a non-string refused");

	ok(parse("threads = 1\nthreads 2\n") == -1, "missing '=' refused");
	ok(cause_has("t.conf:2:"), "missing '=' names FILE:LINE");

	ok(parse("listen = 127.0.0.1") == -1 && cause_has("listen"),
	    "listen without port refused");
	ok(parse("listen = 127.0.0.1:0") == -1, "port 0 refused");
	ok(parse("listen = 127.0.0.1:65536") == -1, "port 65536 refused");
	ok(parse("listen = 127.0.0.1:80x") == -1, "port with junk refused");
	ok(parse("listen = 127.0.0.1:") == -1, "empty port refused");
	ok(parse("listen = [::1]8080") == -1 && cause_has("IPV6"),
	    "v6 without ':' after ']' refused");
	ok(parse("listen = [::1:8080") == -1, "unclosed '[' refused");
	ok(parse("listen = 127.0.0.1:80 ssl") == -1 && cause_has("tls"),
	    "unknown listen suffix refused");

	ok(parse("listen = 127.0.0.1:443 tls\n") == -1,
	    "tls listen without cert refused");
	ok(cause_has("t.conf") && cause_has("tls"),
	    "tls error names the file and tls_cert");
	ok(parse("tls_cert = /etc/c.pem\n") == -1 && cause_has("tls_key"),
	    "tls_cert without tls_key refused, naming tls_key");
	ok(parse("tls_key = /etc/k.pem\n") == -1 && cause_has("tls_cert"),
	    "tls_key without tls_cert refused");
	ok(parse("data_dir =\n") == -1 && cause_has("data_dir"),
	    "empty data_dir refused");
	free(cause);
	cause = NULL;
	ok(config_parse(&c, "n.conf", "threads = 1\0x", 13, &cause) == -1 &&
	    cause_has("NUL"), "NUL byte refused");
}

/* The reactions key: emoji only, at most 8, none twice, 👍 among them
 * (it is the favourite of Mastodon apps). */
static void
test_reactions(void)
{
	ok(parse("") == 0 && strcmp(c.reactions, CONFIG_REACTIONS_DEFAULT) ==
	    0, "default reactions");
	ok(parse("reactions = 👍 🚀  🎉\n") == 0 &&
	    strcmp(c.reactions, "👍 🚀  🎉") == 0, "a set of three, as written");
	ok(parse("reactions = 👍\n") == 0, "👍 alone is a set");
	ok(parse("reactions = 🎉 👀\n") == -1 && cause_has("reactions") &&
	    cause_has("👍"), "a set without 👍 refused, naming the key");
	ok(parse("reactions = 👍 like\n") == -1 && cause_has("not words"),
	    "a word refused");
	ok(parse("reactions = 👍 👍\n") == -1 && cause_has("twice"),
	    "an emoji twice refused");
	ok(parse("reactions = 👍 😀 😁 😂 😃 😄 😅 😆 😇\n") == -1 &&
	    cause_has("at most 8"), "nine refused");
	ok(parse("reactions = 👍 😀 😁 😂 😃 😄 😅 😆\n") == 0,
	    "eight accepted");
	ok(parse("reactions = 👍 \xff\xfe\n") == -1, "bad UTF-8 refused");
}

static void
test_load(void)
{
	char	path[] = "/tmp/hearth-test-config-XXXXXX";
	FILE	*f;
	int	 fd;

	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		ok(0, "mkstemp");
		return;
	}
	fputs("threads = 3\n", f);
	fclose(f);
	config_free(&c);
	config_defaults(&c);
	ok(config_load(&c, path, &cause) == 0, "config_load of a file");
	is_str(c.path, path, "path recorded");
	ok(c.nlisten == 1 && strcmp(c.listen[0].host, "127.0.0.1") == 0 &&
	    c.listen[0].port == 8080, "default listen when the file has none");
	if ((f = fopen(path, "w")) != NULL) {
		fputs("listen = :9000\nlisten = [::1]:9001\n", f);
		fclose(f);
	}
	config_free(&c);
	config_defaults(&c);
	ok(config_load(&c, path, &cause) == 0 && c.nlisten == 2 &&
	    c.listen[0].port == 9000 && c.listen[1].port == 9001,
	    "the file's listen lines replace the default listen");
	unlink(path);
	config_free(&c);
	config_defaults(&c);
	free(cause);
	cause = NULL;
	ok(config_load(&c, path, &cause) == -1 && cause_has(path),
	    "missing file refused, naming it");
}

/* cache_memory: bytes, or K, M, G (and KiB, MiB, GiB), at least 128 MiB. */
static void
test_bytes(void)
{
	ok(parse("") == 0 && c.cache_memory == 512L << 20,
	    "cache_memory defaults to 512 MiB");
	ok(parse("cache_memory = 536870912\n") == 0 &&
	    c.cache_memory == 536870912L, "plain bytes");
	ok(parse("cache_memory = 256M\n") == 0 && c.cache_memory == 256L << 20,
	    "256M");
	ok(parse("cache_memory = 2GiB\n") == 0 && c.cache_memory == 2L << 30,
	    "2GiB");
	ok(parse("cache_memory = 262144K\n") == 0 &&
	    c.cache_memory == 256L << 20, "262144K");
	ok(parse("cache_memory = 64M\n") == -1 && cause_has("t.conf:1") &&
	    cause_has("cache_memory") && cause_has("512M"),
	    "under 128 MiB: refused, naming the line and the key");
	ok(parse("cache_memory = 12X\n") == -1, "an unknown unit refused");
	ok(parse("cache_memory = 12MB\n") == -1, "MB (not MiB) refused");
	ok(parse("cache_memory = M\n") == -1, "a unit alone refused");
	ok(parse("cache_memory = 99999999999G\n") == -1,
	    "overflow through the unit refused");
	ok(parse("") == 0 && c.db_mmap == 2L << 30,
	    "db_mmap defaults to 2 GiB");
	ok(parse("db_mmap = 0\n") == 0 && c.db_mmap == 0, "db_mmap = 0: off");
	ok(parse("db_mmap = 256M\n") == 0 && c.db_mmap == 256L << 20,
	    "db_mmap = 256M");
	ok(parse("db_mmap = -1\n") == -1 && cause_has("db_mmap"),
	    "a negative db_mmap refused, naming the key");
}

int
main(void)
{
	config_defaults(&c);
	test_duration();
	test_defaults();
	test_values();
	test_comments();
	test_errors();
	test_reactions();
	test_bytes();
	test_load();
	config_free(&c);
	free(cause);
	return done_testing();
}
