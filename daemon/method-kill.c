/* SPDX-License-Identifier: MIT */
/* RPC kill: stop every app gracefully, mark them stopped, answer, then the daemon exits. */
#include "daemon.h"
#include "methods.h"

static void method_kill(struct pmc_daemon *d, struct pmc_call *call, const cJSON *params)
{
	(void)params;
	pmc_daemon_shutdown(d, true);
	pmc_daemon_shutdown_notify(d, call);
}

const struct pmc_method pmc_method_kill = { "kill", method_kill, NULL, 0, 0 };
