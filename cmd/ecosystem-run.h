/* SPDX-License-Identifier: MIT */
/* The verbs on an ecosystem file: start, restart, reload, stop, delete and startOr*. */
#ifndef PMC_CMD_ECOSYSTEM_RUN_H
#define PMC_CMD_ECOSYSTEM_RUN_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "cli.h"

/* "reload.progress" notifications and the apps of a reload result, as pmc reload prints them. */
void pmc_cli_reload_progress(const struct pmc_rpc_response *note, void *data);
void pmc_cli_reload_print_apps(const cJSON *apps);

/* True when the positionals are one ecosystem file (by its name). */
bool pmc_eco_args_file(const struct pmc_args *args);

/*
 * The check hook of the verbs that take a file: --only and a --env profile
 * need one, a file must be the only target. 0 or -EINVAL with *cause.
 */
int pmc_eco_check_args(const struct pmc_args *args, char **cause);

/* pmc_eco_check_args() for the verbs that take nothing but a file (startOr*). */
int pmc_eco_check_file_args(const struct pmc_args *args, char **cause);

/*
 * Run verb on the apps of the file in args->pos[0]: "start", "restart" and
 * "startOrRestart" start the apps pmc does not know and restart the others;
 * "reload" and "startOrReload" reload those; "stop" and "delete" act on the
 * known ones. Nothing happens when the file, or any app in it, has an error.
 * Returns an exit status.
 */
int pmc_eco_run(struct pmc_cli *cli, const struct pmc_args *args, const char *verb);

/* The flags every file verb takes (--only, --env), and restart/reload's (plus --update-env). */
extern const struct pmc_flag pmc_eco_flags[];
extern const struct pmc_flag pmc_eco_update_flags[];

#endif
