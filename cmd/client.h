/* SPDX-License-Identifier: MIT */
/* A blocking JSON-RPC client over the daemon's Unix socket, bounded by deadlines. */
#ifndef PMC_CMD_CLIENT_H
#define PMC_CMD_CLIENT_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "frame.h"
#include "jsonrpc.h"

/*
 * The client reads lines of up to this many bytes: more than the 1 MiB the
 * daemon accepts, so that a long listing is still read in full.
 */
#define PMC_CLIENT_READ_MAX (64 * 1024 * 1024)

struct pmc_client {
	int fd; /* -1 when not connected */
	struct pmc_frame frame;
	long long next_id;
};

/* Called for each notification that arrives while waiting for a response. */
typedef void (*pmc_client_notify_fn)(const struct pmc_rpc_response *note, void *data);

void pmc_client_init(struct pmc_client *c);
/*
 * Connect to the socket at path. Returns 0, -ENAMETOOLONG when path does not
 * fit in sun_path, or the negative errno of socket()/connect() (-ENOENT and
 * -ECONNREFUSED mean no daemon listens).
 */
int pmc_client_connect(struct pmc_client *c, const char *path);
/*
 * Send method(params) (params may be NULL) and wait at most timeout_ms for the
 * response with the same id; notifications on the way go to notify (may be NULL).
 * Returns 0 with *resp filled (a result or a JSON-RPC error; free it with
 * pmc_rpc_response_free), or -ETIMEDOUT, -ECONNRESET (the daemon closed the
 * connection), -EBADMSG (an undecodable line), -EMSGSIZE, or another -errno.
 */
int pmc_client_call(struct pmc_client *c, const char *method, const cJSON *params,
		    int64_t timeout_ms, pmc_client_notify_fn notify, void *data,
		    struct pmc_rpc_response *resp);
void pmc_client_close(struct pmc_client *c);

/*
 * Send method(params) without waiting for the answer (for clients that poll
 * the socket themselves): 0 with *id set to the request's id, or -errno.
 */
int pmc_client_send(struct pmc_client *c, const char *method, const cJSON *params,
		    int64_t timeout_ms, long long *id);

/*
 * For streams, once a call has been answered: the next message already read
 * (1, resp filled; free it with pmc_rpc_response_free), 0 when none is held,
 * or -EBADMSG / -EMSGSIZE.
 */
int pmc_client_next(struct pmc_client *c, struct pmc_rpc_response *resp);
/*
 * Read what the socket holds now without waiting: 1 when bytes came, 0 when
 * none were there, -ECONNRESET when the daemon hung up, or another -errno.
 */
int pmc_client_fill(struct pmc_client *c);

/* Connect to path and hang up at once: 0 when a daemon accepts, else a negative errno. */
int pmc_client_probe(const char *path);

#endif
