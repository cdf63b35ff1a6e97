/* SPDX-License-Identifier: MIT */
/* The RPC server: accepts clients on rpc.sock, frames lines, dispatches to the method table. */
#ifndef PMC_DAEMON_SERVER_H
#define PMC_DAEMON_SERVER_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <uv.h>

struct pmc_daemon;
struct pmc_server;
struct pmc_client;

struct pmc_call;
typedef void (*pmc_call_close_cb)(struct pmc_call *call, void *data);

/* One request being answered; replied to exactly once, then freed. */
struct pmc_call {
	struct pmc_client *client; /* holds a reference */
	cJSON *id;                 /* owned copy */
	const char *method;        /* static name from the method table */
	/* A stream (pmc_call_reply_stream): told when its connection closes. */
	pmc_call_close_cb close_cb;
	void *close_data;
	struct pmc_call *next_stream;
};

/*
 * Bind path (which must not exist), chmod 0600, listen. Returns 0, or -errno with
 * *cause set (caller frees).
 */
int pmc_server_start(struct pmc_daemon *d, const char *path, struct pmc_server **out,
		     char **cause);
/* Stop accepting, close every client; memory is freed in close callbacks. */
void pmc_server_close(struct pmc_server *server);
/* Listen on an inherited, already listening socket (pmc update). 0 or -errno with *cause. */
int pmc_server_adopt(struct pmc_daemon *d, int fd, struct pmc_server **out, char **cause);
/* The listening socket's fd (borrowed), or -1. */
int pmc_server_fd(struct pmc_server *server);

/* Reply with a result (takes ownership of result) and free the call. */
void pmc_call_reply(struct pmc_call *call, cJSON *result);
/* Send a notification on the call's connection (a stream); params borrowed. */
void pmc_call_notify(struct pmc_call *call, const char *method, const cJSON *params);
/* Reply with an error (takes ownership of data, may be NULL) and free the call. */
void pmc_call_error(struct pmc_call *call, int code, const char *message, cJSON *data);

/*
 * Reply with a result (takes ownership) but keep the call for a stream of
 * notifications (pmc_call_notify) on its connection. If the connection closes
 * first, close_cb runs once and the call is freed after it returns; otherwise
 * the owner ends the stream with pmc_call_end.
 */
void pmc_call_reply_stream(struct pmc_call *call, cJSON *result, pmc_call_close_cb close_cb,
			   void *data);
/* Bytes queued on the call's connection and not written yet. */
size_t pmc_call_pending(const struct pmc_call *call);
/* End a stream without close_cb and free the call; with drop, close its connection too. */
void pmc_call_end(struct pmc_call *call, bool drop);

#endif
