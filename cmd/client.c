/* SPDX-License-Identifier: MIT */
/* A blocking JSON-RPC client over the daemon's Unix socket, bounded by deadlines. */
#include "client.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "xmalloc.h"

void pmc_client_init(struct pmc_client *c)
{
	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->next_id = 1;
}

static int open_socket(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof sun.sun_path)
		return -ENAMETOOLONG;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	do
		err = connect(fd, (struct sockaddr *)&sun, sizeof sun);
	while (err < 0 && errno == EINTR);
	if (err < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int pmc_client_connect(struct pmc_client *c, const char *path)
{
	int fd = open_socket(path);

	if (fd < 0)
		return fd;
	/* Non-blocking from here on, so that every wait goes through poll() and its deadline. */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	pmc_client_close(c);
	c->fd = fd;
	pmc_frame_init(&c->frame, PMC_CLIENT_READ_MAX);
	return 0;
}

int pmc_client_probe(const char *path)
{
	int fd = open_socket(path);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

void pmc_client_close(struct pmc_client *c)
{
	if (c->fd >= 0) {
		close(c->fd);
		pmc_frame_close(&c->frame);
	}
	c->fd = -1;
}

/* Wait until fd is ready for events or the deadline (monotonic ms) passes. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int64_t left;
	int n;

	for (;;) {
		left = deadline - pmc_clock_mono_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

static int write_all(int fd, const char *buf, size_t len, int64_t deadline)
{
	ssize_t n;
	int err;

	while (len) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return errno == EPIPE ? -ECONNRESET : -errno;
		err = wait_fd(fd, POLLOUT, deadline);
		if (err < 0)
			return err;
	}
	return 0;
}

/*
 * The next complete line decoded into resp: 1 when one was decoded, 0 when
 * none is held, or a negative errno.
 */
static int next_message(struct pmc_client *c, struct pmc_rpc_response *resp)
{
	char *line, *cause = NULL;
	size_t len;
	int n;

	n = pmc_frame_next(&c->frame, &line, &len);
	if (n <= 0)
		return n;
	if (pmc_rpc_response_decode(line, len, resp, &cause) < 0) {
		free(cause);
		return -EBADMSG;
	}
	return 1;
}

/* Read more bytes into the frame decoder, waiting until the deadline. */
static int read_more(struct pmc_client *c, int64_t deadline)
{
	char buf[65536];
	ssize_t n;
	int err;

	for (;;) {
		n = read(c->fd, buf, sizeof buf);
		if (n > 0)
			return pmc_frame_feed(&c->frame, buf, (size_t)n);
		if (n == 0)
			return -ECONNRESET;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return errno == ECONNRESET ? -ECONNRESET : -errno;
		err = wait_fd(c->fd, POLLIN, deadline);
		if (err < 0)
			return err;
	}
}

int pmc_client_next(struct pmc_client *c, struct pmc_rpc_response *resp)
{
	memset(resp, 0, sizeof *resp);
	if (c->fd < 0)
		return -ENOTCONN;
	return next_message(c, resp);
}

int pmc_client_fill(struct pmc_client *c)
{
	char buf[65536];
	ssize_t n;
	int err;

	if (c->fd < 0)
		return -ENOTCONN;
	for (;;) {
		n = read(c->fd, buf, sizeof buf);
		if (n > 0) {
			err = pmc_frame_feed(&c->frame, buf, (size_t)n);
			return err < 0 ? err : 1;
		}
		if (n == 0)
			return -ECONNRESET;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return 0;
		return errno == ECONNRESET ? -ECONNRESET : -errno;
	}
}

int pmc_client_call(struct pmc_client *c, const char *method, const cJSON *params,
		    int64_t timeout_ms, pmc_client_notify_fn notify, void *data,
		    struct pmc_rpc_response *resp)
{
	int64_t deadline = pmc_clock_mono_ms() + timeout_ms;
	long long id = c->next_id++;
	char *line;
	int err;

	memset(resp, 0, sizeof *resp);
	if (c->fd < 0)
		return -ENOTCONN;
	line = pmc_rpc_encode_request(id, method, params);
	err = write_all(c->fd, line, strlen(line), deadline);
	free(line);
	if (err < 0)
		return err;
	for (;;) {
		err = next_message(c, resp);
		if (err < 0)
			return err;
		if (err == 0) {
			err = read_more(c, deadline);
			if (err < 0)
				return err;
			continue;
		}
		if (resp->is_notification) {
			if (notify)
				notify(resp, data);
		} else if (resp->id == id || (resp->id == -1 && resp->error_code)) {
			/* A null id answers a request the daemon could not read: ours. */
			return 0;
		}
		pmc_rpc_response_free(resp);
		memset(resp, 0, sizeof *resp);
	}
}

int pmc_client_send(struct pmc_client *c, const char *method, const cJSON *params,
		    int64_t timeout_ms, long long *id)
{
	char *line;
	int err;

	if (c->fd < 0)
		return -ENOTCONN;
	*id = c->next_id++;
	line = pmc_rpc_encode_request(*id, method, params);
	err = write_all(c->fd, line, strlen(line), pmc_clock_mono_ms() + timeout_ms);
	free(line);
	return err;
}
