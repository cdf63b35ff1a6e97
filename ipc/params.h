/* SPDX-License-Identifier: MIT */
/* Central checks of JSON-RPC params against a method's declared shape. */
#ifndef PMC_IPC_PARAMS_H
#define PMC_IPC_PARAMS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

enum pmc_param_type {
	PMC_PARAM_STRING,
	PMC_PARAM_INT,    /* a JSON number with no fraction, in int64 range */
	PMC_PARAM_BOOL,
	PMC_PARAM_ARRAY,
	PMC_PARAM_OBJECT,
	PMC_PARAM_STRINGS, /* array whose items are all strings */
};

struct pmc_param {
	const char *name;
	enum pmc_param_type type;
	bool required;
};

/*
 * Check params (an object, or NULL for none) against spec: every required name
 * present, every present name of the declared type, no undeclared names.
 * Returns 0, or -EINVAL with *cause set (caller frees), e.g.
 * "params.targets must be an array of strings".
 */
int pmc_params_check(const cJSON *params, const struct pmc_param *spec, size_t n, char **cause);

#endif
