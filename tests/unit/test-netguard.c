/* Unit tests for netguard.c: an address inside and one just outside each
 * special-purpose range, IPv4 addresses inside IPv4-mapped, NAT64 and 6to4
 * ones, what allow_loopback opens (loopback) and what it does not (the rest),
 * and public addresses let through. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>

#include "netguard.h"
#include "tap.h"

#define OPEN	0
#define SHUT	(-1)

static const struct {
	const char	*addr;
	int		 allow_loopback;
	int		 want;
	const char	*range;		/* in why when refused */
} cases[] = {
	{ "0.0.0.0", 0, SHUT, "0.0.0.0/8 (this network)" },
	{ "0.255.255.255", 1, SHUT, "0.0.0.0/8 (this network)" },
	{ "1.0.0.0", 0, OPEN, NULL },
	{ "10.0.0.1", 0, SHUT, "10.0.0.0/8 (private)" },
	{ "10.255.255.255", 1, SHUT, "10.0.0.0/8 (private)" },
	{ "9.255.255.255", 0, OPEN, NULL },
	{ "11.0.0.0", 0, OPEN, NULL },
	{ "100.64.0.0", 0, SHUT,
	  "100.64.0.0/10 (shared address space, CGNAT)" },
	{ "100.127.255.255", 1, SHUT, "100.64.0.0/10" },
	{ "100.63.255.255", 0, OPEN, NULL },
	{ "100.128.0.0", 0, OPEN, NULL },
	{ "127.0.0.1", 0, SHUT, "127.0.0.0/8 (loopback)" },
	{ "127.255.255.254", 0, SHUT, "127.0.0.0/8 (loopback)" },
	{ "127.0.0.1", 1, OPEN, NULL },
	{ "127.255.255.254", 1, OPEN, NULL },
	{ "126.255.255.255", 0, OPEN, NULL },
	{ "128.0.0.0", 0, OPEN, NULL },
	{ "169.254.169.254", 0, SHUT, "169.254.0.0/16 (link-local)" },
	{ "169.254.169.254", 1, SHUT, "169.254.0.0/16 (link-local)" },
	{ "169.253.255.255", 0, OPEN, NULL },
	{ "169.255.0.0", 0, OPEN, NULL },
	{ "172.16.0.1", 0, SHUT, "172.16.0.0/12 (private)" },
	{ "172.31.255.255", 1, SHUT, "172.16.0.0/12 (private)" },
	{ "172.15.255.255", 0, OPEN, NULL },
	{ "172.32.0.0", 0, OPEN, NULL },
	{ "192.0.0.8", 0, SHUT, "192.0.0.0/24 (IETF protocol assignments)" },
	{ "192.0.1.0", 0, OPEN, NULL },
	{ "192.0.2.1", 0, SHUT, "192.0.2.0/24 (documentation)" },
	{ "192.0.3.0", 0, OPEN, NULL },
	{ "192.88.99.1", 0, SHUT, "192.88.99.0/24 (6to4 relay anycast)" },
	{ "192.88.98.255", 0, OPEN, NULL },
	{ "192.88.100.0", 0, OPEN, NULL },
	{ "192.168.1.1", 0, SHUT, "192.168.0.0/16 (private)" },
	{ "192.168.255.255", 1, SHUT, "192.168.0.0/16 (private)" },
	{ "192.167.255.255", 0, OPEN, NULL },
	{ "192.169.0.0", 0, OPEN, NULL },
	{ "198.18.0.1", 0, SHUT, "198.18.0.0/15 (benchmarking)" },
	{ "198.19.255.255", 0, SHUT, "198.18.0.0/15 (benchmarking)" },
	{ "198.17.255.255", 0, OPEN, NULL },
	{ "198.20.0.0", 0, OPEN, NULL },
	{ "198.51.100.7", 0, SHUT, "198.51.100.0/24 (documentation)" },
	{ "198.51.99.255", 0, OPEN, NULL },
	{ "198.51.101.0", 0, OPEN, NULL },
	{ "203.0.113.9", 0, SHUT, "203.0.113.0/24 (documentation)" },
	{ "203.0.112.255", 0, OPEN, NULL },
	{ "203.0.114.0", 0, OPEN, NULL },
	{ "224.0.0.1", 0, SHUT, "224.0.0.0/4 (multicast)" },
	{ "239.255.255.255", 1, SHUT, "224.0.0.0/4 (multicast)" },
	{ "223.255.255.255", 0, OPEN, NULL },
	{ "240.0.0.1", 0, SHUT, "240.0.0.0/4 (reserved)" },
	{ "255.255.255.254", 0, SHUT, "240.0.0.0/4 (reserved)" },
	{ "255.255.255.255", 0, SHUT,
	  "255.255.255.255/32 (limited broadcast)" },
	{ "1.1.1.1", 0, OPEN, NULL },
	{ "8.8.8.8", 0, OPEN, NULL },
	{ "93.184.215.14", 0, OPEN, NULL },

	{ "::", 0, SHUT, "::/128 (unspecified)" },
	{ "::", 1, SHUT, "::/128 (unspecified)" },
	{ "::1", 0, SHUT, "::1/128 (loopback)" },
	{ "::1", 1, OPEN, NULL },
	{ "::2", 1, SHUT, "::/96 (IPv4-compatible, deprecated)" },
	{ "::1.1.1.1", 0, SHUT, "::/96 (IPv4-compatible, deprecated)" },
	{ "::1:0:0:0", 0, SHUT, "::/3 (not global unicast)" },
	{ "::ffff:127.0.0.1", 0, SHUT,
	  "::ffff:0:0/96 (IPv4-mapped) and its 127.0.0.1 is in 127.0.0.0/8" },
	{ "::ffff:127.0.0.1", 1, OPEN, NULL },
	{ "::ffff:10.0.0.1", 1, SHUT, "and its 10.0.0.1 is in 10.0.0.0/8" },
	{ "::ffff:169.254.169.254", 1, SHUT, "169.254.0.0/16 (link-local)" },
	{ "::ffff:100.64.1.1", 0, SHUT, "100.64.0.0/10" },
	{ "::ffff:1.1.1.1", 0, OPEN, NULL },
	{ "::fffe:1.1.1.1", 0, SHUT, "::/3 (not global unicast)" },
	{ "64:ff9b::10.0.0.1", 0, SHUT,
	  "64:ff9b::/96 (NAT64) and its 10.0.0.1 is in 10.0.0.0/8" },
	{ "64:ff9b::169.254.169.254", 1, SHUT, "169.254.0.0/16" },
	{ "64:ff9b::127.0.0.1", 1, SHUT, "127.0.0.0/8 (loopback)" },
	{ "64:ff9b::1.1.1.1", 0, OPEN, NULL },
	{ "64:ff9b:0:0:1::101:101", 0, SHUT, "::/3 (not global unicast)" },
	{ "64:ff9b:1::1.1.1.1", 0, OPEN, NULL },
	{ "64:ff9b:1::192.168.0.1", 0, SHUT,
	  "64:ff9b:1::/96 (local-use NAT64) and its 192.168.0.1" },
	{ "64:ff9b:1:1::1.1.1.1", 0, SHUT, "64:ff9b:1::/48 (local-use NAT64)" },
	{ "64:ff9b:1:ffff:ffff:ffff:ffff:ffff", 0, SHUT, "64:ff9b:1::/48" },
	{ "100::1", 0, SHUT, "100::/64 (discard-only)" },
	{ "100::ffff:ffff:ffff:ffff", 0, SHUT, "100::/64 (discard-only)" },
	{ "100:0:0:1::", 0, SHUT, "::/3 (not global unicast)" },
	{ "2001::1", 0, SHUT, "2001::/32 (Teredo)" },
	{ "2001:0:ffff:ffff::", 0, SHUT, "2001::/32 (Teredo)" },
	{ "2001:1::1", 0, SHUT, "2001::/23 (IETF protocol assignments)" },
	{ "2001:1ff:ffff::1", 0, SHUT, "2001::/23" },
	{ "2001:200::1", 0, OPEN, NULL },
	{ "2001:db8::1", 0, SHUT, "2001:db8::/32 (documentation)" },
	{ "2001:db8:ffff::1", 1, SHUT, "2001:db8::/32 (documentation)" },
	{ "2001:db7:ffff::1", 0, OPEN, NULL },
	{ "2001:db9::1", 0, OPEN, NULL },
	{ "2002:a00:1::1", 0, SHUT,
	  "2002::/16 (6to4) and its 10.0.0.1 is in 10.0.0.0/8 (private)" },
	{ "2002:c0a8:101::", 0, SHUT, "and its 192.168.1.1 is in" },
	{ "2002:7f00:1::1", 1, SHUT, "and its 127.0.0.1 is in 127.0.0.0/8" },
	{ "2002:a9fe:a9fe::1", 1, SHUT, "and its 169.254.169.254 is in" },
	{ "2002:101:101::1", 0, OPEN, NULL },
	{ "2003::1", 0, OPEN, NULL },
	{ "3fff::1", 0, SHUT, "3fff::/20 (documentation)" },
	{ "3fff:fff::1", 0, SHUT, "3fff::/20 (documentation)" },
	{ "3fff:1000::1", 0, OPEN, NULL },
	{ "3ffe:ffff::1", 0, OPEN, NULL },
	{ "5f00::1", 0, SHUT, "5f00::/16 (segment routing)" },
	{ "fc00::1", 0, SHUT, "fc00::/7 (unique local)" },
	{ "fdff:ffff::1", 1, SHUT, "fc00::/7 (unique local)" },
	{ "fbff:ffff::1", 0, SHUT, "8000::/1 (not global unicast)" },
	{ "fe80::1", 0, SHUT, "fe80::/10 (link-local)" },
	{ "febf:ffff::1", 1, SHUT, "fe80::/10 (link-local)" },
	{ "fec0::1", 0, SHUT, "fec0::/10 (site-local, deprecated)" },
	{ "feff:ffff::1", 0, SHUT, "fec0::/10 (site-local, deprecated)" },
	{ "ff02::1", 0, SHUT, "ff00::/8 (multicast)" },
	{ "ff0e::1", 1, SHUT, "ff00::/8 (multicast)" },
	{ "1::1", 0, SHUT, "::/3 (not global unicast)" },
	{ "1fff:ffff::1", 0, SHUT, "::/3 (not global unicast)" },
	{ "4000::1", 0, SHUT, "4000::/2 (not global unicast)" },
	{ "8000::1", 0, SHUT, "8000::/1 (not global unicast)" },
	{ "2000::1", 0, OPEN, NULL },
	{ "3fff:ffff::1", 0, OPEN, NULL },
	{ "2606:4700::1111", 0, OPEN, NULL },
	{ "2606:4700::1111", 1, OPEN, NULL },
	{ "2a00:1450:4001::1", 0, OPEN, NULL },
};

/* Check one address given as text. */
static int
check(const char *text, int allow_loopback, char *why, size_t whylen)
{
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;

	memset(&sin, 0, sizeof sin);
	memset(&sin6, 0, sizeof sin6);
	if (inet_pton(AF_INET, text, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		sin.sin_port = htons(443);
		return netguard_check((struct sockaddr *)&sin, sizeof sin,
		    allow_loopback, why, whylen);
	}
	if (inet_pton(AF_INET6, text, &sin6.sin6_addr) == 1) {
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons(443);
		return netguard_check((struct sockaddr *)&sin6, sizeof sin6,
		    allow_loopback, why, whylen);
	}
	printf("# cannot parse %s\n", text);
	return 99;
}

static void
test_table(void)
{
	char	why[256];
	size_t	i;
	int	got;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		got = check(cases[i].addr, cases[i].allow_loopback, why,
		    sizeof why);
		is_int(got, cases[i].want, "%s%s is %s", cases[i].addr,
		    cases[i].allow_loopback ? " (loopback allowed)" : "",
		    cases[i].want == OPEN ? "allowed" : "refused");
		if (cases[i].want == OPEN)
			is_str(why, "", "  and no reason is given");
		else if (!ok(strstr(why, cases[i].range) != NULL,
		    "  the reason names %s", cases[i].range))
			printf("#   why: %s\n", why);
	}
}

static void
test_reasons(void)
{
	struct sockaddr_un	sun;
	struct sockaddr_in	sin;
	char			why[256], tiny[16];

	check("127.0.0.1", 0, why, sizeof why);
	is_str(why, "127.0.0.1 is in 127.0.0.0/8 (loopback)",
	    "the reason names the address, the range and its kind");
	check("::ffff:10.1.2.3", 0, why, sizeof why);
	is_str(why, "::ffff:10.1.2.3 is in ::ffff:0:0/96 (IPv4-mapped) and its "
	    "10.1.2.3 is in 10.0.0.0/8 (private)",
	    "an embedded address is named with both ranges");
	is_int(check("10.0.0.1", 0, NULL, 0), SHUT, "why may be NULL");
	is_int(check("10.0.0.1", 0, tiny, sizeof tiny), SHUT,
	    "a short why buffer still refuses");
	is_int(strlen(tiny), sizeof tiny - 1, "  and the reason is cut to fit");

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, "/run/hearth.sock");
	is_int(netguard_check((struct sockaddr *)&sun, sizeof sun, 1, why,
	    sizeof why), SHUT, "a Unix socket is refused, even in test mode");
	is_str(why, "not an IPv4 or IPv6 address", "  as not an IP address");

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, "1.1.1.1", &sin.sin_addr);
	is_int(netguard_check((struct sockaddr *)&sin, sizeof sin - 1, 0, why,
	    sizeof why), SHUT, "a short sockaddr is refused");
	is_int(netguard_check(NULL, 0, 1, why, sizeof why), SHUT,
	    "no address is refused");
}

int
main(int argc, char **argv)
{
	tap_args(argc, argv);
	if (tap_case("table"))
		test_table();
	if (tap_case("reasons"))
		test_reasons();
	return done_testing();
}
