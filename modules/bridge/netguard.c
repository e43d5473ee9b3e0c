/*
 * netguard.c: the addresses the bridge refuses to connect to, so that a URL
 * from the fediverse (an actor, an inbox, a redirect) cannot make hearthd
 * reach inside the company: its loopback, private networks, cloud metadata
 * (169.254.169.254) and every other special-purpose range. The ranges are one
 * table, taken from the IANA IPv4 and IPv6 Special-Purpose Address Registries
 * (those not marked globally reachable) plus multicast and, for IPv6,
 * everything outside global unicast 2000::/3.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netguard.h"

/* What an address inside a row's range gets. */
enum ng_how {
	NG_REFUSE,	/* refused, always */
	NG_LOOPBACK,	/* refused unless allow_loopback (tests) */
	NG_MAPPED,	/* the IPv4 address in bytes 12-15 decides, as itself */
	NG_NAT64,	/* the IPv4 address in bytes 12-15 decides, but never
			   as loopback */
	NG_6TO4,	/* the IPv4 address in bytes 2-5 decides, but never as
			   loopback */
};

struct ng_row {
	int		 family;
	const char	*prefix;
	int		 bits;
	const char	*name;
	enum ng_how	 how;
};

/*
 * The first row that matches wins, so a narrower range comes before the
 * wider one holding it (::1 before ::/96, Teredo before 2001::/23, the
 * broadcast address before 240/4) and names it more precisely. A translated
 * or mapped IPv6 address is judged by the IPv4 address inside it: NAT64 or a
 * 6to4 relay would carry the connection to that address, so refusing only
 * the IPv6 form would let 64:ff9b::a00:1 reach 10.0.0.1, while refusing every
 * such form would cut off peers behind a DNS64 resolver.
 */
static const struct ng_row ng_rows[] = {
	{ AF_INET, "0.0.0.0", 8, "this network", NG_REFUSE },
	{ AF_INET, "10.0.0.0", 8, "private", NG_REFUSE },
	{ AF_INET, "100.64.0.0", 10, "shared address space, CGNAT", NG_REFUSE },
	{ AF_INET, "127.0.0.0", 8, "loopback", NG_LOOPBACK },
	{ AF_INET, "169.254.0.0", 16, "link-local", NG_REFUSE },
	{ AF_INET, "172.16.0.0", 12, "private", NG_REFUSE },
	{ AF_INET, "192.0.0.0", 24, "IETF protocol assignments", NG_REFUSE },
	{ AF_INET, "192.0.2.0", 24, "documentation", NG_REFUSE },
	{ AF_INET, "192.88.99.0", 24, "6to4 relay anycast", NG_REFUSE },
	{ AF_INET, "192.168.0.0", 16, "private", NG_REFUSE },
	{ AF_INET, "198.18.0.0", 15, "benchmarking", NG_REFUSE },
	{ AF_INET, "198.51.100.0", 24, "documentation", NG_REFUSE },
	{ AF_INET, "203.0.113.0", 24, "documentation", NG_REFUSE },
	{ AF_INET, "224.0.0.0", 4, "multicast", NG_REFUSE },
	{ AF_INET, "255.255.255.255", 32, "limited broadcast", NG_REFUSE },
	{ AF_INET, "240.0.0.0", 4, "reserved", NG_REFUSE },

	{ AF_INET6, "::", 128, "unspecified", NG_REFUSE },
	{ AF_INET6, "::1", 128, "loopback", NG_LOOPBACK },
	{ AF_INET6, "::ffff:0:0", 96, "IPv4-mapped", NG_MAPPED },
	{ AF_INET6, "::", 96, "IPv4-compatible, deprecated", NG_REFUSE },
	{ AF_INET6, "64:ff9b::", 96, "NAT64", NG_NAT64 },
	/*
	 * The local-use NAT64 prefix may embed its IPv4 address at several
	 * places (RFC 6052); only the /96 form DNS64 resolvers use is read,
	 * any other address in it is refused rather than guessed at.
	 */
	{ AF_INET6, "64:ff9b:1::", 96, "local-use NAT64", NG_NAT64 },
	{ AF_INET6, "64:ff9b:1::", 48, "local-use NAT64", NG_REFUSE },
	{ AF_INET6, "100::", 64, "discard-only", NG_REFUSE },
	{ AF_INET6, "2001::", 32, "Teredo", NG_REFUSE },
	{ AF_INET6, "2001::", 23, "IETF protocol assignments", NG_REFUSE },
	{ AF_INET6, "2001:db8::", 32, "documentation", NG_REFUSE },
	{ AF_INET6, "2002::", 16, "6to4", NG_6TO4 },
	{ AF_INET6, "3fff::", 20, "documentation", NG_REFUSE },
	{ AF_INET6, "5f00::", 16, "segment routing", NG_REFUSE },
	{ AF_INET6, "fc00::", 7, "unique local", NG_REFUSE },
	{ AF_INET6, "fe80::", 10, "link-local", NG_REFUSE },
	{ AF_INET6, "fec0::", 10, "site-local, deprecated", NG_REFUSE },
	{ AF_INET6, "ff00::", 8, "multicast", NG_REFUSE },
	/*
	 * No public host lives outside 2000::/3: the rest is unassigned, and a
	 * network that numbers itself there is an inside one.
	 */
	{ AF_INET6, "::", 3, "not global unicast", NG_REFUSE },
	{ AF_INET6, "4000::", 2, "not global unicast", NG_REFUSE },
	{ AF_INET6, "8000::", 1, "not global unicast", NG_REFUSE },
};

/* Whether the first bits of addr are those of prefix. */
static int
ng_match(const uint8_t *addr, const uint8_t *prefix, int bits)
{
	int	whole = bits / 8, rest = bits % 8;
	uint8_t	mask;

	if (memcmp(addr, prefix, whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (addr[whole] & mask) == (prefix[whole] & mask);
}

/* The first row holding addr (4 or 16 bytes), or NULL. */
static const struct ng_row *
ng_find(int family, const uint8_t *addr)
{
	const struct ng_row	*r;
	uint8_t			 prefix[16];
	size_t			 i;

	for (i = 0; i < sizeof ng_rows / sizeof ng_rows[0]; i++) {
		r = &ng_rows[i];
		if (r->family != family)
			continue;
		/* The table is constant: a row not parsing is a typo. */
		if (inet_pton(family, r->prefix, prefix) != 1)
			abort();
		if (ng_match(addr, prefix, r->bits))
			return r;
	}
	return NULL;
}

/* Decide on one address; see netguard.h. */
int
netguard_check(const struct sockaddr *sa, socklen_t len, int allow_loopback,
    char *why, size_t whylen)
{
	const struct ng_row	*r, *r4 = NULL;
	const uint8_t		*addr;
	uint8_t			 v4[4];
	char			 text[INET6_ADDRSTRLEN], text4[INET_ADDRSTRLEN];
	int			 family;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (sa != NULL && sa->sa_family == AF_INET &&
	    len >= (socklen_t)sizeof(struct sockaddr_in))
		addr = (const uint8_t *)
		    &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa != NULL && sa->sa_family == AF_INET6 &&
	    len >= (socklen_t)sizeof(struct sockaddr_in6))
		addr = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
	else {
		if (why != NULL)
			snprintf(why, whylen, "not an IPv4 or IPv6 address");
		return -1;
	}
	family = sa->sa_family;

	if ((r = ng_find(family, addr)) == NULL)
		return 0;
	switch (r->how) {
	case NG_REFUSE:
		break;
	case NG_LOOPBACK:
		if (allow_loopback)
			return 0;
		break;
	case NG_MAPPED:
	case NG_NAT64:
	case NG_6TO4:
		memcpy(v4, addr + (r->how == NG_6TO4 ? 2 : 12), sizeof v4);
		if ((r4 = ng_find(AF_INET, v4)) == NULL)
			return 0;
		/* A mapped address is the IPv4 socket itself; a NAT64 or
		 * 6to4 one is someone else's gateway, never our loopback. */
		if (r4->how == NG_LOOPBACK && allow_loopback &&
		    r->how == NG_MAPPED)
			return 0;
		break;
	}

	if (why == NULL)
		return -1;
	inet_ntop(family, addr, text, sizeof text);
	if (r4 == NULL)
		snprintf(why, whylen, "%s is in %s/%d (%s)", text, r->prefix,
		    r->bits, r->name);
	else {
		inet_ntop(AF_INET, v4, text4, sizeof text4);
		snprintf(why, whylen, "%s is in %s/%d (%s) and its %s is in "
		    "%s/%d (%s)", text, r->prefix, r->bits, r->name, text4,
		    r4->prefix, r4->bits, r4->name);
	}
	return -1;
}
