/* SPDX-License-Identifier: MIT */
/*
 * Listening sockets the daemon binds once and shares with every instance of an
 * app (systemd-style fds from 3, or handed to Node over its IPC channel).
 */
#ifndef PMC_DAEMON_LISTENER_H
#define PMC_DAEMON_LISTENER_H

#include <stdbool.h>
#include <stddef.h>

struct pmc_listener {
	char *address;   /* canonical: "tcp://127.0.0.1:3000", "tcp://[::]:80", "unix:/run/a.sock" */
	char *fdname;    /* LISTEN_FDNAMES entry, e.g. "tcp-3000", "unix" */
	char *owner;     /* the app that holds it */
	int fd;          /* listening, close-on-exec in the daemon */
	bool is_unix;
	int port;        /* TCP only */
	struct pmc_listener *next;
};

/* Kept blocking, as systemd passes them: a plain accept() in the app must block. */
struct pmc_listeners {
	struct pmc_listener *list;
};

/*
 * Canonical form of an address as users write it: "3000" or ":3000" (all IPv4
 * interfaces), "tcp://HOST:PORT", "tcp://[V6]:PORT", "unix:/abs/path" (relative
 * paths resolve against cwd). 0 and *out (caller frees), or -EINVAL with *cause.
 */
int pmc_listener_canonical(const char *text, const char *cwd, char **out, char **cause);

/*
 * The listener for address on behalf of app: the one app already holds, or a
 * new socket bound now. Another app holding it, or the kernel refusing the
 * bind, is -EADDRINUSE / -EACCES / … with *cause in the words a user expects.
 */
int pmc_listeners_acquire(struct pmc_listeners *ls, const char *app, const char *address,
			  struct pmc_listener **out, char **cause);
/* Close every socket app holds (the app was deleted). */
void pmc_listeners_release_app(struct pmc_listeners *ls, const char *app);
/* The app's listeners in acquisition order, into out (at most max); returns the count. */
size_t pmc_listeners_of(struct pmc_listeners *ls, const char *app, struct pmc_listener **out,
			size_t max);
/* Take over a socket bound by an earlier image of this daemon (pmc update). */
void pmc_listeners_adopt(struct pmc_listeners *ls, const char *app, const char *address,
			 const char *fdname, int fd);
/* Close everything (daemon shutdown). */
void pmc_listeners_close(struct pmc_listeners *ls);

#endif
