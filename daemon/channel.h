/* SPDX-License-Identifier: MIT */
/*
 * The Node IPC channel to one instance: an AF_UNIX stream socketpair whose child
 * end becomes NODE_CHANNEL_FD. JSON lines both ways; listening sockets travel as
 * SCM_RIGHTS with Node's NODE_HANDLE message.
 */
#ifndef PMC_DAEMON_CHANNEL_H
#define PMC_DAEMON_CHANNEL_H

#include <cjson/cJSON.h>
#include <uv.h>

struct pmc_channel;

/* One decoded message from the app (borrowed for the call). */
typedef void (*pmc_channel_message_cb)(struct pmc_channel *ch, const cJSON *msg, void *data);

/*
 * Create the pair. *child_fd is the end to pass to the child (close it in the
 * daemon after spawning). 0, or -errno.
 */
int pmc_channel_open(uv_loop_t *loop, pmc_channel_message_cb cb, void *data,
		     struct pmc_channel **out, int *child_fd);
/* Take over the daemon's end of a pair an earlier image of this daemon made. 0 or -errno. */
int pmc_channel_adopt(uv_loop_t *loop, int fd, pmc_channel_message_cb cb, void *data,
		      struct pmc_channel **out);
/* The daemon's end (borrowed), or -1. */
int pmc_channel_fd(const struct pmc_channel *ch);
/* Send one JSON message; with fd >= 0 it travels as SCM_RIGHTS. 0 or -errno. */
int pmc_channel_send(struct pmc_channel *ch, const cJSON *msg, int fd);
/* Close; memory is freed in the close callback. No callback after this. */
void pmc_channel_close(struct pmc_channel *ch);

#endif
