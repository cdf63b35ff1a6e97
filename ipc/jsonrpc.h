/* SPDX-License-Identifier: MIT */
/* JSON-RPC 2.0 messages: decode requests and responses, encode them as one line. */
#ifndef PMC_IPC_JSONRPC_H
#define PMC_IPC_JSONRPC_H

#include <cjson/cJSON.h>
#include <stdbool.h>

/* Standard codes. */
#define PMC_RPC_PARSE_ERROR      -32700
#define PMC_RPC_INVALID_REQUEST  -32600
#define PMC_RPC_METHOD_NOT_FOUND -32601
#define PMC_RPC_INVALID_PARAMS   -32602
#define PMC_RPC_INTERNAL_ERROR   -32603
/* pmc's own codes (server-error range). */
#define PMC_RPC_NOT_FOUND        -32001 /* unknown app or id; data: {target, suggestion?} */
#define PMC_RPC_BAD_ARGUMENT     -32002 /* a value the daemon refuses (bad name, bad path…) */
#define PMC_RPC_SPAWN_FAILED     -32003 /* script missing, not executable, bad interpreter */
#define PMC_RPC_CONFLICT         -32004 /* already launched, reload running… */
#define PMC_RPC_SHUTTING_DOWN    -32005 /* the daemon is stopping */
#define PMC_RPC_STORE_FAILED     -32006 /* SQLite refused (disk full…); nothing was changed */

/* One decoded request (or notification, when has_id is false). */
struct pmc_rpc_request {
	cJSON *root;       /* owns everything below */
	const char *method;
	cJSON *params;     /* object, or NULL when absent */
	cJSON *id;         /* borrowed from root; NULL for a notification */
	bool has_id;
};

/*
 * Decode one line. Returns 0 and fills req (free with pmc_rpc_request_free), or
 * a JSON-RPC error code (PMC_RPC_PARSE_ERROR, PMC_RPC_INVALID_REQUEST,
 * PMC_RPC_INVALID_PARAMS when params is not an object) with *cause set (caller
 * frees) and *id_out set to a copy of the request id when one could be read
 * (cJSON NULL-type when not; caller deletes).
 */
int pmc_rpc_request_decode(const char *line, size_t len, struct pmc_rpc_request *req,
			   cJSON **id_out, char **cause);
void pmc_rpc_request_free(struct pmc_rpc_request *req);

/* Encoders return a newly allocated line ending in '\n'; the caller frees it. */
/* Request: params may be NULL (omitted). Does not take ownership of params. */
char *pmc_rpc_encode_request(long long id, const char *method, const cJSON *params);
/* Notification (no id): used for streams. Does not take ownership of params. */
char *pmc_rpc_encode_notification(const char *method, const cJSON *params);
/* Result for id (id NULL → null). Takes no ownership. */
char *pmc_rpc_encode_result(const cJSON *id, const cJSON *result);
/* Error for id (NULL → null); data may be NULL. Takes no ownership. */
char *pmc_rpc_encode_error(const cJSON *id, int code, const char *message, const cJSON *data);

/* A decoded response or notification, as the client sees it. */
struct pmc_rpc_response {
	cJSON *root;         /* owns everything below */
	bool is_notification;
	const char *method;  /* notifications only */
	cJSON *params;       /* notifications only */
	long long id;        /* responses only; -1 when null */
	cJSON *result;       /* NULL on error */
	int error_code;      /* 0 on success */
	const char *error_message;
	cJSON *error_data;
};

/* Decode one line from the daemon; 0, or -EBADMSG with *cause set. */
int pmc_rpc_response_decode(const char *line, size_t len, struct pmc_rpc_response *resp,
			    char **cause);
void pmc_rpc_response_free(struct pmc_rpc_response *resp);

/* Bytes of s to quote in an error message: at most 64, never half a UTF-8 sequence. */
int pmc_rpc_quote_len(const char *s);

/* Installs xmalloc-backed hooks into cJSON so allocation failure aborts. Call once. */
void pmc_rpc_init_json(void);

#endif
