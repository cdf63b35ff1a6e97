/* SPDX-License-Identifier: MIT */
/* The RPC server: accepts clients on rpc.sock, frames lines, dispatches to the method table. */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon.h"
#include "frame.h"
#include "jsonrpc.h"
#include "log.h"
#include "methods.h"
#include "params.h"
#include "xmalloc.h"

/* A client that stops reading while we owe it this many bytes is dropped. */
#define PMC_SERVER_MAX_PENDING (64 * 1024 * 1024)
#define PMC_SERVER_READ_SIZE   65536

struct pmc_server {
	struct pmc_daemon *daemon;
	uv_pipe_t pipe;
	struct pmc_client *clients;
	bool closing;
};

struct pmc_client {
	struct pmc_server *server;
	uv_pipe_t pipe;
	struct pmc_frame frame;
	size_t pending_bytes; /* queued in uv_write and not yet written */
	int refs;             /* the connection itself + every open call */
	bool closed;
	struct pmc_call *streams; /* calls kept open for notifications */
	struct pmc_client *next;
};

struct write_req {
	uv_write_t req;
	struct pmc_client *client;
	char *line;
	size_t len;
};

static void client_unref(struct pmc_client *client)
{
	if (--client->refs > 0)
		return;
	pmc_frame_close(&client->frame);
	free(client);
}

static void on_client_closed(uv_handle_t *handle)
{
	client_unref(handle->data);
}

static void call_free(struct pmc_call *call);

static void client_close(struct pmc_client *client)
{
	struct pmc_client **pos;
	struct pmc_call *call;

	if (client->closed)
		return;
	client->closed = true;
	/* Streams learn that nobody listens any more; each call still holds a reference. */
	while ((call = client->streams)) {
		client->streams = call->next_stream;
		if (call->close_cb)
			call->close_cb(call, call->close_data);
		call_free(call);
	}
	for (pos = &client->server->clients; *pos; pos = &(*pos)->next) {
		if (*pos == client) {
			*pos = client->next;
			break;
		}
	}
	uv_close((uv_handle_t *)&client->pipe, on_client_closed);
}

static void on_written(uv_write_t *req, int status)
{
	struct write_req *w = (struct write_req *)req;
	struct pmc_client *client = w->client;

	client->pending_bytes -= w->len;
	if (status < 0 && !client->closed)
		client_close(client);
	free(w->line);
	free(w);
	client_unref(client);
}

/* Queue a line (takes ownership). Slow readers are dropped rather than buffered forever. */
static void client_send(struct pmc_client *client, char *line)
{
	struct write_req *w;
	uv_buf_t buf;

	if (client->closed) {
		free(line);
		return;
	}
	w = xcalloc(1, sizeof *w);
	w->client = client;
	w->line = line;
	w->len = strlen(line);
	buf = uv_buf_init(line, (unsigned)w->len);
	if (client->pending_bytes + w->len > PMC_SERVER_MAX_PENDING ||
	    uv_write(&w->req, (uv_stream_t *)&client->pipe, &buf, 1, on_written) < 0) {
		pmc_log_warn("dropping a client that does not read its replies");
		free(line);
		free(w);
		client_close(client);
		return;
	}
	client->refs++;
	client->pending_bytes += w->len;
}

static void call_free(struct pmc_call *call)
{
	cJSON_Delete(call->id);
	client_unref(call->client);
	free(call);
}

void pmc_call_reply(struct pmc_call *call, cJSON *result)
{
	client_send(call->client, pmc_rpc_encode_result(call->id, result));
	cJSON_Delete(result);
	call_free(call);
}

void pmc_call_notify(struct pmc_call *call, const char *method, const cJSON *params)
{
	client_send(call->client, pmc_rpc_encode_notification(method, params));
}

void pmc_call_error(struct pmc_call *call, int code, const char *message, cJSON *data)
{
	client_send(call->client, pmc_rpc_encode_error(call->id, code, message, data));
	cJSON_Delete(data);
	call_free(call);
}

void pmc_call_reply_stream(struct pmc_call *call, cJSON *result, pmc_call_close_cb close_cb,
			   void *data)
{
	struct pmc_client *client = call->client;

	client_send(client, pmc_rpc_encode_result(call->id, result));
	cJSON_Delete(result);
	call->close_cb = close_cb;
	call->close_data = data;
	if (client->closed) {
		/* Gone already (or the reply overflowed): the stream ends at once. */
		if (close_cb)
			close_cb(call, data);
		call_free(call);
		return;
	}
	call->next_stream = client->streams;
	client->streams = call;
}

size_t pmc_call_pending(const struct pmc_call *call)
{
	return call->client->pending_bytes;
}

void pmc_call_end(struct pmc_call *call, bool drop)
{
	struct pmc_client *client = call->client;
	struct pmc_call **pos;

	for (pos = &client->streams; *pos; pos = &(*pos)->next_stream) {
		if (*pos == call) {
			*pos = call->next_stream;
			break;
		}
	}
	if (drop && !client->closed)
		client_close(client);
	call_free(call);
}

static void send_error(struct pmc_client *client, const cJSON *id, int code, const char *message)
{
	client_send(client, pmc_rpc_encode_error(id, code, message, NULL));
}

static void dispatch(struct pmc_client *client, const char *line, size_t len)
{
	struct pmc_daemon *d = client->server->daemon;
	struct pmc_rpc_request req;
	const struct pmc_method *method;
	struct pmc_call *call;
	cJSON *id = NULL, *empty = NULL;
	char *cause = NULL;
	int code;

	if (len == 0 || strspn(line, " \t\r") == len)
		return; /* blank lines are keep-alives, not requests */
	code = pmc_rpc_request_decode(line, len, &req, &id, &cause);
	if (code != 0) {
		send_error(client, id, code, cause ? cause : "invalid request");
		cJSON_Delete(id);
		free(cause);
		return;
	}
	cJSON_Delete(id);
	if (!req.has_id)
		goto out; /* notifications from clients carry nothing we act on */
	method = pmc_method_find(req.method);
	if (!method) {
		cause = xasprintf("method not found: %s", req.method);
		send_error(client, req.id, PMC_RPC_METHOD_NOT_FOUND, cause);
		goto out;
	}
	if (pmc_params_check(req.params, method->params, method->n_params, &cause) < 0) {
		send_error(client, req.id, PMC_RPC_INVALID_PARAMS, cause);
		goto out;
	}
	call = xcalloc(1, sizeof *call);
	call->client = client;
	call->id = cJSON_Duplicate(req.id, 1);
	call->method = method->name;
	client->refs++;
	if (d->stopping && !method->allowed_while_stopping) {
		pmc_call_error(call, PMC_RPC_SHUTTING_DOWN, "the daemon is shutting down", NULL);
		goto out;
	}
	if (!req.params)
		empty = cJSON_CreateObject();
	method->fn(d, call, req.params ? req.params : empty);
out:
	cJSON_Delete(empty);
	free(cause);
	pmc_rpc_request_free(&req);
}

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
	(void)handle;
	(void)suggested;
	buf->base = xmalloc(PMC_SERVER_READ_SIZE);
	buf->len = PMC_SERVER_READ_SIZE;
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct pmc_client *client = stream->data;
	char *line;
	size_t len;
	int r;

	if (nread < 0) {
		client_close(client);
		goto out;
	}
	if (pmc_frame_feed(&client->frame, buf->base, (size_t)nread) < 0)
		goto too_large;
	client->refs++; /* a handler may close the client under us */
	while (!client->closed && (r = pmc_frame_next(&client->frame, &line, &len)) != 0) {
		if (r < 0) {
			client_unref(client);
			goto too_large;
		}
		dispatch(client, line, len);
	}
	client_unref(client);
	goto out;
too_large:
	/* Framing is lost: say why, then close once the error is written. */
	if (!client->closed) {
		char *msg = xasprintf("request too large (limit %d bytes)", PMC_FRAME_MAX);
		send_error(client, NULL, PMC_RPC_INVALID_REQUEST, msg);
		free(msg);
		uv_read_stop(stream);
		client_close(client);
	}
out:
	free(buf->base);
}

/* Only our own uid (or root) may drive the daemon. */
static bool peer_allowed(uv_pipe_t *pipe)
{
	struct ucred cred;
	socklen_t len = sizeof cred;
	uv_os_fd_t fd;

	if (uv_fileno((uv_handle_t *)pipe, &fd) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	if (cred.uid == getuid() || cred.uid == 0)
		return true;
	pmc_log_warn("refused a client of uid %u (pid %d)", (unsigned)cred.uid, (int)cred.pid);
	return false;
}

static void on_connection(uv_stream_t *listener, int status)
{
	struct pmc_server *server = listener->data;
	struct pmc_client *client;

	if (status < 0) {
		pmc_log_warn("accept failed: %s", uv_strerror(status));
		return;
	}
	client = xcalloc(1, sizeof *client);
	client->server = server;
	client->refs = 1;
	pmc_frame_init(&client->frame, PMC_FRAME_MAX);
	uv_pipe_init(server->daemon->loop, &client->pipe, 0);
	client->pipe.data = client;
	client->next = server->clients;
	server->clients = client;
	if (uv_accept(listener, (uv_stream_t *)&client->pipe) < 0 || !peer_allowed(&client->pipe)) {
		client_close(client);
		return;
	}
	uv_read_start((uv_stream_t *)&client->pipe, on_alloc, on_read);
}

static void on_server_closed(uv_handle_t *handle);

static void on_server_closed(uv_handle_t *handle);

static struct pmc_server *server_new(struct pmc_daemon *d)
{
	struct pmc_server *server = xcalloc(1, sizeof *server);

	server->daemon = d;
	uv_pipe_init(d->loop, &server->pipe, 0);
	server->pipe.data = server;
	return server;
}

/* The socket is bound (err 0): listen. On failure the server goes with its close. */
static int server_listen(struct pmc_server *server, int err, const char *what,
			 struct pmc_server **out, char **cause)
{
	if (err == 0)
		err = uv_listen((uv_stream_t *)&server->pipe, 128, on_connection);
	if (err < 0) {
		*cause = xasprintf("cannot listen on %s: %s", what, uv_strerror(err));
		uv_close((uv_handle_t *)&server->pipe, on_server_closed);
		return err;
	}
	*out = server;
	return 0;
}

int pmc_server_start(struct pmc_daemon *d, const char *path, struct pmc_server **out,
		     char **cause)
{
	struct pmc_server *server = server_new(d);
	mode_t old_umask;
	int err;

	old_umask = umask(0177); /* the socket is born 0600: no window for others */
	err = uv_pipe_bind(&server->pipe, path);
	umask(old_umask);
	if (err == 0 && chmod(path, 0600) < 0)
		err = -errno;
	return server_listen(server, err, path, out, cause);
}

int pmc_server_adopt(struct pmc_daemon *d, int fd, struct pmc_server **out, char **cause)
{
	struct pmc_server *server = server_new(d);

	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return server_listen(server, uv_pipe_open(&server->pipe, fd), "the inherited socket", out,
			     cause);
}

int pmc_server_fd(struct pmc_server *server)
{
	uv_os_fd_t fd = -1;

	return uv_fileno((uv_handle_t *)&server->pipe, &fd) == 0 ? fd : -1;
}

static void on_server_closed(uv_handle_t *handle)
{
	free(handle->data);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	struct pmc_client *client = req->data;

	(void)status;
	free(req);
	client_close(client);
	client_unref(client);
}

void pmc_server_close(struct pmc_server *server)
{
	struct pmc_client *client, *next;

	server->closing = true;
	/* Let queued replies (the answer to `kill`) reach their readers, then close. */
	for (client = server->clients; client; client = next) {
		uv_shutdown_t *req = xcalloc(1, sizeof *req);
		next = client->next;
		req->data = client;
		uv_read_stop((uv_stream_t *)&client->pipe);
		if (uv_shutdown(req, (uv_stream_t *)&client->pipe, on_shutdown) == 0) {
			client->refs++;
			continue;
		}
		free(req);
		client_close(client);
	}
	uv_close((uv_handle_t *)&server->pipe, on_server_closed);
}
