/* SPDX-License-Identifier: MIT */
/*
 * The periodic sampler: every interval one scan of /proc gives each running
 * instance its CPU percent and RSS (process and tree), kept in a short ring;
 * max_memory_restart is enforced here; the Prometheus text is built here.
 */
#ifndef PMC_DAEMON_METRICS_H
#define PMC_DAEMON_METRICS_H

#include <cjson/cJSON.h>
#include <stdint.h>

struct pmc_daemon;
struct pmc_instance;

#define PMC_METRICS_INTERVAL_DEFAULT 1000    /* ms */
#define PMC_METRICS_INTERVAL_MIN     100     /* ms */
#define PMC_METRICS_INTERVAL_MAX     3600000 /* ms */
#define PMC_METRICS_WINDOW_MS        60000   /* describe's "last minute" */
#define PMC_METRICS_PORT_DEFAULT     9615

/* Settings from pmcd.conf (metrics_interval, metrics_listen). */
struct pmc_metrics_conf {
	int64_t interval_ms;
	char *listen; /* "127.0.0.1:9615", or NULL: no endpoint */
};

/* Parse pmcd.conf text (other modules' keys are skipped); 0 or -EINVAL with *cause. */
int pmc_metrics_conf_parse(const char *text, struct pmc_metrics_conf *conf, char **cause);
/* Defaults, then HOME/pmcd.conf when it exists; 0 or -errno with *cause. */
int pmc_metrics_conf_load(const char *path, struct pmc_metrics_conf *conf, char **cause);
void pmc_metrics_conf_free(struct pmc_metrics_conf *conf);

/*
 * Start sampling every interval_ms, and serve /metrics when conf->listen is set
 * (a failure to listen is logged, not fatal). 0 or -errno with *cause.
 */
int pmc_metrics_start(struct pmc_daemon *d, const struct pmc_metrics_conf *conf, char **cause);
/* Stop the timer and the endpoint; memory goes with the close callbacks. */
void pmc_metrics_close(struct pmc_daemon *d);

/* Sampling interval in ms. */
int64_t pmc_metrics_interval(const struct pmc_daemon *d);
/* The address /metrics is served on, or NULL. */
const char *pmc_metrics_listening(const struct pmc_daemon *d);
/*
 * Serve /metrics on addr ("HOST:PORT", "[V6]:PORT" or "PORT" on 127.0.0.1),
 * replacing the current endpoint; NULL stops it. 0 or -errno with *cause.
 */
int pmc_metrics_listen(struct pmc_daemon *d, const char *addr, char **cause);

/* A new run begins (spawn) or the instance goes away: forget its samples. */
void pmc_metrics_instance_reset(struct pmc_instance *inst);
void pmc_metrics_instance_free(struct pmc_instance *inst);

/* monit {cpu, memory, ...} of a list entry, from the latest sample (caller owns). */
cJSON *pmc_metrics_monit_to_json(const struct pmc_instance *inst);
/* [{at, cpu, memory, tree_cpu, tree_memory, processes}] of the last minute, oldest first. */
cJSON *pmc_metrics_history_to_json(const struct pmc_instance *inst);
/* {window_ms, samples, cpu{current,avg,max}, memory{…}, tree_cpu{…}, tree_memory{…}}. */
cJSON *pmc_metrics_summary_to_json(const struct pmc_instance *inst, int64_t now_ms);

/* The Prometheus text exposition of every instance (caller frees), *len its length. */
char *pmc_metrics_exposition(struct pmc_daemon *d, size_t *len);

#endif
