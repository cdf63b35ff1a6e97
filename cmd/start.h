/* SPDX-License-Identifier: MIT */
/* What `pmc start` builds from its flags, shared with ecosystem files. */
#ifndef PMC_CMD_START_H
#define PMC_CMD_START_H

#include <cjson/cJSON.h>

#include "args.h"

/*
 * The definition fields the start flags set (all but script, name and cwd):
 * only those given, with PM2 names. Caller deletes.
 */
cJSON *pmc_cmd_start_overrides(const struct pmc_args *args);
/* This process's environment as an object (env_inherit). Caller deletes. */
cJSON *pmc_cmd_start_environ(void);

#endif
