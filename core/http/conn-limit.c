/*
 * conn-limit.c: what one client may hold of the server, counted across
 * every loop. Connections are capped in total (below the file descriptor
 * limit, so accept() never runs out) and per client address, so one host
 * cannot take them all; an IPv6 client counts by its /64, the block one
 * host is usually given. Request bodies held in memory share one budget,
 * so many slow uploads cannot exhaust it. Accepts and closes are rare next
 * to requests, so one mutex is enough.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"

#define ADDR_BUCKETS	4096

struct addr_count {
	struct conn_addr	 a;
	long			 n;
	struct addr_count	*next;
};

static pthread_mutex_t		 limit_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conn_limits	 limits;
static long			 nopen;
static struct addr_count	*buckets[ADDR_BUCKETS];
static long			 body_used;

/* Set the caps (before any connection). */
void
conn_limit_init(const struct conn_limits *l)
{
	limits = *l;
}

/* Forget every count (after the last connection closed). */
void
conn_limit_free(void)
{
	struct addr_count	*e, *next;
	size_t			 i;

	pthread_mutex_lock(&limit_lock);
	for (i = 0; i < ADDR_BUCKETS; i++) {
		for (e = buckets[i]; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
		buckets[i] = NULL;
	}
	nopen = 0;
	pthread_mutex_unlock(&limit_lock);
}

/*
 * The address a connection counts under, and its text for logs: IPv4 (also
 * when mapped into IPv6) whole, other IPv6 by its /64.
 */
void
conn_addr_of(const struct sockaddr *sa, struct conn_addr *a, char *text,
    size_t len)
{
	const struct sockaddr_in	*in4 = (const void *)sa;
	const struct sockaddr_in6	*in6 = (const void *)sa;
	static const uint8_t		 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0,
					    0, 0, 0xff, 0xff };

	memset(a, 0, sizeof *a);
	if (sa->sa_family == AF_INET6 &&
	    memcmp(in6->sin6_addr.s6_addr, mapped, 12) == 0) {
		a->family = AF_INET;
		memcpy(a->b, in6->sin6_addr.s6_addr + 12, 4);
		inet_ntop(AF_INET, a->b, text, len);
	} else if (sa->sa_family == AF_INET6) {
		a->family = AF_INET6;
		memcpy(a->b, in6->sin6_addr.s6_addr, 8);
		inet_ntop(AF_INET6, &in6->sin6_addr, text, len);
	} else if (sa->sa_family == AF_INET) {
		a->family = AF_INET;
		memcpy(a->b, &in4->sin_addr, 4);
		inet_ntop(AF_INET, &in4->sin_addr, text, len);
	} else {
		a->family = (uint8_t)sa->sa_family;	/* a Unix socket */
		snprintf(text, len, "local");
	}
}

/* The bucket of an address (FNV-1a). */
static size_t
addr_bucket(const struct conn_addr *a)
{
	uint32_t	h = 2166136261u;
	size_t		i;

	for (i = 0; i < sizeof a->b; i++)
		h = (h ^ a->b[i]) * 16777619u;
	return (h ^ a->family) % ADDR_BUCKETS;
}

/*
 * Count a new connection from a, if the caps allow it: ADMIT_OK (count it
 * down with conn_leave), ADMIT_FULL (all connections are taken) or
 * ADMIT_ADDR (this address holds its share).
 */
enum admit
conn_admit(const struct conn_addr *a)
{
	struct addr_count	*e, **b = &buckets[addr_bucket(a)];
	enum admit		 rc = ADMIT_OK;

	pthread_mutex_lock(&limit_lock);
	for (e = *b; e != NULL; e = e->next) {
		if (memcmp(&e->a, a, sizeof *a) == 0)
			break;
	}
	if (nopen >= limits.max_connections)
		rc = ADMIT_FULL;
	else if (limits.max_per_addr > 0 && e != NULL &&
	    e->n >= limits.max_per_addr)
		rc = ADMIT_ADDR;
	else {
		if (e == NULL) {
			e = xcalloc(1, sizeof *e);
			e->a = *a;
			e->next = *b;
			*b = e;
		}
		e->n++;
		nopen++;
	}
	pthread_mutex_unlock(&limit_lock);
	return rc;
}

/* A connection admitted from a closed. */
void
conn_leave(const struct conn_addr *a)
{
	struct addr_count	*e, **pe;

	pthread_mutex_lock(&limit_lock);
	for (pe = &buckets[addr_bucket(a)]; (e = *pe) != NULL;
	    pe = &e->next) {
		if (memcmp(&e->a, a, sizeof *a) == 0) {
			if (--e->n == 0) {
				*pe = e->next;
				free(e);
			}
			break;
		}
	}
	nopen--;
	pthread_mutex_unlock(&limit_lock);
}

/* Connections open now, on every loop. */
long
conn_open_count(void)
{
	long	n;

	pthread_mutex_lock(&limit_lock);
	n = nopen;
	pthread_mutex_unlock(&limit_lock);
	return n;
}

/* Take n bytes of the body budget: 0, or -1 if it has not got them. */
int
body_reserve(size_t n)
{
	long	used = __atomic_load_n(&body_used, __ATOMIC_RELAXED);

	do {
		if ((long)n > limits.body_memory - used)
			return -1;
	} while (!__atomic_compare_exchange_n(&body_used, &used,
	    used + (long)n, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return 0;
}

/* Give n bytes back to the body budget. */
void
body_release(size_t n)
{
	__atomic_sub_fetch(&body_used, (long)n, __ATOMIC_RELAXED);
}

/* Bytes of the body budget in use. */
long
body_reserved(void)
{
	return __atomic_load_n(&body_used, __ATOMIC_RELAXED);
}
