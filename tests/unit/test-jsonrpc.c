/* SPDX-License-Identifier: MIT */
/* Unit tests of the JSON-RPC 2.0 codec (ipc/jsonrpc.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jsonrpc.h"

/* Decode s, expect error code want with a cause containing why and the given id copy. */
static void expect_request_error(const char *s, size_t len, int want, const char *why,
				 const char *want_id)
{
	struct pmc_rpc_request req;
	cJSON *id = NULL;
	char *cause = NULL;
	char *printed;

	assert_int_equal(pmc_rpc_request_decode(s, len, &req, &id, &cause), want);
	assert_null(req.root);
	assert_null(req.method);
	assert_null(req.params);
	assert_null(req.id);
	assert_false(req.has_id);
	assert_non_null(cause);
	if (!strstr(cause, why))
		fail_msg("cause '%s' does not contain '%s'", cause, why);
	assert_non_null(id);
	printed = cJSON_PrintUnformatted(id);
	assert_string_equal(printed, want_id);
	free(printed);
	cJSON_Delete(id);
	free(cause);
	pmc_rpc_request_free(&req); /* safe on a failed decode */
}

#define EXPECT_REQ_ERR(s, code, why, id) expect_request_error(s, strlen(s), code, why, id)

static void test_parse_errors(void **state)
{
	(void)state;
	EXPECT_REQ_ERR("hello", PMC_RPC_PARSE_ERROR, "invalid JSON", "null");
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"", PMC_RPC_PARSE_ERROR,
		       "invalid JSON", "null");
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pi", PMC_RPC_PARSE_ERROR,
		       "invalid JSON", "null");
	EXPECT_REQ_ERR("", PMC_RPC_PARSE_ERROR, "empty", "null");
	EXPECT_REQ_ERR("   ", PMC_RPC_PARSE_ERROR, "invalid JSON", "null");
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.0\",\"method\":\"ping\"} x", PMC_RPC_PARSE_ERROR,
		       "trailing", "null");
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}{}", PMC_RPC_PARSE_ERROR,
		       "trailing", "null");
	EXPECT_REQ_ERR("{'jsonrpc':'2.0'}", PMC_RPC_PARSE_ERROR, "invalid JSON", "null");
}

static void test_embedded_nul(void **state)
{
	static const char line[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\0junk";
	static const char inside[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pi\0ng\"}";

	(void)state;
	expect_request_error(line, sizeof(line) - 1, PMC_RPC_PARSE_ERROR, "NUL", "null");
	expect_request_error(inside, sizeof(inside) - 1, PMC_RPC_PARSE_ERROR, "NUL", "null");
}

/* The line need not be NUL-terminated: only len bytes are read. */
static void test_length_is_respected(void **state)
{
	static const char two[] = "{\"jsonrpc\":\"2.0\",\"method\":\"a\"}{\"jsonrpc\":\"2.0\"}";
	struct pmc_rpc_request req;
	char *cause = NULL;
	size_t first = strlen("{\"jsonrpc\":\"2.0\",\"method\":\"a\"}");

	(void)state;
	assert_int_equal(pmc_rpc_request_decode(two, first, &req, NULL, &cause), 0);
	assert_null(cause);
	assert_string_equal(req.method, "a");
	pmc_rpc_request_free(&req);
	/* cut in the middle of the value */
	assert_int_equal(pmc_rpc_request_decode(two, first - 1, &req, NULL, &cause),
			 PMC_RPC_PARSE_ERROR);
	free(cause);
}

static void test_not_an_object(void **state)
{
	(void)state;
	EXPECT_REQ_ERR("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]",
		       PMC_RPC_INVALID_REQUEST, "batches are not supported", "null");
	EXPECT_REQ_ERR("[]", PMC_RPC_INVALID_REQUEST, "batches are not supported", "null");
	EXPECT_REQ_ERR("\"ping\"", PMC_RPC_INVALID_REQUEST, "must be a JSON object", "null");
	EXPECT_REQ_ERR("42", PMC_RPC_INVALID_REQUEST, "must be a JSON object", "null");
	EXPECT_REQ_ERR("null", PMC_RPC_INVALID_REQUEST, "must be a JSON object", "null");
	EXPECT_REQ_ERR("true", PMC_RPC_INVALID_REQUEST, "must be a JSON object", "null");
}

static void test_wrong_version(void **state)
{
	(void)state;
	EXPECT_REQ_ERR("{\"jsonrpc\":\"1.0\",\"id\":3,\"method\":\"ping\"}",
		       PMC_RPC_INVALID_REQUEST, "\"jsonrpc\" must be \"2.0\"", "3");
	EXPECT_REQ_ERR("{\"jsonrpc\":2.0,\"id\":3,\"method\":\"ping\"}", PMC_RPC_INVALID_REQUEST,
		       "\"jsonrpc\" must be \"2.0\"", "3");
	EXPECT_REQ_ERR("{\"id\":\"x\",\"method\":\"ping\"}", PMC_RPC_INVALID_REQUEST,
		       "\"jsonrpc\" must be \"2.0\"", "\"x\"");
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.00\",\"id\":3,\"method\":\"ping\"}",
		       PMC_RPC_INVALID_REQUEST, "\"jsonrpc\" must be \"2.0\"", "3");
	EXPECT_REQ_ERR("{\"JSONRPC\":\"2.0\",\"id\":3,\"method\":\"ping\"}",
		       PMC_RPC_INVALID_REQUEST, "\"jsonrpc\" must be \"2.0\"", "3");
}

static void test_bad_method(void **state)
{
	(void)state;
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.0\",\"id\":4}", PMC_RPC_INVALID_REQUEST,
		       "missing method", "4");
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":7}", PMC_RPC_INVALID_REQUEST,
		       "method must be a string", "4");
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":null}", PMC_RPC_INVALID_REQUEST,
		       "method must be a string", "4");
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":[\"ping\"]}",
		       PMC_RPC_INVALID_REQUEST, "method must be a string", "4");
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"\"}", PMC_RPC_INVALID_REQUEST,
		       "method must not be empty", "4");
}

static void test_bad_params(void **state)
{
	(void)state;
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"stop\",\"params\":[\"api\"]}",
		       PMC_RPC_INVALID_PARAMS, "named params", "5");
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"stop\",\"params\":\"api\"}",
		       PMC_RPC_INVALID_PARAMS, "params must be an object", "5");
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"stop\",\"params\":null}",
		       PMC_RPC_INVALID_PARAMS, "params must be an object", "\"s\"");
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"stop\",\"params\":1}",
		       PMC_RPC_INVALID_PARAMS, "params must be an object", "5");
	/* A notification with bad params: no id to answer to. */
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.0\",\"method\":\"stop\",\"params\":[]}",
		       PMC_RPC_INVALID_PARAMS, "params must be an object", "null");
}

static void test_bad_id(void **state)
{
	(void)state;
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}",
		       PMC_RPC_INVALID_REQUEST, "id must be a number, a string or null", "null");
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"ping\"}",
		       PMC_RPC_INVALID_REQUEST, "id must be", "null");
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}",
		       PMC_RPC_INVALID_REQUEST, "id must be", "null");
	/* a bad id wins over other errors: there is nothing to answer to */
	EXPECT_REQ_ERR("{\"jsonrpc\":\"1.0\",\"id\":false}", PMC_RPC_INVALID_REQUEST, "id must be",
		       "null");
}

static void test_unknown_and_duplicate_members(void **state)
{
	(void)state;
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\",\"extra\":1}",
		       PMC_RPC_INVALID_REQUEST, "unknown member 'extra'", "6");
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\",\"result\":1}",
		       PMC_RPC_INVALID_REQUEST, "unknown member 'result'", "6");
	EXPECT_REQ_ERR("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\",\"method\":\"kill\"}",
		       PMC_RPC_INVALID_REQUEST, "duplicate member 'method'", "6");
}

/* Unknown member names are quoted short, never cut inside a UTF-8 sequence. */
static void test_long_member_name_is_cut(void **state)
{
	struct pmc_rpc_request req;
	char line[512], name[200];
	char *cause = NULL;

	(void)state;
	/* 63 ASCII bytes then 'é' (2 bytes) straddling the 64-byte cut */
	memset(name, 'k', 63);
	strcpy(name + 63, "\xc3\xa9tail-that-goes-on");
	snprintf(line, sizeof(line), "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"%s\":1}", name);
	assert_int_equal(pmc_rpc_request_decode(line, strlen(line), &req, NULL, &cause),
			 PMC_RPC_INVALID_REQUEST);
	assert_int_equal(strlen(cause), strlen("unknown member ''") + 63);
	free(cause);
}

static void test_valid_request(void **state)
{
	static const char line[] =
		" {\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"stop\","
		"\"params\":{\"targets\":[\"api\"]}}\r";
	struct pmc_rpc_request req;
	cJSON *id = (cJSON *)1, *targets;
	char *cause = (char *)1;

	(void)state;
	assert_int_equal(pmc_rpc_request_decode(line, strlen(line), &req, &id, &cause), 0);
	assert_null(id);
	assert_null(cause);
	assert_non_null(req.root);
	assert_string_equal(req.method, "stop");
	assert_true(req.has_id);
	assert_true(cJSON_IsNumber(req.id));
	assert_int_equal(req.id->valueint, 12);
	assert_true(cJSON_IsObject(req.params));
	targets = cJSON_GetObjectItemCaseSensitive(req.params, "targets");
	assert_true(cJSON_IsArray(targets));
	assert_string_equal(cJSON_GetArrayItem(targets, 0)->valuestring, "api");
	pmc_rpc_request_free(&req);
	assert_null(req.root);
	pmc_rpc_request_free(&req); /* idempotent */
}

static void test_ids_and_notifications(void **state)
{
	struct pmc_rpc_request req;
	char *cause = NULL;
	const char *s;

	(void)state;
	s = "{\"method\":\"ping\",\"jsonrpc\":\"2.0\"}";
	assert_int_equal(pmc_rpc_request_decode(s, strlen(s), &req, NULL, &cause), 0);
	assert_false(req.has_id);
	assert_null(req.id);
	assert_null(req.params);
	pmc_rpc_request_free(&req);

	s = "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\",\"params\":{}}";
	assert_int_equal(pmc_rpc_request_decode(s, strlen(s), &req, NULL, &cause), 0);
	assert_true(req.has_id);
	assert_true(cJSON_IsNull(req.id));
	assert_true(cJSON_IsObject(req.params));
	pmc_rpc_request_free(&req);

	s = "{\"jsonrpc\":\"2.0\",\"id\":\"req-\\u00e9\",\"method\":\"ping\"}";
	assert_int_equal(pmc_rpc_request_decode(s, strlen(s), &req, NULL, &cause), 0);
	assert_true(cJSON_IsString(req.id));
	assert_string_equal(req.id->valuestring, "req-\xc3\xa9");
	pmc_rpc_request_free(&req);

	s = "{\"jsonrpc\":\"2.0\",\"id\":-1.5e3,\"method\":\"ping\"}";
	assert_int_equal(pmc_rpc_request_decode(s, strlen(s), &req, NULL, &cause), 0);
	assert_true(req.id->valuedouble == -1500.0);
	pmc_rpc_request_free(&req);
}

/* NULL id_out and cause are allowed on every path. */
static void test_null_out_params(void **state)
{
	struct pmc_rpc_request req;
	const char *s = "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}";

	(void)state;
	assert_int_equal(pmc_rpc_request_decode(s, strlen(s), &req, NULL, NULL),
			 PMC_RPC_INVALID_REQUEST);
	assert_int_equal(pmc_rpc_request_decode("x", 1, &req, NULL, NULL), PMC_RPC_PARSE_ERROR);
}

/* An encoded line: exactly one '\n', at the end. */
static void assert_one_line(const char *s)
{
	size_t n = strlen(s);

	assert_true(n > 1);
	assert_int_equal(s[n - 1], '\n');
	assert_ptr_equal(strchr(s, '\n'), s + n - 1);
	assert_null(strchr(s, '\r'));
}

static void test_encode_request(void **state)
{
	cJSON *params = cJSON_Parse("{\"targets\":[\"api\",\"web\"],\"force\":true}");
	char *s;

	(void)state;
	s = pmc_rpc_encode_request(5, "ping", NULL);
	assert_string_equal(s, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}\n");
	free(s);
	s = pmc_rpc_encode_request(6, "stop", params);
	assert_string_equal(s, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"stop\",\"params\":"
			       "{\"targets\":[\"api\",\"web\"],\"force\":true}}\n");
	free(s);
	/* the caller still owns params, intact */
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(params, "force")));
	assert_null(params->string);
	cJSON_Delete(params);
}

static void test_encode_notification(void **state)
{
	cJSON *params = cJSON_CreateObject();
	char *s;

	(void)state;
	cJSON_AddStringToObject(params, "line", "a\nb\r\x01\"\\");
	s = pmc_rpc_encode_notification("log", params);
	assert_one_line(s);
	assert_string_equal(s, "{\"jsonrpc\":\"2.0\",\"method\":\"log\",\"params\":"
			       "{\"line\":\"a\\nb\\r\\u0001\\\"\\\\\"}}\n");
	free(s);
	s = pmc_rpc_encode_notification("tick", NULL);
	assert_string_equal(s, "{\"jsonrpc\":\"2.0\",\"method\":\"tick\"}\n");
	free(s);
	cJSON_Delete(params);
}

static void test_encode_result(void **state)
{
	cJSON *id = cJSON_CreateNumber(9);
	cJSON *sid = cJSON_CreateString("x\ny");
	cJSON *result = cJSON_Parse("{\"version\":\"0.1.0\",\"protocol\":1}");
	char *s;

	(void)state;
	s = pmc_rpc_encode_result(id, result);
	assert_string_equal(s, "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":"
			       "{\"version\":\"0.1.0\",\"protocol\":1}}\n");
	free(s);
	s = pmc_rpc_encode_result(sid, NULL);
	assert_string_equal(s, "{\"jsonrpc\":\"2.0\",\"id\":\"x\\ny\",\"result\":null}\n");
	assert_one_line(s);
	free(s);
	s = pmc_rpc_encode_result(NULL, result);
	assert_string_equal(s, "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":"
			       "{\"version\":\"0.1.0\",\"protocol\":1}}\n");
	free(s);
	/* id and result are still the caller's, unchanged */
	assert_int_equal(id->valueint, 9);
	assert_string_equal(sid->valuestring, "x\ny");
	cJSON_Delete(id);
	cJSON_Delete(sid);
	cJSON_Delete(result);
}

static void test_encode_error(void **state)
{
	cJSON *id = cJSON_CreateNumber(3);
	cJSON *data = cJSON_Parse("{\"target\":\"apii\",\"suggestion\":\"api\"}");
	char *s;

	(void)state;
	s = pmc_rpc_encode_error(id, PMC_RPC_NOT_FOUND, "no app named 'apii'", data);
	assert_string_equal(s, "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32001,"
			       "\"message\":\"no app named 'apii'\",\"data\":{\"target\":\"apii\","
			       "\"suggestion\":\"api\"}}}\n");
	free(s);
	s = pmc_rpc_encode_error(NULL, PMC_RPC_INVALID_REQUEST,
				 "request too large (limit 1048576 bytes)", NULL);
	assert_string_equal(s, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,"
			       "\"message\":\"request too large (limit 1048576 bytes)\"}}\n");
	free(s);
	cJSON_Delete(id);
	cJSON_Delete(data);
}

static void test_roundtrip_request(void **state)
{
	cJSON *params = cJSON_Parse("{\"name\":\"\\u65e5\\u672c\",\"n\":-3,\"deep\":[[[{}]]]}");
	struct pmc_rpc_request req;
	char *s, *again, *cause = NULL;

	(void)state;
	s = pmc_rpc_encode_request(77, "describe", params);
	assert_int_equal(pmc_rpc_request_decode(s, strlen(s), &req, NULL, &cause), 0);
	assert_string_equal(req.method, "describe");
	assert_int_equal(req.id->valueint, 77);
	assert_true(cJSON_Compare(req.params, params, true));
	again = pmc_rpc_encode_request(77, req.method, req.params);
	assert_string_equal(again, s);
	free(again);
	free(s);
	pmc_rpc_request_free(&req);
	cJSON_Delete(params);
}

static void test_roundtrip_response(void **state)
{
	cJSON *id = cJSON_CreateNumber(41);
	cJSON *result = cJSON_Parse("[{\"pm_id\":0}]");
	cJSON *data = cJSON_Parse("{\"target\":\"x\",\"suggestion\":null}");
	cJSON *params = cJSON_Parse("{\"line\":\"hello\"}");
	struct pmc_rpc_response resp;
	char *s, *cause = NULL;

	(void)state;
	s = pmc_rpc_encode_result(id, result);
	assert_int_equal(pmc_rpc_response_decode(s, strlen(s), &resp, &cause), 0);
	assert_false(resp.is_notification);
	assert_int_equal(resp.id, 41);
	assert_int_equal(resp.error_code, 0);
	assert_null(resp.error_message);
	assert_true(cJSON_Compare(resp.result, result, true));
	pmc_rpc_response_free(&resp);
	free(s);

	s = pmc_rpc_encode_error(id, PMC_RPC_NOT_FOUND, "no app named 'x'", data);
	assert_int_equal(pmc_rpc_response_decode(s, strlen(s), &resp, &cause), 0);
	assert_int_equal(resp.id, 41);
	assert_null(resp.result);
	assert_int_equal(resp.error_code, PMC_RPC_NOT_FOUND);
	assert_string_equal(resp.error_message, "no app named 'x'");
	assert_true(cJSON_Compare(resp.error_data, data, true));
	pmc_rpc_response_free(&resp);
	free(s);

	s = pmc_rpc_encode_error(NULL, PMC_RPC_PARSE_ERROR, "invalid JSON", NULL);
	assert_int_equal(pmc_rpc_response_decode(s, strlen(s), &resp, &cause), 0);
	assert_int_equal(resp.id, -1);
	assert_int_equal(resp.error_code, PMC_RPC_PARSE_ERROR);
	assert_null(resp.error_data);
	pmc_rpc_response_free(&resp);
	free(s);

	s = pmc_rpc_encode_notification("log", params);
	assert_int_equal(pmc_rpc_response_decode(s, strlen(s), &resp, &cause), 0);
	assert_true(resp.is_notification);
	assert_string_equal(resp.method, "log");
	assert_true(cJSON_Compare(resp.params, params, true));
	assert_null(resp.result);
	assert_int_equal(resp.error_code, 0);
	pmc_rpc_response_free(&resp);
	free(s);

	cJSON_Delete(id);
	cJSON_Delete(result);
	cJSON_Delete(data);
	cJSON_Delete(params);
}

static void test_response_null_result(void **state)
{
	struct pmc_rpc_response resp;
	const char *s = "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":null}\r";
	char *cause = NULL;

	(void)state;
	assert_int_equal(pmc_rpc_response_decode(s, strlen(s), &resp, &cause), 0);
	assert_null(cause);
	assert_non_null(resp.result);
	assert_true(cJSON_IsNull(resp.result));
	assert_int_equal(resp.id, 2);
	pmc_rpc_response_free(&resp);
	pmc_rpc_response_free(&resp);

	s = "{\"jsonrpc\":\"2.0\",\"method\":\"tick\"}";
	assert_int_equal(pmc_rpc_response_decode(s, strlen(s), &resp, &cause), 0);
	assert_true(resp.is_notification);
	assert_null(resp.params);
	pmc_rpc_response_free(&resp);
}

static void expect_response_error(const char *s, size_t len, const char *why)
{
	struct pmc_rpc_response resp;
	char *cause = NULL;

	assert_int_equal(pmc_rpc_response_decode(s, len, &resp, &cause), -EBADMSG);
	assert_null(resp.root);
	assert_null(resp.result);
	assert_false(resp.is_notification);
	assert_non_null(cause);
	if (!strstr(cause, why))
		fail_msg("cause '%s' does not contain '%s' (for %s)", cause, why, s);
	free(cause);
	assert_int_equal(pmc_rpc_response_decode(s, len, &resp, NULL), -EBADMSG);
	pmc_rpc_response_free(&resp);
}

#define EXPECT_RESP_ERR(s, why) expect_response_error(s, strlen(s), why)

static void test_malformed_responses(void **state)
{
	static const char nul[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"a\0\"}";

	(void)state;
	EXPECT_RESP_ERR("", "empty");
	EXPECT_RESP_ERR("not json", "invalid JSON");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":", "invalid JSON");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1} 2", "trailing");
	expect_response_error(nul, sizeof(nul) - 1, "NUL");
	EXPECT_RESP_ERR("[]", "must be a JSON object");
	EXPECT_RESP_ERR("{\"id\":1,\"result\":1}", "\"jsonrpc\" must be \"2.0\"");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":1}", "\"jsonrpc\" must be");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"result\":1}", "no id");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":1}",
			"id must be an integer or null");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"result\":1}",
			"id must be an integer or null");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"id\":1e300,\"result\":1}",
			"id must be an integer or null");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"id\":1}", "neither result nor error");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"error\":{\"code\":1,"
			"\"message\":\"m\"}}",
			"both result and error");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"boom\"}",
			"error must be an object");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"message\":\"m\"}}",
			"error.code must be an integer");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":\"x\","
			"\"message\":\"m\"}}",
			"error.code must be an integer");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1.25,"
			"\"message\":\"m\"}}",
			"error.code must be an integer");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":4294967296,"
			"\"message\":\"m\"}}",
			"error.code must be an integer");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000}}",
			"error.message must be a string");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,\"message\":"
			"\"m\",\"extra\":1}}",
			"unknown member 'extra'");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"extra\":2}",
			"unknown member 'extra'");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"result\":2}",
			"duplicate member 'result'");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}",
			"requests from the daemon are not supported");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"method\":\"\"}", "non-empty string");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"method\":3}", "non-empty string");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"method\":\"log\",\"params\":[1]}",
			"params must be an object");
	EXPECT_RESP_ERR("{\"jsonrpc\":\"2.0\",\"method\":\"log\",\"result\":1}",
			"unknown member 'result'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_length_is_respected),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_wrong_version),
		cmocka_unit_test(test_bad_method),
		cmocka_unit_test(test_bad_params),
		cmocka_unit_test(test_bad_id),
		cmocka_unit_test(test_unknown_and_duplicate_members),
		cmocka_unit_test(test_long_member_name_is_cut),
		cmocka_unit_test(test_valid_request),
		cmocka_unit_test(test_ids_and_notifications),
		cmocka_unit_test(test_null_out_params),
		cmocka_unit_test(test_encode_request),
		cmocka_unit_test(test_encode_notification),
		cmocka_unit_test(test_encode_result),
		cmocka_unit_test(test_encode_error),
		cmocka_unit_test(test_roundtrip_request),
		cmocka_unit_test(test_roundtrip_response),
		cmocka_unit_test(test_response_null_result),
		cmocka_unit_test(test_malformed_responses),
	};

	pmc_rpc_init_json();
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("jsonrpc", tests, NULL, NULL);
}
