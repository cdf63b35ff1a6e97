/* SPDX-License-Identifier: MIT */
/*
 * RPC monit {"interval"?: ms (100..60000, default 1000)}: a live listing for
 * dashboards. Answers {"interval": ms, "processes": [list entries]} and then,
 * every interval until the client hangs up, sends the notification "monit"
 * {"processes": [list entries], "at": ms since the epoch} on the same
 * connection. The entries are those of `list` (PM2's jlist shape). A client
 * that has not read 4 MiB misses ticks (each one holds the whole state, so
 * nothing is lost but freshness), and is dropped after 30 s of that.
 */
#include <stdlib.h>

#include "clock.h"
#include "daemon.h"
#include "jsonrpc.h"
#include "log.h"
#include "methods.h"
#include "xmalloc.h"

#define DEFAULT_INTERVAL 1000
#define MIN_INTERVAL     100
#define MAX_INTERVAL     60000
#define PENDING_LIMIT    (4u << 20)
#define BEHIND_GRACE     30000

struct monit_sub {
	struct pmc_daemon *d;
	struct pmc_call *call; /* NULL once the stream ended */
	uv_timer_t timer;
	uint64_t behind_since; /* loop ms it went over PENDING_LIMIT, 0 when under */
};

static const struct pmc_param params[] = {
    {"interval", PMC_PARAM_INT, false},
};

static cJSON *processes(struct pmc_daemon *d)
{
	cJSON *arr = cJSON_CreateArray();

	for (struct pmc_instance *inst = d->registry.instances; inst; inst = inst->next)
		cJSON_AddItemToArray(arr, pmc_instance_to_json(inst));
	return arr;
}

static void on_timer_closed(uv_handle_t *handle)
{
	free(handle->data);
}

static void sub_end(struct monit_sub *sub)
{
	sub->call = NULL;
	uv_close((uv_handle_t *)&sub->timer, on_timer_closed);
}

static void on_tick(uv_timer_t *timer)
{
	struct monit_sub *sub = timer->data;
	uint64_t now = uv_now(timer->loop);
	cJSON *note;

	if (!sub->call)
		return;
	if (pmc_call_pending(sub->call) > PENDING_LIMIT) {
		if (!sub->behind_since) {
			sub->behind_since = now;
		} else if (now - sub->behind_since >= BEHIND_GRACE) {
			pmc_log_warn(
			    "dropping a monit client that has not read %zu bytes for %d ms",
			    pmc_call_pending(sub->call), BEHIND_GRACE);
			pmc_call_end(sub->call, true);
			sub_end(sub);
		}
		return;
	}
	sub->behind_since = 0;
	note = cJSON_CreateObject();
	cJSON_AddItemToObject(note, "processes", processes(sub->d));
	cJSON_AddNumberToObject(note, "at", (double)pmc_clock_wall_ms());
	pmc_call_notify(sub->call, "monit", note);
	cJSON_Delete(note);
}

static void sub_closed(struct pmc_call *call, void *data)
{
	struct monit_sub *sub = data;

	(void)call;
	if (sub->call)
		sub_end(sub);
}

static void method_monit(struct pmc_daemon *d, struct pmc_call *call, const cJSON *p)
{
	const cJSON *iv = cJSON_GetObjectItemCaseSensitive(p, "interval");
	int64_t interval = iv ? (int64_t)iv->valuedouble : DEFAULT_INTERVAL;
	struct monit_sub *sub;
	cJSON *result;

	if (interval < MIN_INTERVAL || interval > MAX_INTERVAL) {
		pmc_call_error(call, PMC_RPC_INVALID_PARAMS,
		               "params.interval must be between 100 and 60000 (ms)", NULL);
		return;
	}
	result = cJSON_CreateObject();
	cJSON_AddNumberToObject(result, "interval", (double)interval);
	cJSON_AddItemToObject(result, "processes", processes(d));
	sub = xcalloc(1, sizeof *sub);
	sub->d = d;
	sub->call = call;
	uv_timer_init(d->loop, &sub->timer);
	sub->timer.data = sub;
	uv_timer_start(&sub->timer, on_tick, (uint64_t)interval, (uint64_t)interval);
	/* A connection already gone runs sub_closed at once. */
	pmc_call_reply_stream(call, result, sub_closed, sub);
}

const struct pmc_method pmc_method_monit = {"monit", method_monit, params, 1, 0};
