/* SPDX-License-Identifier: MIT */
/* One supervised instance: the supervisor's callbacks wired to processes, timers and the store. */
#ifndef PMC_DAEMON_INSTANCE_H
#define PMC_DAEMON_INSTANCE_H

#include "registry.h"

/* Sockets and the IPC channel one instance may be given (fds 3..). */
#define PMC_INSTANCE_MAX_FDS 32

/* A new instance of app with the given id and index, status stopped (caller links it). */
struct pmc_instance *pmc_instance_new(struct pmc_daemon *d, struct pmc_app *app, int pm_id,
				      int index);
/* Release an instance that has no process: closes its timer, frees it in the close callback. */
void pmc_instance_free(struct pmc_instance *inst);

/* Feed the supervisor an event (see pmc_sup_handle). */
int pmc_instance_handle(struct pmc_instance *inst, enum pmc_sup_event ev);

/* Write the instance row to the store; failures are logged, not fatal. */
void pmc_instance_persist(struct pmc_instance *inst);

/* True when the instance is in a state a waiting RPC may end on. */
bool pmc_instance_settled(const struct pmc_instance *inst);
/* True when no process runs and none is being started. */
bool pmc_instance_stopped(const struct pmc_instance *inst);

/* READY=1 arrived on NOTIFY_SOCKET from pid. */
void pmc_instance_notify_ready(struct pmc_daemon *d, int pid);

/* A running process an earlier image of this daemon handed over (pmc update). */
struct pmc_instance_handoff {
	int pid;
	uint64_t pid_start;
	int64_t started_at;
	int out_fd, err_fd, channel_fd; /* -1: none */
	bool launching;                 /* not ready yet: listen_timeout starts again */
	bool ready_by_timeout;
};
/* Take it over as this instance's running process (fds taken). 0 or -errno with *cause. */
int pmc_instance_adopt(struct pmc_instance *inst, const struct pmc_instance_handoff *h,
		       char **cause);

#endif
