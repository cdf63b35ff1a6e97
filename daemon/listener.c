/* SPDX-License-Identifier: MIT */
/*
 * Listening sockets the daemon binds once and shares with every instance of an
 * app (systemd-style fds from 3, or handed to Node over its IPC channel).
 */
#include "listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"

#define LISTEN_BACKLOG 511 /* Node's default */

static int parse_port(const char *text, int *port)
{
	char *end;
	long v;

	if (!*text || strspn(text, "0123456789") != strlen(text))
		return -EINVAL;
	v = strtol(text, &end, 10);
	if (v < 1 || v > 65535)
		return -EINVAL;
	*port = (int)v;
	return 0;
}

int pmc_listener_canonical(const char *text, const char *cwd, char **out, char **cause)
{
	const char *rest, *colon;
	char *host;
	int port;

	if (strncmp(text, "unix:", 5) == 0) {
		rest = text + 5;
		if (!*rest)
			goto bad;
		*out = rest[0] == '/' || !cwd ? xasprintf("unix:%s", rest)
					    : xasprintf("unix:%s/%s", cwd, rest);
		if (strlen(*out) - 5 >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
			*cause = xasprintf("socket path in %s is too long for a Unix socket", text);
			free(*out);
			return -ENAMETOOLONG;
		}
		return 0;
	}
	rest = strncmp(text, "tcp://", 6) == 0 ? text + 6 : text;
	if (rest[0] == ':')
		rest++;
	if (parse_port(rest, &port) == 0) {
		*out = xasprintf("tcp://0.0.0.0:%d", port);
		return 0;
	}
	if (rest[0] == '[') {
		const char *close = strchr(rest, ']');
		if (!close || close[1] != ':' || parse_port(close + 2, &port) < 0)
			goto bad;
		host = xstrndup(rest + 1, (size_t)(close - rest - 1));
		struct in6_addr a6;
		if (inet_pton(AF_INET6, host, &a6) != 1) {
			free(host);
			goto bad;
		}
		*out = xasprintf("tcp://[%s]:%d", host, port);
		free(host);
		return 0;
	}
	colon = strrchr(rest, ':');
	if (!colon || colon == rest || parse_port(colon + 1, &port) < 0)
		goto bad;
	host = xstrndup(rest, (size_t)(colon - rest));
	if (strcmp(host, "localhost") == 0) {
		free(host);
		host = xstrdup("127.0.0.1");
	}
	struct in_addr a4;
	if (inet_pton(AF_INET, host, &a4) != 1) {
		*cause = xasprintf("listen address %s: use a numeric IP address (%s is not one)",
				   text, host);
		free(host);
		return -EINVAL;
	}
	*out = xasprintf("tcp://%s:%d", host, port);
	free(host);
	return 0;
bad:
	*cause = xasprintf("invalid listen address '%s': use PORT, tcp://HOST:PORT, "
			   "tcp://[V6]:PORT or unix:/PATH",
			   text);
	return -EINVAL;
}

/* Bind and listen; returns the fd or -errno. */
static int bind_address(struct pmc_listener *l)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd, one = 1, err;
	const char *spec = l->address;

	if (l->is_unix) {
		struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
		struct stat st;
		sun->sun_family = AF_UNIX;
		snprintf(sun->sun_path, sizeof sun->sun_path, "%s", spec + 5);
		len = sizeof *sun;
		/* A socket file nobody listens on is stale; anything else is not ours to remove. */
		if (lstat(sun->sun_path, &st) == 0 && S_ISSOCK(st.st_mode)) {
			int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
			if (probe >= 0 && connect(probe, (struct sockaddr *)sun, len) < 0 &&
			    errno == ECONNREFUSED)
				unlink(sun->sun_path);
			if (probe >= 0)
				close(probe);
		}
	} else {
		const char *hp = spec + 6;
		const char *colon = strrchr(hp, ':');
		char *host = xstrndup(hp, (size_t)(colon - hp));
		if (host[0] == '[') {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
			host[strlen(host) - 1] = '\0';
			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons((uint16_t)l->port);
			inet_pton(AF_INET6, host + 1, &s6->sin6_addr);
			len = sizeof *s6;
		} else {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
			s4->sin_family = AF_INET;
			s4->sin_port = htons((uint16_t)l->port);
			inet_pton(AF_INET, host, &s4->sin_addr);
			len = sizeof *s4;
		}
		free(host);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (!l->is_unix)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static struct pmc_listener *find(struct pmc_listeners *ls, const char *address)
{
	struct pmc_listener *l;

	for (l = ls->list; l; l = l->next)
		if (strcmp(l->address, address) == 0)
			return l;
	return NULL;
}

static char *fdname_for(const struct pmc_listener *l)
{
	return l->is_unix ? xstrdup("unix") : xasprintf("tcp-%d", l->port);
}

int pmc_listeners_acquire(struct pmc_listeners *ls, const char *app, const char *address,
			  struct pmc_listener **out, char **cause)
{
	struct pmc_listener *l = find(ls, address), **tail;
	int fd;

	if (l && strcmp(l->owner, app) != 0) {
		*cause = xasprintf("address %s is in use by app %s", address + (l->is_unix ? 5 : 6),
				   l->owner);
		return -EADDRINUSE;
	}
	if (l) {
		*out = l;
		return 0;
	}
	l = xcalloc(1, sizeof *l);
	l->address = xstrdup(address);
	l->is_unix = strncmp(address, "unix:", 5) == 0;
	if (!l->is_unix)
		l->port = atoi(strrchr(address, ':') + 1);
	fd = bind_address(l);
	if (fd < 0) {
		*cause = xasprintf("cannot listen on %s: %s", address + (l->is_unix ? 5 : 6),
				   strerror(-fd));
		free(l->address);
		free(l);
		return fd;
	}
	l->fd = fd;
	l->fdname = fdname_for(l);
	l->owner = xstrdup(app);
	for (tail = &ls->list; *tail; tail = &(*tail)->next)
		;
	*tail = l;
	*out = l;
	pmc_log_info("app [%s] listens on %s", app, address);
	return 0;
}

static void listener_free(struct pmc_listener *l)
{
	if (l->is_unix)
		unlink(l->address + 5);
	close(l->fd);
	free(l->address);
	free(l->fdname);
	free(l->owner);
	free(l);
}

void pmc_listeners_release_app(struct pmc_listeners *ls, const char *app)
{
	struct pmc_listener **pos = &ls->list;

	while (*pos) {
		struct pmc_listener *l = *pos;
		if (strcmp(l->owner, app) != 0) {
			pos = &l->next;
			continue;
		}
		*pos = l->next;
		pmc_log_info("app [%s] stops listening on %s", app, l->address);
		listener_free(l);
	}
}

size_t pmc_listeners_of(struct pmc_listeners *ls, const char *app, struct pmc_listener **out,
			size_t max)
{
	struct pmc_listener *l;
	size_t n = 0;

	for (l = ls->list; l; l = l->next)
		if (strcmp(l->owner, app) == 0 && n < max)
			out[n++] = l;
	return n;
}

void pmc_listeners_close(struct pmc_listeners *ls)
{
	while (ls->list) {
		struct pmc_listener *l = ls->list;
		ls->list = l->next;
		listener_free(l);
	}
}

void pmc_listeners_adopt(struct pmc_listeners *ls, const char *app, const char *address,
			 const char *fdname, int fd)
{
	struct pmc_listener *l = xcalloc(1, sizeof *l), **tail;

	l->address = xstrdup(address);
	l->is_unix = strncmp(address, "unix:", 5) == 0;
	if (!l->is_unix && strrchr(address, ':'))
		l->port = atoi(strrchr(address, ':') + 1);
	l->fd = fd;
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	l->fdname = xstrdup(fdname);
	l->owner = xstrdup(app);
	for (tail = &ls->list; *tail; tail = &(*tail)->next)
		;
	*tail = l;
}
