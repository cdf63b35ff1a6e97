/* SPDX-License-Identifier: MIT */
/*
 * The Node IPC channel to one instance: an AF_UNIX stream socketpair whose child
 * end becomes NODE_CHANNEL_FD. JSON lines both ways; listening sockets travel as
 * SCM_RIGHTS with Node's NODE_HANDLE message.
 */
#include "channel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frame.h"
#include "log.h"
#include "xmalloc.h"

/* An app has no business sending us large messages. */
#define CHANNEL_MAX_LINE (64 * 1024)

struct pmc_channel {
	uv_pipe_t pipe;
	struct pmc_frame frame;
	pmc_channel_message_cb cb;
	void *data;
	int fd;
	bool closed;
};

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
	(void)handle;
	(void)suggested;
	buf->base = xmalloc(4096);
	buf->len = 4096;
}

static void on_read(uv_stream_t *stream, ssize_t n, const uv_buf_t *buf)
{
	struct pmc_channel *ch = stream->data;
	char *line;
	size_t len;
	int r;

	if (n < 0 || (n > 0 && pmc_frame_feed(&ch->frame, buf->base, (size_t)n) < 0)) {
		uv_read_stop(stream);
		goto out;
	}
	while (!ch->closed && (r = pmc_frame_next(&ch->frame, &line, &len)) > 0) {
		cJSON *msg = cJSON_ParseWithLength(line, len);
		if (msg)
			ch->cb(ch, msg, ch->data);
		cJSON_Delete(msg);
	}
out:
	free(buf->base);
}

int pmc_channel_open(uv_loop_t *loop, pmc_channel_message_cb cb, void *data,
		     struct pmc_channel **out, int *child_fd)
{
	struct pmc_channel *ch;
	int sv[2], err;

	/* A stream socketpair, never a pipe: Node needs SCM_RIGHTS on it. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	err = pmc_channel_adopt(loop, sv[0], cb, data, &ch);
	if (err < 0) {
		close(sv[1]);
		return err;
	}
	*out = ch;
	*child_fd = sv[1];
	return 0;
}

int pmc_channel_adopt(uv_loop_t *loop, int fd, pmc_channel_message_cb cb, void *data,
		      struct pmc_channel **out)
{
	struct pmc_channel *ch;
	int err;

	fcntl(fd, F_SETFD, FD_CLOEXEC);
	ch = xcalloc(1, sizeof *ch);
	ch->cb = cb;
	ch->data = data;
	ch->fd = fd;
	pmc_frame_init(&ch->frame, CHANNEL_MAX_LINE);
	uv_pipe_init(loop, &ch->pipe, 0);
	ch->pipe.data = ch;
	err = uv_pipe_open(&ch->pipe, fd);
	if (err == 0)
		err = uv_read_start((uv_stream_t *)&ch->pipe, on_alloc, on_read);
	if (err < 0) {
		pmc_channel_close(ch);
		return err;
	}
	*out = ch;
	return 0;
}

int pmc_channel_fd(const struct pmc_channel *ch)
{
	return ch ? ch->fd : -1;
}

int pmc_channel_send(struct pmc_channel *ch, const cJSON *msg, int fd)
{
	char *text = cJSON_PrintUnformatted(msg);
	char *line = xasprintf("%s\n", text);
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = line, .iov_len = strlen(line) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;
	int err = 0;

	if (fd >= 0) {
		struct cmsghdr *cm;
		memset(&control, 0, sizeof control);
		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof control.buf;
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof fd);
	}
	/* Written directly, not queued: messages are tiny and the fd must ride
	 * with the first byte of its line. A full buffer means the app stopped
	 * reading its channel; the message is dropped and said so. */
	do
		n = sendmsg(ch->fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		err = -errno;
	else if ((size_t)n < iov.iov_len)
		err = -EAGAIN;
	if (err < 0)
		pmc_log_warn("cannot write to an app's IPC channel: %s", strerror(-err));
	free(line);
	free(text);
	return err;
}

static void on_closed(uv_handle_t *handle)
{
	struct pmc_channel *ch = handle->data;

	pmc_frame_close(&ch->frame);
	free(ch);
}

void pmc_channel_close(struct pmc_channel *ch)
{
	if (!ch || ch->closed)
		return;
	ch->closed = true;
	uv_close((uv_handle_t *)&ch->pipe, on_closed);
}
