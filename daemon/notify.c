/* SPDX-License-Identifier: MIT */
/* NOTIFY_SOCKET: the sd_notify datagram socket apps report READY=1 on. */
#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "xmalloc.h"

struct pmc_notify {
	uv_poll_t poll;
	int fd;
	char *path;
	pmc_notify_ready_cb cb;
	void *data;
};

/* "READY=1" as a whole line of the datagram (sd_notify sends KEY=VALUE lines). */
static bool says_ready(const char *buf)
{
	const char *p = buf;

	while (p && *p) {
		if (strncmp(p, "READY=1", 7) == 0 && (p[7] == '\n' || p[7] == '\0'))
			return true;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

static void on_readable(uv_poll_t *poll, int status, int events)
{
	struct pmc_notify *n = poll->data;
	char buf[4096];
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} control;

	(void)events;
	if (status < 0)
		return;
	for (;;) {
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf - 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = control.buf, .msg_controllen = sizeof control.buf };
		struct cmsghdr *cm;
		int pid = 0;
		ssize_t len = recvmsg(n->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

		if (len < 0)
			return; /* EAGAIN: drained */
		buf[len] = '\0';
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS) {
				struct ucred cred;
				memcpy(&cred, CMSG_DATA(cm), sizeof cred);
				pid = cred.pid;
			} else if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
				/* Nobody should send us fds here; do not leak them. */
				int *fds = (int *)CMSG_DATA(cm);
				size_t k, count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
				for (k = 0; k < count; k++)
					close(fds[k]);
			}
		}
		if (pid > 0 && says_ready(buf))
			n->cb(pid, n->data);
	}
}

struct pmc_notify *pmc_notify_adopt(uv_loop_t *loop, int fd, const char *path,
				    pmc_notify_ready_cb cb, void *data)
{
	struct pmc_notify *n = xcalloc(1, sizeof *n);

	fcntl(fd, F_SETFD, FD_CLOEXEC);
	n->fd = fd;
	n->path = xstrdup(path);
	n->cb = cb;
	n->data = data;
	uv_poll_init(loop, &n->poll, fd);
	n->poll.data = n;
	uv_poll_start(&n->poll, UV_READABLE, on_readable);
	return n;
}

int pmc_notify_fd(const struct pmc_notify *n)
{
	return n ? n->fd : -1;
}

int pmc_notify_open(uv_loop_t *loop, const char *path, pmc_notify_ready_cb cb, void *data,
		    struct pmc_notify **out, char **cause)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, one = 1, err;

	if (strlen(path) >= sizeof sun.sun_path) {
		*cause = xasprintf("notify socket path %s is too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto fail;
	unlink(path); /* the daemon holds the home lock: a leftover file is stale */
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof sun) < 0) {
		err = errno;
		close(fd);
		errno = err;
		goto fail;
	}
	*out = pmc_notify_adopt(loop, fd, path, cb, data);
	return 0;
fail:
	err = -errno;
	*cause = xasprintf("cannot create the notify socket %s: %s", path, strerror(errno));
	return err;
}

static void on_closed(uv_handle_t *handle)
{
	struct pmc_notify *n = handle->data;

	close(n->fd);
	unlink(n->path);
	free(n->path);
	free(n);
}

void pmc_notify_close(struct pmc_notify *n)
{
	if (n)
		uv_close((uv_handle_t *)&n->poll, on_closed);
}
