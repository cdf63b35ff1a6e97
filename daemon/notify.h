/* SPDX-License-Identifier: MIT */
/* NOTIFY_SOCKET: the sd_notify datagram socket apps report READY=1 on. */
#ifndef PMC_DAEMON_NOTIFY_H
#define PMC_DAEMON_NOTIFY_H

#include <uv.h>

struct pmc_notify;

/* A READY=1 from the process pid (as the kernel says, via SCM_CREDENTIALS). */
typedef void (*pmc_notify_ready_cb)(int pid, void *data);

/* Bind path (a stale file is replaced) and watch it. 0, or -errno with *cause. */
int pmc_notify_open(uv_loop_t *loop, const char *path, pmc_notify_ready_cb cb, void *data,
		    struct pmc_notify **out, char **cause);
/* Watch a socket already bound at path (pmc update hands it over); never fails. */
struct pmc_notify *pmc_notify_adopt(uv_loop_t *loop, int fd, const char *path,
				    pmc_notify_ready_cb cb, void *data);
/* The socket's fd (borrowed), or -1. */
int pmc_notify_fd(const struct pmc_notify *n);
void pmc_notify_close(struct pmc_notify *n);

#endif
