/* SPDX-License-Identifier: MIT */
/* Unit tests of the central params check (ipc/params.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jsonrpc.h"
#include "params.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct pmc_param stop_spec[] = {
	{"targets", PMC_PARAM_STRINGS, true},
	{"force", PMC_PARAM_BOOL, false},
};

static const struct pmc_param all_spec[] = {
	{"s", PMC_PARAM_STRING, false},  {"i", PMC_PARAM_INT, false},
	{"b", PMC_PARAM_BOOL, false},    {"a", PMC_PARAM_ARRAY, false},
	{"o", PMC_PARAM_OBJECT, false},  {"ss", PMC_PARAM_STRINGS, false},
	{"target", PMC_PARAM_STRING, true},
};

/* Check the JSON text against spec; expect 0 or -EINVAL with exactly this cause. */
static void check(const char *json, const struct pmc_param *spec, size_t n, const char *want)
{
	cJSON *params = json ? cJSON_Parse(json) : NULL;
	char *cause = (char *)1;
	int rc;

	if (json)
		assert_non_null(params);
	rc = pmc_params_check(params, spec, n, &cause);
	if (!want) {
		if (rc)
			fail_msg("%s: unexpected error '%s'", json, cause);
		assert_null(cause);
	} else {
		assert_int_equal(rc, -EINVAL);
		assert_non_null(cause);
		if (strcmp(cause, want))
			fail_msg("%s: cause '%s', expected '%s'", json, cause, want);
		free(cause);
	}
	/* the same answer without a cause pointer */
	assert_int_equal(pmc_params_check(params, spec, n, NULL), want ? -EINVAL : 0);
	cJSON_Delete(params);
}

static void test_valid(void **state)
{
	(void)state;
	check("{\"targets\":[\"api\",\"web\"]}", stop_spec, N(stop_spec), NULL);
	check("{\"targets\":[],\"force\":false}", stop_spec, N(stop_spec), NULL);
	check("{\"force\":true,\"targets\":[\"all\"]}", stop_spec, N(stop_spec), NULL);
	check("{\"s\":\"x\",\"i\":-5,\"b\":true,\"a\":[1,\"x\",null],\"o\":{},\"ss\":[],"
	      "\"target\":\"api\"}",
	      all_spec, N(all_spec), NULL);
	check("{\"target\":\"\"}", all_spec, N(all_spec), NULL);
}

static void test_absent_params(void **state)
{
	static const struct pmc_param optional[] = {{"force", PMC_PARAM_BOOL, false}};

	(void)state;
	check(NULL, optional, N(optional), NULL);
	check(NULL, NULL, 0, NULL);
	check("{}", NULL, 0, NULL);
	check(NULL, stop_spec, N(stop_spec), "params.targets is required");
	check("{}", stop_spec, N(stop_spec), "params.targets is required");
	check("{\"force\":true}", stop_spec, N(stop_spec), "params.targets is required");
}

static void test_not_an_object(void **state)
{
	(void)state;
	check("[\"api\"]", stop_spec, N(stop_spec), "params must be an object");
	check("\"api\"", stop_spec, N(stop_spec), "params must be an object");
}

static void test_unknown(void **state)
{
	(void)state;
	check("{\"foo\":1}", NULL, 0, "unknown param 'foo'");
	check("{\"targets\":[\"a\"],\"foo\":1}", stop_spec, N(stop_spec), "unknown param 'foo'");
	/* names are case-sensitive */
	check("{\"Targets\":[\"a\"]}", stop_spec, N(stop_spec), "unknown param 'Targets'");
	/* the first offender in the object's order is named */
	check("{\"zz\":1,\"foo\":1}", stop_spec, N(stop_spec), "unknown param 'zz'");
}

static void test_unknown_long_name_is_cut(void **state)
{
	char json[256], want[128];

	(void)state;
	/* 63 ASCII bytes, then a 2-byte 'é' straddling the 64-byte cut: the cut backs off */
	strcpy(json, "{\"");
	memset(json + 2, 'n', 63);
	strcpy(json + 65, "\xc3\xa9more\":1}");
	strcpy(want, "unknown param '");
	memset(want + strlen(want), 'n', 63);
	strcpy(want + strlen("unknown param '") + 63, "'");
	check(json, stop_spec, N(stop_spec), want);
	/* 64 ASCII bytes and more: exactly 64 are quoted */
	memset(json + 2, 'n', 100);
	strcpy(json + 102, "\":1}");
	strcpy(want, "unknown param '");
	memset(want + strlen(want), 'n', 64);
	strcpy(want + strlen("unknown param '") + 64, "'");
	check(json, stop_spec, N(stop_spec), want);
}

static void test_duplicate(void **state)
{
	(void)state;
	check("{\"targets\":[\"a\"],\"targets\":[\"b\"]}", stop_spec, N(stop_spec),
	      "duplicate param 'targets'");
}

static void test_types(void **state)
{
	(void)state;
	check("{\"targets\":\"api\"}", stop_spec, N(stop_spec),
	      "params.targets must be an array of strings");
	check("{\"targets\":[\"api\",3]}", stop_spec, N(stop_spec),
	      "params.targets must be an array of strings");
	check("{\"targets\":[null]}", stop_spec, N(stop_spec),
	      "params.targets must be an array of strings");
	check("{\"targets\":{}}", stop_spec, N(stop_spec),
	      "params.targets must be an array of strings");
	check("{\"targets\":[],\"force\":1}", stop_spec, N(stop_spec),
	      "params.force must be a boolean");
	check("{\"targets\":[],\"force\":\"true\"}", stop_spec, N(stop_spec),
	      "params.force must be a boolean");
	check("{\"target\":1}", all_spec, N(all_spec), "params.target must be a string");
	check("{\"target\":null}", all_spec, N(all_spec), "params.target must be a string");
	check("{\"target\":\"a\",\"a\":{}}", all_spec, N(all_spec), "params.a must be an array");
	check("{\"target\":\"a\",\"o\":[]}", all_spec, N(all_spec), "params.o must be an object");
	check("{\"target\":\"a\",\"o\":null}", all_spec, N(all_spec), "params.o must be an object");
	/* a type error is reported before a missing required param */
	check("{\"s\":true}", all_spec, N(all_spec), "params.s must be a string");
}

static void test_int(void **state)
{
	(void)state;
	check("{\"target\":\"a\",\"i\":0}", all_spec, N(all_spec), NULL);
	check("{\"target\":\"a\",\"i\":-0}", all_spec, N(all_spec), NULL);
	check("{\"target\":\"a\",\"i\":1e3}", all_spec, N(all_spec), NULL);
	check("{\"target\":\"a\",\"i\":2.0}", all_spec, N(all_spec), NULL);
	check("{\"target\":\"a\",\"i\":9007199254740993}", all_spec, N(all_spec), NULL);
	check("{\"target\":\"a\",\"i\":-9223372036854775808}", all_spec, N(all_spec), NULL);
	check("{\"target\":\"a\",\"i\":1.5}", all_spec, N(all_spec), "params.i must be an integer");
	check("{\"target\":\"a\",\"i\":-0.001}", all_spec, N(all_spec),
	      "params.i must be an integer");
	check("{\"target\":\"a\",\"i\":\"3\"}", all_spec, N(all_spec),
	      "params.i must be an integer");
	check("{\"target\":\"a\",\"i\":true}", all_spec, N(all_spec),
	      "params.i must be an integer");
	check("{\"target\":\"a\",\"i\":null}", all_spec, N(all_spec),
	      "params.i must be an integer");
	/* 1e999 parses as infinity */
	check("{\"target\":\"a\",\"i\":1e999}", all_spec, N(all_spec),
	      "params.i must be an integer");
	check("{\"target\":\"a\",\"i\":-1e999}", all_spec, N(all_spec),
	      "params.i must be an integer");
	/* 2^63 and beyond do not fit an int64 */
	check("{\"target\":\"a\",\"i\":9223372036854775808}", all_spec, N(all_spec),
	      "params.i is out of range");
	check("{\"target\":\"a\",\"i\":1e19}", all_spec, N(all_spec), "params.i is out of range");
	check("{\"target\":\"a\",\"i\":-1e19}", all_spec, N(all_spec), "params.i is out of range");
}

/* Numbers no JSON text can hold still come out as "not an integer". */
static void test_int_nan(void **state)
{
	static const struct pmc_param spec[] = {{"n", PMC_PARAM_INT, true}};
	cJSON *params = cJSON_CreateObject();
	char *cause = NULL;
	double zero = 0.0;

	(void)state;
	cJSON_AddNumberToObject(params, "n", zero / zero);
	assert_int_equal(pmc_params_check(params, spec, 1, &cause), -EINVAL);
	assert_string_equal(cause, "params.n must be an integer");
	free(cause);
	cJSON_Delete(params);

	params = cJSON_CreateObject();
	cJSON_AddNumberToObject(params, "n", 1.0 / zero);
	assert_int_equal(pmc_params_check(params, spec, 1, &cause), -EINVAL);
	assert_string_equal(cause, "params.n must be an integer");
	free(cause);
	cJSON_Delete(params);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_absent_params),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_unknown_long_name_is_cut),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_int_nan),
	};

	pmc_rpc_init_json();
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("params", tests, NULL, NULL);
}
