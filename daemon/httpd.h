/* SPDX-License-Identifier: MIT */
/*
 * A tiny HTTP/1.x server for GET /metrics on the daemon's loop: requests
 * parsed by http-parser, bounded in size and time, one response per
 * connection, non-blocking writes, and a connection limit, so a slow or
 * hostile client never holds the loop.
 */
#ifndef PMC_DAEMON_HTTPD_H
#define PMC_DAEMON_HTTPD_H

#include <stddef.h>
#include <uv.h>

#define PMC_HTTPD_MAX_REQUEST     8192 /* bytes of request line, headers and body */
#define PMC_HTTPD_MAX_CONNECTIONS 16
#define PMC_HTTPD_REQUEST_TIMEOUT 5000  /* ms from accept to a complete request */
#define PMC_HTTPD_WRITE_TIMEOUT   10000 /* ms to send the response */

struct pmc_httpd;

/* The body of GET /metrics (caller frees), *len its length. */
typedef char *(*pmc_httpd_body_cb)(void *data, size_t *len);

/*
 * Parse "HOST:PORT", "[V6]:PORT", "localhost:PORT" or "PORT" (on 127.0.0.1)
 * into addr. 0 or -EINVAL with *cause set.
 */
int pmc_httpd_parse_address(const char *text, struct sockaddr_storage *addr, char **cause);

/* Listen on text (see above). 0 and *out, or -errno with *cause set (caller frees). */
int pmc_httpd_open(uv_loop_t *loop, const char *text, pmc_httpd_body_cb body, void *data,
                   struct pmc_httpd **out, char **cause);
/* Stop listening and drop every connection; memory goes with the close callbacks. */
void pmc_httpd_close(struct pmc_httpd *h);
/* The bound address, "127.0.0.1:9615" or "[::1]:9615". */
const char *pmc_httpd_address(const struct pmc_httpd *h);

#endif
