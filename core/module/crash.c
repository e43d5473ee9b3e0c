/*
 * crash.c: which module's code a thread is running, and for what
 * (a route, a hook, a write, a job), so that a crash inside a module is
 * blamed in the log before the process dies: systemd restarts hearthd,
 * and the admin knows which module to disable. The handler only writes a
 * line (async-signal-safe), then hands the signal to whoever had it before
 * (the default action, or a sanitizer's report).
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "loader.h"
#include "module-private.h"

static __thread struct module_frame	*module_frame;
static struct sigaction			 crash_prev[NSIG];
static const int			 crash_signals[] = {
	SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
};

/* Code of module name starts running, for what (on path, if a request). */
void
module_enter(struct module_frame *f, const char *name, const char *what,
    const char *path)
{
	f->module = name;
	f->what = what;
	f->path = path;
	f->prev = module_frame;
	module_frame = f;
}

/* ... and is done. */
void
module_leave(struct module_frame *f)
{
	module_frame = f->prev;
}

/* The module whose code this thread runs, or NULL. */
const char *
module_running(void)
{
	return module_frame != NULL ? module_frame->module : NULL;
}

/* Append s to a line being built in a signal handler. */
static size_t
crash_add(char *buf, size_t n, size_t size, const char *s)
{
	while (s != NULL && *s != '\0' && n + 1 < size)
		buf[n++] = *s++;
	return n;
}

/* A fatal signal: name the module, then let the signal go on. */
static void
module_crashed(int sig, siginfo_t *si, void *ctx)
{
	struct module_frame	*f = module_frame;
	char			 line[1024], num[8];
	size_t			 n = 0;
	int			 i = (int)sizeof num - 1, v = sig;
	ssize_t			 unused;

	(void)ctx;
	if (f != NULL) {
		num[i] = '\0';
		do
			num[--i] = (char)('0' + v % 10);
		while ((v /= 10) > 0 && i > 0);
		n = crash_add(line, n, sizeof line, "hearthd: fatal signal ");
		n = crash_add(line, n, sizeof line, num + i);
		n = crash_add(line, n, sizeof line, " inside module '");
		n = crash_add(line, n, sizeof line, f->module);
		n = crash_add(line, n, sizeof line, "' (");
		n = crash_add(line, n, sizeof line, f->what);
		if (f->path != NULL) {
			n = crash_add(line, n, sizeof line, " ");
			n = crash_add(line, n, sizeof line, f->path);
		}
		n = crash_add(line, n, sizeof line, "): to keep hearthd up, "
		    "take '");
		n = crash_add(line, n, sizeof line, f->module);
		n = crash_add(line, n, sizeof line, "' out of modules = in "
		    "hearth.conf and restart\n");
		unused = write(STDERR_FILENO, line, n);
		(void)unused;
	}
	sigaction(sig, &crash_prev[sig], NULL);
	/* A fault happens again on return, now to the old handler; a signal
	 * that was sent (abort, kill) is sent again. */
	if (si == NULL || si->si_code <= 0)
		raise(sig);
}

/* Watch for crashes (once modules are loaded). */
void
module_crash_watch(void)
{
	static int		watching;
	struct sigaction	sa;
	size_t			i;

	if (watching++)
		return;		/* the first handlers are the ones to restore */
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = module_crashed;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < nitems(crash_signals); i++)
		sigaction(crash_signals[i], &sa, &crash_prev[crash_signals[i]]);
}
