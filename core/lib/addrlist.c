/*
 * addrlist.c: lists of network addresses ("127.0.0.1 10.0.0.0/8 ::1"), as
 * auth.proxy_addresses names the proxies whose identity header hearthd
 * believes. An address matches an entry by its prefix; an IPv4-mapped IPv6
 * peer (::ffff:10.1.2.3) matches IPv4 entries.
 */
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "lib.h"

/* One entry ("ADDR" or "ADDR/BITS") as 16 bytes, a family and a prefix
 * length: 0, or -1 if it is not one. */
static int
addr_entry(const char *s, size_t len, unsigned char out[16], int *v6,
    int *bits)
{
	char	 buf[64], *slash, *end;
	long	 n;

	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	*bits = -1;
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash++ = '\0';
		n = strtol(slash, &end, 10);
		if (*slash == '\0' || *end != '\0' || n < 0 || n > 128)
			return -1;
		*bits = (int)n;
	}
	memset(out, 0, 16);
	if (inet_pton(AF_INET, buf, out) == 1) {
		*v6 = 0;
		if (*bits > 32)
			return -1;
		if (*bits < 0)
			*bits = 32;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, out) == 1) {
		*v6 = 1;
		if (*bits < 0)
			*bits = 128;
		return 0;
	}
	return -1;
}

/* Whether the first bits of a and b agree. */
static int
addr_prefix_eq(const unsigned char *a, const unsigned char *b, int bits)
{
	int	full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[full] ^ b[full]) & (0xff << (8 - rest))) == 0;
}

/*
 * Check a list: 0, or -1 with *bad pointing at the first entry that is not
 * an address or ADDR/BITS (for the config's error message).
 */
int
addrlist_check(const char *list, const char **bad)
{
	unsigned char	 a[16];
	const char	*p = list;
	size_t		 len;
	int		 v6, bits;

	while (*p != '\0') {
		p += strspn(p, " \t,");
		if ((len = strcspn(p, " \t,")) == 0)
			break;
		if (addr_entry(p, len, a, &v6, &bits) != 0) {
			*bad = p;
			return -1;
		}
		p += len;
	}
	return 0;
}

/* Whether ip (a peer's address as text) is in the list. */
int
addrlist_match(const char *list, const char *ip)
{
	unsigned char	 peer[16], e[16];
	const char	*p = list;
	size_t		 len;
	int		 pv6, v6, bits;

	if (list == NULL || ip == NULL ||
	    addr_entry(ip, strlen(ip), peer, &pv6, &bits) != 0)
		return 0;
	/* ::ffff:a.b.c.d is the IPv4 peer a.b.c.d */
	if (pv6 && memcmp(peer, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0) {
		memmove(peer, peer + 12, 4);
		memset(peer + 4, 0, 12);
		pv6 = 0;
	}
	while (*p != '\0') {
		p += strspn(p, " \t,");
		if ((len = strcspn(p, " \t,")) == 0)
			break;
		if (addr_entry(p, len, e, &v6, &bits) == 0 && v6 == pv6 &&
		    addr_prefix_eq(peer, e, bits))
			return 1;
		p += len;
	}
	return 0;
}
