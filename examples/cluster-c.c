/* SPDX-License-Identifier: MIT */
/*
 * Cluster mode in C without libsystemd: the listening sockets pmc passes are
 * found the way sd_listen_fds(3) finds them (LISTEN_PID must be our own pid,
 * LISTEN_FDS of them from fd 3, named by LISTEN_FDNAMES), readiness is
 * READY=1 on NOTIFY_SOCKET, and SIGINT/SIGTERM stop it after the request in
 * progress.
 *
 * Build and run (any C compiler, no library):
 *
 *   cc -O2 -Wall -o cluster-c examples/cluster-c.c
 *   pmc start ./cluster-c -i 4 --port 3000
 *   curl http://127.0.0.1:3000/        # the pid of the instance that answered
 *
 * It answers every connection on every passed socket (TCP or Unix) with its
 * pid, or with a JSON object of what it was given for GET /env.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define LISTEN_FDS_START 3
#define MAX_FDS 16

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/* How many sockets were passed to this very process (0 when none or not ours). */
static int listen_fds(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	char *end;
	long n, p;
	int fd;

	if (!pid || !fds)
		return 0;
	errno = 0;
	p = strtol(pid, &end, 10);
	if (errno || *end || p != (long)getpid())
		return 0; /* meant for another process */
	n = strtol(fds, &end, 10);
	if (errno || *end || n < 0 || n > MAX_FDS)
		return -EINVAL;
	for (fd = LISTEN_FDS_START; fd < LISTEN_FDS_START + n; fd++)
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
			return -errno;
	return (int)n;
}

/* The i-th name of LISTEN_FDNAMES ("tcp-3000", "unix"), or "?". */
static void fd_name(int i, char *out, size_t size)
{
	const char *p = getenv("LISTEN_FDNAMES");
	size_t len;

	for (; p && i > 0; i--) {
		p = strchr(p, ':');
		if (p)
			p++;
	}
	if (!p) {
		snprintf(out, size, "?");
		return;
	}
	len = strcspn(p, ":");
	snprintf(out, size, "%.*s", (int)len, p);
}

/* sd_notify(0, "READY=1"): one datagram to NOTIFY_SOCKET. */
static void notify_ready(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t len;
	int fd;

	if (!path || !*path || strlen(path) >= sizeof sun.sun_path)
		return;
	memcpy(sun.sun_path, path, strlen(path));
	if (path[0] == '@')
		sun.sun_path[0] = '\0'; /* abstract namespace */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, "READY=1", 7, MSG_NOSIGNAL, (struct sockaddr *)&sun, len) < 0)
		perror("NOTIFY_SOCKET");
	close(fd);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static const char *env_or_null(const char *key, char *buf, size_t size)
{
	const char *v = getenv(key);

	if (!v)
		return "null";
	snprintf(buf, size, "\"%s\"", v);
	return buf;
}

/* Read the request head, answer, close (HTTP/1.0: one request per connection). */
static void answer(int conn)
{
	char req[4096], body[1024], head[256], a[128], b[128], c[128];
	size_t got = 0;
	int len;

	while (got < sizeof req - 1) {
		ssize_t n = read(conn, req + got, sizeof req - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		req[got] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	req[got] = '\0';
	if (strncmp(req, "GET /env ", 9) == 0)
		len = snprintf(body, sizeof body,
			       "{\"pid\": %d, \"LISTEN_PID\": %s, \"LISTEN_FDS\": %s, "
			       "\"LISTEN_FDNAMES\": %s}\n",
			       (int)getpid(), env_or_null("LISTEN_PID", a, sizeof a),
			       env_or_null("LISTEN_FDS", b, sizeof b),
			       env_or_null("LISTEN_FDNAMES", c, sizeof c));
	else
		len = snprintf(body, sizeof body, "%d\n", (int)getpid());
	snprintf(head, sizeof head,
		 "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
		 "Connection: close\r\n\r\n",
		 len);
	if (write_all(conn, head, strlen(head)) == 0)
		write_all(conn, body, (size_t)len);
	close(conn);
}

int main(void)
{
	struct pollfd pfd[MAX_FDS];
	struct sigaction sa = { .sa_handler = on_stop }; /* no SA_RESTART: poll returns */
	char name[64];
	int n, i;

	n = listen_fds();
	if (n <= 0) {
		fprintf(stderr, "cluster-c: no listening socket was passed (LISTEN_PID %s, "
				"my pid %d): run me with pmc start ... --port PORT\n",
			getenv("LISTEN_PID") ? getenv("LISTEN_PID") : "unset", (int)getpid());
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < n; i++) {
		int fd = LISTEN_FDS_START + i;
		/* All instances wait on the same socket: the loser of a race must not block. */
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		pfd[i].fd = fd;
		pfd[i].events = POLLIN;
		fd_name(i, name, sizeof name);
		printf("pid %d: fd %d is %s (LISTEN_PID %s is my pid)\n", (int)getpid(), fd, name,
		       getenv("LISTEN_PID"));
	}
	fflush(stdout);
	notify_ready();
	while (!stopping) {
		if (poll(pfd, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("poll");
			return 1;
		}
		for (i = 0; i < n && !stopping; i++) {
			int conn;
			if (!(pfd[i].revents & POLLIN))
				continue;
			conn = accept4(pfd[i].fd, NULL, NULL, SOCK_CLOEXEC);
			if (conn >= 0)
				answer(conn);
			/* EAGAIN: another instance took it. */
		}
	}
	printf("pid %d: stopping\n", (int)getpid());
	return 0;
}
