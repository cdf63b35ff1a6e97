/* SPDX-License-Identifier: MIT */
/* Central checks of JSON-RPC params against a method's declared names and types. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strnlen */
#endif
#include "params.h"
#include "jsonrpc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* 2^63: the first double past the int64 range. */
#define TWO_POW_63 9223372036854775808.0

static bool is_string(const cJSON *v)
{
	return cJSON_IsString(v);
}

/* A JSON number with no fraction; the range is checked apart. */
static bool is_int(const cJSON *v)
{
	return cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
	       v->valuedouble == trunc(v->valuedouble);
}

static bool is_bool(const cJSON *v)
{
	return cJSON_IsBool(v);
}

static bool is_array(const cJSON *v)
{
	return cJSON_IsArray(v);
}

static bool is_object(const cJSON *v)
{
	return cJSON_IsObject(v);
}

static bool is_strings(const cJSON *v)
{
	const cJSON *item;

	if (!cJSON_IsArray(v))
		return false;
	cJSON_ArrayForEach(item, v)
		if (!cJSON_IsString(item))
			return false;
	return true;
}

static const struct {
	bool (*ok)(const cJSON *v);
	const char *what;
} param_types[] = {
	[PMC_PARAM_STRING] = {is_string, "a string"},
	[PMC_PARAM_INT] = {is_int, "an integer"},
	[PMC_PARAM_BOOL] = {is_bool, "a boolean"},
	[PMC_PARAM_ARRAY] = {is_array, "an array"},
	[PMC_PARAM_OBJECT] = {is_object, "an object"},
	[PMC_PARAM_STRINGS] = {is_strings, "an array of strings"},
};

static const struct pmc_param *spec_find(const struct pmc_param *spec, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(spec[i].name, name))
			return &spec[i];
	return NULL;
}

/* One present member: declared, not repeated, of its declared type. */
static char *member_check(const cJSON *params, const cJSON *m, const struct pmc_param *spec,
			  size_t n)
{
	const struct pmc_param *p = spec_find(spec, n, m->string);
	const cJSON *o;

	if (!p)
		return xasprintf("unknown param '%.*s'", pmc_rpc_quote_len(m->string), m->string);
	for (o = params->child; o != m; o = o->next)
		if (!strcmp(o->string, m->string))
			return xasprintf("duplicate param '%s'", p->name);
	if ((size_t)p->type >= sizeof(param_types) / sizeof(param_types[0]) ||
	    !param_types[p->type].ok)
		return xasprintf("params.%s has an unknown declared type", p->name);
	if (!param_types[p->type].ok(m))
		return xasprintf("params.%s must be %s", p->name, param_types[p->type].what);
	if (p->type == PMC_PARAM_INT &&
	    (m->valuedouble < -TWO_POW_63 || m->valuedouble >= TWO_POW_63))
		return xasprintf("params.%s is out of range", p->name);
	return NULL;
}

/* Check params against spec; see the header. Errors name the first offender. */
int pmc_params_check(const cJSON *params, const struct pmc_param *spec, size_t n, char **cause)
{
	const cJSON *m;
	char *why = NULL;
	int rc = -EINVAL;

	if (params && !cJSON_IsObject(params)) {
		why = xstrdup("params must be an object");
		goto out;
	}
	if (params) {
		cJSON_ArrayForEach(m, params)
		{
			why = member_check(params, m, spec, n);
			if (why)
				goto out;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (spec[i].required &&
		    !cJSON_GetObjectItemCaseSensitive(params, spec[i].name)) {
			why = xasprintf("params.%s is required", spec[i].name);
			goto out;
		}
	}
	rc = 0;
out:
	if (cause)
		*cause = why;
	else
		free(why);
	return rc;
}
