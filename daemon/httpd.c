/* SPDX-License-Identifier: MIT */
/* A tiny bounded HTTP/1.x server for GET /metrics on the daemon's loop. */
#include "httpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <http_parser.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"

#define MAX_URL 1024

struct conn {
	uv_tcp_t tcp;
	uv_timer_t timer;
	int open_handles;
	struct pmc_httpd *h;
	http_parser parser;
	char url[MAX_URL];
	size_t url_len;
	bool url_too_long;
	size_t received;
	bool responded;
	bool closing;
	uv_write_t write;
	char *out;
	char rbuf[4096];
	struct conn *prev, *next;
};

struct pmc_httpd {
	uv_tcp_t server;
	pmc_httpd_body_cb body;
	void *data;
	char address[80];
	struct conn *conns;
	size_t n_conns;
	bool closing;
	bool server_closed;
};

static http_parser_settings settings;

static void maybe_free(struct pmc_httpd *h)
{
	if (h->closing && h->server_closed && !h->conns)
		free(h);
}

static void on_conn_handle_closed(uv_handle_t *handle)
{
	struct conn *c = handle->data;
	struct pmc_httpd *h = c->h;

	if (--c->open_handles > 0)
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		h->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	h->n_conns--;
	free(c->out);
	free(c);
	maybe_free(h);
}

static void conn_close(struct conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	uv_close((uv_handle_t *)&c->timer, on_conn_handle_closed);
	uv_close((uv_handle_t *)&c->tcp, on_conn_handle_closed);
}

static void on_timeout(uv_timer_t *timer)
{
	conn_close(timer->data);
}

static void on_written(uv_write_t *req, int status)
{
	(void)status;
	conn_close(req->data);
}

static const char *reason_phrase(int code)
{
	switch (code) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 431:
		return "Request Header Fields Too Large";
	default:
		return "Internal Server Error";
	}
}

/* One response, then the connection closes: no request is read after it. */
static void respond(struct conn *c, int code, const char *type, const char *body, size_t len,
                    bool head)
{
	char header[256];
	int n;
	uv_buf_t buf;

	if (c->responded || c->closing)
		return;
	c->responded = true;
	uv_read_stop((uv_stream_t *)&c->tcp);
	n = snprintf(header, sizeof header,
	             "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
	             "Connection: close\r\n\r\n",
	             code, reason_phrase(code), type, len,
	             code == 405 ? "Allow: GET, HEAD\r\n" : "");
	c->out = xmalloc((size_t)n + (head ? 0 : len));
	memcpy(c->out, header, (size_t)n);
	if (!head)
		memcpy(c->out + n, body, len);
	buf = uv_buf_init(c->out, (unsigned)((size_t)n + (head ? 0 : len)));
	/* uv_write never blocks: what the socket does not take waits for POLLOUT,
	 * and the write timeout drops a client that does not read it. */
	uv_timer_start(&c->timer, on_timeout, PMC_HTTPD_WRITE_TIMEOUT, 0);
	c->write.data = c;
	if (uv_write(&c->write, (uv_stream_t *)&c->tcp, &buf, 1, on_written) < 0)
		conn_close(c);
}

static void respond_text(struct conn *c, int code, const char *text)
{
	respond(c, code, "text/plain; charset=utf-8", text, strlen(text), false);
}

static int on_url(http_parser *p, const char *at, size_t len)
{
	struct conn *c = p->data;

	if (c->url_len + len >= MAX_URL) {
		c->url_too_long = true;
		return 0;
	}
	memcpy(c->url + c->url_len, at, len);
	c->url_len += len;
	return 0;
}

static void route(struct conn *c)
{
	struct http_parser_url u;
	bool head = c->parser.method == HTTP_HEAD;
	const char *path;
	size_t path_len;

	if (c->url_too_long) {
		respond_text(c, 431, "request too large\n");
		return;
	}
	http_parser_url_init(&u);
	if (http_parser_parse_url(c->url, c->url_len, 0, &u) != 0 ||
	    !(u.field_set & (1 << UF_PATH))) {
		respond_text(c, 400, "bad request target\n");
		return;
	}
	path = c->url + u.field_data[UF_PATH].off;
	path_len = u.field_data[UF_PATH].len;
	if (path_len != strlen("/metrics") || memcmp(path, "/metrics", path_len) != 0) {
		respond_text(c, 404, "not found: try /metrics\n");
		return;
	}
	if (c->parser.method != HTTP_GET && !head) {
		respond_text(c, 405, "method not allowed\n");
		return;
	}
	size_t len = 0;
	char *body = c->h->body(c->h->data, &len);
	respond(c, 200, "text/plain; version=0.0.4; charset=utf-8", body ? body : "", len, head);
	free(body);
}

static int on_message_complete(http_parser *p)
{
	struct conn *c = p->data;

	route(c);
	http_parser_pause(p, 1); /* pipelined requests are not read */
	return 0;
}

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
	struct conn *c = handle->data;

	(void)suggested;
	*buf = uv_buf_init(c->rbuf, sizeof c->rbuf);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct conn *c = stream->data;
	size_t parsed;

	if (nread < 0) {
		if (!c->responded) {
			/* EOF before a whole request: tell the parser, then give up. */
			http_parser_execute(&c->parser, &settings, NULL, 0);
			conn_close(c);
		}
		return;
	}
	if (nread == 0 || c->responded)
		return;
	c->received += (size_t)nread;
	if (c->received > PMC_HTTPD_MAX_REQUEST) {
		respond_text(c, 431, "request too large\n");
		return;
	}
	parsed = http_parser_execute(&c->parser, &settings, buf->base, (size_t)nread);
	if (c->responded)
		return;
	if (HTTP_PARSER_ERRNO(&c->parser) != HPE_OK || parsed != (size_t)nread)
		respond_text(c, 400, "malformed request\n");
}

static void on_connection(uv_stream_t *server, int status)
{
	struct pmc_httpd *h = server->data;
	struct conn *c;

	if (status < 0 || h->closing)
		return;
	c = xcalloc(1, sizeof *c);
	c->h = h;
	uv_tcp_init(server->loop, &c->tcp);
	uv_timer_init(server->loop, &c->timer);
	c->tcp.data = c->timer.data = c;
	c->open_handles = 2;
	c->next = h->conns;
	if (h->conns)
		h->conns->prev = c;
	h->conns = c;
	h->n_conns++;
	if (uv_accept(server, (uv_stream_t *)&c->tcp) < 0 ||
	    h->n_conns > PMC_HTTPD_MAX_CONNECTIONS) {
		/* Over the limit: accepted only to be closed, so the backlog drains. */
		conn_close(c);
		return;
	}
	http_parser_init(&c->parser, HTTP_REQUEST);
	c->parser.data = c;
	uv_timer_start(&c->timer, on_timeout, PMC_HTTPD_REQUEST_TIMEOUT, 0);
	if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) < 0)
		conn_close(c);
}

int pmc_httpd_parse_address(const char *text, struct sockaddr_storage *addr, char **cause)
{
	char host[64];
	const char *port_text, *colon;
	size_t host_len;
	char *end;
	long port;

	memset(addr, 0, sizeof *addr);
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close || close[1] != ':')
			goto bad;
		host_len = (size_t)(close - text - 1);
		if (host_len >= sizeof host)
			goto bad;
		memcpy(host, text + 1, host_len);
		port_text = close + 2;
	} else if ((colon = strrchr(text, ':'))) {
		host_len = (size_t)(colon - text);
		if (host_len >= sizeof host || memchr(text, ':', host_len))
			goto bad;
		memcpy(host, text, host_len);
		port_text = colon + 1;
	} else {
		host_len = strlen("127.0.0.1");
		memcpy(host, "127.0.0.1", host_len);
		port_text = text;
	}
	host[host_len] = '\0';
	if (strcmp(host, "localhost") == 0 || !*host)
		strcpy(host, "127.0.0.1");
	errno = 0;
	port = strtol(port_text, &end, 10);
	if (!*port_text || *end || errno || port < 0 || port > 65535 || *port_text == '-' ||
	    *port_text == '+')
		goto bad;
	if (uv_ip4_addr(host, (int)port, (struct sockaddr_in *)addr) == 0 && text[0] != '[')
		return 0;
	if (text[0] == '[' && uv_ip6_addr(host, (int)port, (struct sockaddr_in6 *)addr) == 0)
		return 0;
bad:
	*cause = xasprintf("invalid address '%s' (use HOST:PORT with a numeric IP or localhost, "
	                   "[V6]:PORT, or PORT for 127.0.0.1)",
	                   text);
	return -EINVAL;
}

static bool is_loopback(const struct sockaddr_storage *addr)
{
	if (addr->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)addr)->sin_addr.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)addr)->sin6_addr);
}

static void format_address(uv_tcp_t *tcp, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	int len = sizeof ss;
	char ip[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (uv_tcp_getsockname(tcp, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET6) {
			uv_ip6_name((struct sockaddr_in6 *)&ss, ip, sizeof ip);
			port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
			snprintf(buf, size, "[%s]:%d", ip, port);
			return;
		}
		uv_ip4_name((struct sockaddr_in *)&ss, ip, sizeof ip);
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	}
	snprintf(buf, size, "%s:%d", ip, port);
}

static void on_server_closed(uv_handle_t *handle)
{
	struct pmc_httpd *h = handle->data;

	h->server_closed = true;
	maybe_free(h);
}

int pmc_httpd_open(uv_loop_t *loop, const char *text, pmc_httpd_body_cb body, void *data,
                   struct pmc_httpd **out, char **cause)
{
	struct sockaddr_storage addr;
	struct pmc_httpd *h;
	int err;

	if ((err = pmc_httpd_parse_address(text, &addr, cause)) < 0)
		return err;
	if (!settings.on_url) {
		http_parser_settings_init(&settings);
		settings.on_url = on_url;
		settings.on_message_complete = on_message_complete;
	}
	h = xcalloc(1, sizeof *h);
	h->body = body;
	h->data = data;
	uv_tcp_init(loop, &h->server);
	h->server.data = h;
	err = uv_tcp_bind(&h->server, (const struct sockaddr *)&addr, 0);
	if (err == 0)
		err = uv_listen((uv_stream_t *)&h->server, 64, on_connection);
	if (err < 0) {
		*cause = xasprintf("cannot listen on %s: %s", text, uv_strerror(err));
		h->closing = true;
		uv_close((uv_handle_t *)&h->server, on_server_closed);
		return err;
	}
	format_address(&h->server, h->address, sizeof h->address);
	if (!is_loopback(&addr))
		pmc_log_warn("/metrics is served on %s, which is not a loopback address",
		             h->address);
	*out = h;
	return 0;
}

void pmc_httpd_close(struct pmc_httpd *h)
{
	struct conn *c;

	if (!h || h->closing)
		return;
	h->closing = true;
	for (c = h->conns; c; c = c->next)
		conn_close(c);
	uv_close((uv_handle_t *)&h->server, on_server_closed);
}

const char *pmc_httpd_address(const struct pmc_httpd *h)
{
	return h->address;
}
