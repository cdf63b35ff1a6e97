/* SPDX-License-Identifier: MIT */
/* JSON-RPC 2.0 codec: strict request/response decoding and one-line encoders. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strnlen */
#endif
#include "jsonrpc.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* 2^63: the first double past the int64 range. */
#define TWO_POW_63 9223372036854775808.0

/* Parse exactly one JSON value from line[0, len); only whitespace may follow. */
static cJSON *parse_line(const char *line, size_t len, char **cause)
{
	const char *end = NULL;
	cJSON *root;

	if (!len) {
		*cause = xstrdup("empty message");
		return NULL;
	}
	if (memchr(line, '\0', len)) {
		*cause = xstrdup("NUL byte in message");
		return NULL;
	}
	root = cJSON_ParseWithLengthOpts(line, len, &end, false);
	if (!root) {
		*cause = xstrdup("invalid JSON");
		return NULL;
	}
	for (; end < line + len; end++) {
		if (!strchr(" \t\r\n", *end)) {
			cJSON_Delete(root);
			*cause = xstrdup("invalid JSON: trailing data after the value");
			return NULL;
		}
	}
	return root;
}

/* A whole number within the int64 range. */
static bool number_is_int64(const cJSON *item)
{
	double d;

	if (!cJSON_IsNumber(item))
		return false;
	d = item->valuedouble;
	return isfinite(d) && d == trunc(d) && d >= -TWO_POW_63 && d < TWO_POW_63;
}

int pmc_rpc_quote_len(const char *s)
{
	size_t n = strnlen(s, 65);

	if (n <= 64)
		return (int)n;
	n = 64;
	while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return (int)n;
}

/* Members a message may carry; anything else is refused. */
static bool member_known(const char *name, const char *const *names)
{
	for (; *names; names++)
		if (!strcmp(name, *names))
			return true;
	return false;
}

/* Every member known and none repeated; *cause names the first offender. */
static bool members_check(const cJSON *root, const char *const *names, char **cause)
{
	const cJSON *m, *o;

	cJSON_ArrayForEach(m, root)
	{
		if (!member_known(m->string, names)) {
			*cause = xasprintf("unknown member '%.*s'", pmc_rpc_quote_len(m->string),
					   m->string);
			return false;
		}
		for (o = root->child; o != m; o = o->next) {
			if (!strcmp(o->string, m->string)) {
				*cause = xasprintf("duplicate member '%s'", m->string);
				return false;
			}
		}
	}
	return true;
}

static const char *const request_members[] = {"jsonrpc", "method", "params", "id", NULL};

/* Checks of a request object, in the order errors are reported. */
static int request_check(cJSON *root, struct pmc_rpc_request *req, char **cause)
{
	cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "jsonrpc");
	cJSON *method = cJSON_GetObjectItemCaseSensitive(root, "method");
	cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "params");

	if (!cJSON_IsString(version) || strcmp(version->valuestring, "2.0")) {
		*cause = xstrdup("\"jsonrpc\" must be \"2.0\"");
		return PMC_RPC_INVALID_REQUEST;
	}
	if (!method) {
		*cause = xstrdup("missing method");
		return PMC_RPC_INVALID_REQUEST;
	}
	if (!cJSON_IsString(method)) {
		*cause = xstrdup("method must be a string");
		return PMC_RPC_INVALID_REQUEST;
	}
	if (!*method->valuestring) {
		*cause = xstrdup("method must not be empty");
		return PMC_RPC_INVALID_REQUEST;
	}
	if (!members_check(root, request_members, cause))
		return PMC_RPC_INVALID_REQUEST;
	if (params && cJSON_IsArray(params)) {
		*cause = xstrdup("params must be an object: pmc methods take named params");
		return PMC_RPC_INVALID_PARAMS;
	}
	if (params && !cJSON_IsObject(params)) {
		*cause = xstrdup("params must be an object");
		return PMC_RPC_INVALID_PARAMS;
	}
	req->method = method->valuestring;
	req->params = params;
	return 0;
}

/* Decode one request line strictly; see the header for the error contract. */
int pmc_rpc_request_decode(const char *line, size_t len, struct pmc_rpc_request *req,
			   cJSON **id_out, char **cause)
{
	char *why = NULL;
	cJSON *root, *id = NULL;
	int rc;

	memset(req, 0, sizeof(*req));
	if (id_out)
		*id_out = NULL;
	root = parse_line(line, len, &why);
	if (!root) {
		rc = PMC_RPC_PARSE_ERROR;
		goto out;
	}
	rc = PMC_RPC_INVALID_REQUEST;
	if (cJSON_IsArray(root)) {
		why = xstrdup("batches are not supported");
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		why = xstrdup("request must be a JSON object");
		goto out;
	}
	/* Read the id first so that errors can still be answered to it. */
	id = cJSON_GetObjectItemCaseSensitive(root, "id");
	if (id && !cJSON_IsNumber(id) && !cJSON_IsString(id) && !cJSON_IsNull(id)) {
		why = xstrdup("id must be a number, a string or null");
		id = NULL;
		goto out;
	}
	rc = request_check(root, req, &why);
	if (rc)
		goto out;
	req->root = root;
	req->id = id;
	req->has_id = id != NULL;
	root = NULL;
out:
	if (rc && id_out)
		*id_out = id ? cJSON_Duplicate(id, false) : cJSON_CreateNull();
	if (rc)
		memset(req, 0, sizeof(*req));
	if (cause)
		*cause = why;
	else
		free(why);
	cJSON_Delete(root);
	return rc;
}

/* Free a decoded request; safe on a zeroed or failed one. */
void pmc_rpc_request_free(struct pmc_rpc_request *req)
{
	cJSON_Delete(req->root);
	memset(req, 0, sizeof(*req));
}

/* Print a message tree as one line ending in '\n'. */
static char *print_line(cJSON *msg)
{
	char *text = cJSON_PrintUnformatted(msg);
	size_t n;

	if (!text)
		abort(); /* only on allocation failure */
	/*
	 * cJSON allocates with either the default hooks or xmalloc: both are
	 * malloc underneath, so the buffer can grow in place.
	 */
	n = strlen(text);
	text = xrealloc(text, n + 2);
	text[n] = '\n';
	text[n + 1] = '\0';
	cJSON_Delete(msg);
	return text;
}

/* A new message object with "jsonrpc":"2.0" first. */
static cJSON *message_new(void)
{
	cJSON *msg = cJSON_CreateObject();

	cJSON_AddStringToObject(msg, "jsonrpc", "2.0");
	return msg;
}

/* Attach a caller-owned item without copying it (NULL → null). */
static void add_borrowed(cJSON *msg, const char *name, const cJSON *item)
{
	if (!item)
		cJSON_AddNullToObject(msg, name);
	else
		cJSON_AddItemReferenceToObject(msg, name, (cJSON *)item);
}

/* Encode a request line; params may be NULL. */
char *pmc_rpc_encode_request(long long id, const char *method, const cJSON *params)
{
	cJSON *msg = message_new();

	cJSON_AddNumberToObject(msg, "id", (double)id);
	cJSON_AddStringToObject(msg, "method", method);
	if (params)
		add_borrowed(msg, "params", params);
	return print_line(msg);
}

/* Encode a notification line (no id); params may be NULL. */
char *pmc_rpc_encode_notification(const char *method, const cJSON *params)
{
	cJSON *msg = message_new();

	cJSON_AddStringToObject(msg, "method", method);
	if (params)
		add_borrowed(msg, "params", params);
	return print_line(msg);
}

/* Encode a success response; a NULL result is sent as null. */
char *pmc_rpc_encode_result(const cJSON *id, const cJSON *result)
{
	cJSON *msg = message_new();

	add_borrowed(msg, "id", id);
	add_borrowed(msg, "result", result);
	return print_line(msg);
}

/* Encode an error response; data is omitted when NULL. */
char *pmc_rpc_encode_error(const cJSON *id, int code, const char *message, const cJSON *data)
{
	cJSON *msg = message_new();
	cJSON *err;

	add_borrowed(msg, "id", id);
	err = cJSON_AddObjectToObject(msg, "error");
	cJSON_AddNumberToObject(err, "code", code);
	cJSON_AddStringToObject(err, "message", message ? message : "");
	if (data)
		add_borrowed(err, "data", data);
	return print_line(msg);
}

static const char *const notification_members[] = {"jsonrpc", "method", "params", NULL};
static const char *const response_members[] = {"jsonrpc", "id", "result", "error", NULL};
static const char *const error_members[] = {"code", "message", "data", NULL};

static const char *notification_check(cJSON *root, struct pmc_rpc_response *resp, char **cause)
{
	cJSON *method = cJSON_GetObjectItemCaseSensitive(root, "method");
	cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "params");

	if (cJSON_GetObjectItemCaseSensitive(root, "id"))
		return "requests from the daemon are not supported";
	if (!members_check(root, notification_members, cause))
		return NULL;
	if (!cJSON_IsString(method) || !*method->valuestring)
		return "notification method must be a non-empty string";
	if (params && !cJSON_IsObject(params))
		return "notification params must be an object";
	resp->is_notification = true;
	resp->method = method->valuestring;
	resp->params = params;
	resp->id = -1;
	return "";
}

static const char *error_check(cJSON *err, struct pmc_rpc_response *resp, char **cause)
{
	cJSON *code = cJSON_GetObjectItemCaseSensitive(err, "code");
	cJSON *message = cJSON_GetObjectItemCaseSensitive(err, "message");

	if (!cJSON_IsObject(err))
		return "response error must be an object";
	if (!members_check(err, error_members, cause))
		return NULL;
	if (!code || !number_is_int64(code) || code->valuedouble < INT_MIN ||
	    code->valuedouble > INT_MAX)
		return "response error.code must be an integer";
	if (!cJSON_IsString(message))
		return "response error.message must be a string";
	resp->error_code = (int)code->valuedouble;
	resp->error_message = message->valuestring;
	resp->error_data = cJSON_GetObjectItemCaseSensitive(err, "data");
	return "";
}

/*
 * The checks of a response or notification object: "" when it is well
 * formed, else a static reason, or NULL when *cause was already set.
 */
static const char *response_check(cJSON *root, struct pmc_rpc_response *resp, char **cause)
{
	cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "jsonrpc");
	cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");
	cJSON *result = cJSON_GetObjectItemCaseSensitive(root, "result");
	cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");

	if (!cJSON_IsObject(root))
		return "message must be a JSON object";
	if (!cJSON_IsString(version) || strcmp(version->valuestring, "2.0"))
		return "message \"jsonrpc\" must be \"2.0\"";
	if (cJSON_GetObjectItemCaseSensitive(root, "method"))
		return notification_check(root, resp, cause);
	if (!members_check(root, response_members, cause))
		return NULL;
	if (!id)
		return "response has no id";
	if (!cJSON_IsNull(id) && !number_is_int64(id))
		return "response id must be an integer or null";
	if (!result == !err)
		return result ? "response has both result and error"
			      : "response has neither result nor error";
	resp->id = cJSON_IsNull(id) ? -1 : (long long)id->valuedouble;
	resp->result = result;
	return err ? error_check(err, resp, cause) : "";
}

/* Decode one line from the daemon: a response or a notification. */
int pmc_rpc_response_decode(const char *line, size_t len, struct pmc_rpc_response *resp,
			    char **cause)
{
	char *why = NULL;
	const char *reason;
	cJSON *root;
	int rc = -EBADMSG;

	memset(resp, 0, sizeof(*resp));
	root = parse_line(line, len, &why);
	if (!root)
		goto out;
	reason = response_check(root, resp, &why);
	if (reason && *reason)
		why = xstrdup(reason);
	if (why)
		goto out;
	resp->root = root;
	root = NULL;
	rc = 0;
out:
	if (rc)
		memset(resp, 0, sizeof(*resp));
	if (cause)
		*cause = why;
	else
		free(why);
	cJSON_Delete(root);
	return rc;
}

/* Free a decoded response; safe on a zeroed or failed one. */
void pmc_rpc_response_free(struct pmc_rpc_response *resp)
{
	cJSON_Delete(resp->root);
	memset(resp, 0, sizeof(*resp));
}

/* Route cJSON's allocations through xmalloc so that failure aborts. */
void pmc_rpc_init_json(void)
{
	cJSON_Hooks hooks = {.malloc_fn = xmalloc, .free_fn = free};

	cJSON_InitHooks(&hooks);
}
