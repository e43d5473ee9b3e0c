/*
 * netguard.h: may the bridge connect to this address? The answer for one
 * resolved socket address, asked just before connecting (after DNS, so
 * rebinding a name to an inside address cannot get past it).
 */
#ifndef NETGUARD_H
#define NETGUARD_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>

/*
 * 0 if sa (len bytes) is an ordinary public address the bridge may connect
 * to; -1 if it is in a special-purpose range (loopback, private, link-local,
 * CGNAT, multicast, documentation, reserved, ...; IPv4 or IPv6, including
 * IPv4 addresses embedded in IPv4-mapped, NAT64 and 6to4 ones), or not an
 * IPv4 or IPv6 address at all. Then why (if not NULL) holds one line saying
 * so, e.g. "127.0.0.1 is in 127.0.0.0/8 (loopback)".
 *
 * allow_loopback (the test-only bridge.allow_private_addresses) opens
 * 127.0.0.0/8 and ::1 only, and IPv4-mapped loopback; every other special
 * range stays refused.
 */
int	 netguard_check(const struct sockaddr *sa, socklen_t len,
	     int allow_loopback, char *why, size_t whylen);

#endif
