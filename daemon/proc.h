/* SPDX-License-Identifier: MIT */
/*
 * One spawned process: its own session and process group, stdout/stderr pipes
 * handed to the log pipeline (logs.h), and a graceful group stop (signal, then
 * SIGKILL).
 */
#ifndef PMC_DAEMON_PROC_H
#define PMC_DAEMON_PROC_H

#include <stdint.h>
#include <uv.h>

#include "supervisor.h"

struct pmc_proc;
struct pmc_log_spec;

struct pmc_proc_spec {
	char *const *argv;    /* argv[0] looked up in PATH of envp when it has no '/' */
	char *const *envp;
	const char *cwd;
	const char *out_path; /* NULL: stdout discarded */
	const char *err_path; /* NULL: stderr discarded */
	const int *extra_fds; /* given to the child as fds 3, 4, … (listen sockets, IPC) */
	size_t n_extra_fds;
	const struct pmc_log_spec *log; /* formats, combined file, rotation; NULL: raw */
};

/* Called once, after the leader was reaped, no member of its group is left, and
 * what the group wrote is in the log files (unless its pipes stay open past a
 * one-second grace, held by a process that left the group). */
typedef void (*pmc_proc_exit_cb)(struct pmc_proc *proc, const struct pmc_sup_exit *exit,
				 void *data);

/*
 * Spawn. Returns 0 and *out, or -errno with *cause set (caller frees) when the
 * process could not be started (exec failure is reported here, synchronously).
 */
int pmc_proc_spawn(uv_loop_t *loop, const struct pmc_proc_spec *spec, pmc_proc_exit_cb cb,
		   void *data, struct pmc_proc **out, char **cause);

/*
 * Take over a child an earlier image of this daemon spawned (pmc update: the
 * pid and its parent are unchanged) with the read ends of its output pipes
 * (taken over; -1: none). spec gives only out_path, err_path and log. The exit
 * status is the real one: it is still our child.
 */
int pmc_proc_adopt(uv_loop_t *loop, int pid, int out_fd, int err_fd,
		   const struct pmc_proc_spec *spec, pmc_proc_exit_cb cb, void *data,
		   struct pmc_proc **out, char **cause);
/* Stop (hold) or resume reading the output for a handoff; held: every byte read is written. */
void pmc_proc_hold(struct pmc_proc *proc, bool hold);
bool pmc_proc_held(const struct pmc_proc *proc);
/* The read ends of the output pipes (borrowed; -1 when ended). */
void pmc_proc_fds(const struct pmc_proc *proc, int *out_fd, int *err_fd);
/* Being stopped or its exit being handled: not a process to hand over. */
bool pmc_proc_busy(const struct pmc_proc *proc);

int pmc_proc_pid(const struct pmc_proc *proc);
/* starttime field of /proc/<pid>/stat (clock ticks after boot), 0 if unknown. */
uint64_t pmc_proc_start_ticks(int pid);

/*
 * Stop gracefully: send signal to the whole process group; if any member is
 * left after kill_timeout_ms, SIGKILL the group. Idempotent. exit_cb follows.
 */
void pmc_proc_stop(struct pmc_proc *proc, int signal, int64_t kill_timeout_ms);

/*
 * The owner lets go (after exit_cb, or to abandon it at shutdown). Handles
 * close; what the pipes hold now is still written (bounded), then they close.
 */
void pmc_proc_release(struct pmc_proc *proc);

/* Reap dead descendants that left their process group (call on SIGCHLD). */
void pmc_proc_reap_strays(void);

/* Signal name ("SIGINT", "INT", "2") to number; -EINVAL when unknown. */
int pmc_signal_parse(const char *name);
/* "SIGINT" for 2; "SIG?" when unknown. */
const char *pmc_signal_name(int signal);

#endif
