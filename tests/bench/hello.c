/*
 * hello.c: the bare libevent baseline for tests/bench/healthz.sh. It uses the
 * same threading model as hearthd (core/server.c): one listening socket with
 * TCP_NODELAY, bound once, and N threads each running its own event_base and
 * evhttp accepting on that shared socket. GET /healthz answers "ok" as
 * text/plain; anything else is 404. No routing, arena, headers or database:
 * whatever hearthd is slower by is the cost of hearth itself.
 *
 * Usage: hello PORT [THREADS]	(THREADS 0 or absent: one per core)
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <event2/util.h>

struct hloop {
	pthread_t		 thread;
	struct event_base	*base;
	struct evhttp		*http;
};

static void
hello_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*b;
	const char	*path = evhttp_request_get_uri(req);

	(void)arg;
	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET ||
	    strcmp(path, "/healthz") != 0) {
		evhttp_send_error(req, 404, NULL);
		return;
	}
	b = evbuffer_new();
	evbuffer_add(b, "ok", 2);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; charset=utf-8");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static void *
hello_loop(void *arg)
{
	struct hloop	*l = arg;

	event_base_dispatch(l->base);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	 sin;
	struct hloop		*loops;
	int			 port, n, i, fd, on = 1;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: hello PORT [THREADS]\n");
		return 2;
	}
	port = atoi(argv[1]);
	n = argc > 2 ? atoi(argv[2]) : 0;
	if (n <= 0)
		n = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (n <= 0)
		n = 1;
	/* hearthd turns on libevent's locking too (its workers wake loops). */
	evthread_use_pthreads();
	signal(SIGPIPE, SIG_IGN);

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    listen(fd, 1024) == -1 ||
	    evutil_make_socket_nonblocking(fd) == -1) {
		fprintf(stderr, "hello: listen 127.0.0.1:%d: %s\n", port,
		    strerror(errno));
		return 1;
	}

	loops = calloc(n, sizeof *loops);
	if (loops == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		if ((loops[i].base = event_base_new()) == NULL ||
		    (loops[i].http = evhttp_new(loops[i].base)) == NULL) {
			fprintf(stderr, "hello: cannot create loop\n");
			return 1;
		}
		evhttp_set_gencb(loops[i].http, hello_cb, NULL);
		if (evhttp_accept_socket_with_handle(loops[i].http, fd) ==
		    NULL) {
			fprintf(stderr, "hello: cannot accept\n");
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		if (pthread_create(&loops[i].thread, NULL, hello_loop,
		    &loops[i]) != 0) {
			fprintf(stderr, "hello: cannot start thread\n");
			return 1;
		}
	}
	fprintf(stderr, "hello: listening on 127.0.0.1:%d, %d threads\n",
	    port, n);
	for (i = 0; i < n; i++)
		pthread_join(loops[i].thread, NULL);
	return 0;
}
