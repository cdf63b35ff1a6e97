/* SPDX-License-Identifier: MIT */
/* The periodic sampler, max_memory_restart, and the Prometheus exposition. */
#include "metrics.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "daemon.h"
#include "duration.h"
#include "httpd.h"
#include "instance.h"
#include "log.h"
#include "procstat.h"
#include "xmalloc.h"

/* Samples above the limit in a row before a memory restart (one interval of grace). */
#define OVER_LIMIT_SAMPLES 2
/* The ring keeps a little more than the window, at most this many samples. */
#define RING_MAX 600

struct pmc_metrics {
	struct pmc_daemon *daemon;
	uv_timer_t timer;
	int64_t interval_ms;
	long hz;
	struct pmc_proctable *table;
	int *roots;
	size_t roots_cap;
	struct pmc_httpd *httpd;
};

/* ---- pmcd.conf ---------------------------------------------------------- */

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int conf_set(struct pmc_metrics_conf *conf, const char *key, const char *value, char **why)
{
	int64_t ms;

	if (strcmp(key, "metrics_interval") == 0) {
		if (pmc_duration_parse(value, &ms) < 0 || ms < PMC_METRICS_INTERVAL_MIN ||
		    ms > PMC_METRICS_INTERVAL_MAX) {
			*why = xasprintf("metrics_interval must be a duration from 100ms to 1h, "
			                 "not '%s'",
			                 value);
			return -EINVAL;
		}
		conf->interval_ms = ms;
	} else if (strcmp(key, "metrics_listen") == 0) {
		free(conf->listen);
		conf->listen = *value && strcmp(value, "off") != 0 ? xstrdup(value) : NULL;
	}
	return 0; /* another module's setting */
}

int pmc_metrics_conf_parse(const char *text, struct pmc_metrics_conf *conf, char **cause)
{
	char *copy = xstrdup(text), *line, *next;
	int lineno = 1, err = 0;

	for (line = copy; line; line = next, lineno++) {
		char *eq, *why = NULL;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line[strcspn(line, "#")] = '\0';
		eq = strchr(line, '=');
		if (!eq)
			continue; /* the log settings' parser reports malformed lines */
		*eq = '\0';
		if (conf_set(conf, trim(line), trim(eq + 1), &why) < 0 && err == 0) {
			*cause = xasprintf("line %d: %s", lineno, why);
			err = -EINVAL;
		}
		free(why);
	}
	free(copy);
	return err;
}

int pmc_metrics_conf_load(const char *path, struct pmc_metrics_conf *conf, char **cause)
{
	char buf[65536];
	ssize_t n;
	size_t len = 0;
	int fd, err;

	conf->interval_ms = PMC_METRICS_INTERVAL_DEFAULT;
	conf->listen = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		*cause = xasprintf("cannot read %s: %s", path, strerror(errno));
		return -errno;
	}
	while (len < sizeof buf - 1 && (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	err = pmc_metrics_conf_parse(buf, conf, cause);
	if (err < 0) {
		char *full = xasprintf("%s: %s", path, *cause);
		free(*cause);
		*cause = full;
	}
	return err;
}

void pmc_metrics_conf_free(struct pmc_metrics_conf *conf)
{
	free(conf->listen);
	conf->listen = NULL;
}

/* ---- sampling ----------------------------------------------------------- */

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static bool sampled(const struct pmc_instance *inst)
{
	return inst->sup.running && inst->pid > 0;
}

/* Restart an instance whose tree stayed above its limit; the history says why. */
static void check_memory(struct pmc_instance *inst, int64_t tree_rss)
{
	struct pmc_instance_metrics *m = &inst->metrics;
	int64_t limit = inst->app->def.max_memory_restart;
	enum pmc_status s = inst->sup.status;
	char rss_text[32], limit_text[32];

	if (limit <= 0 || tree_rss <= limit || inst->shadow || inst->app->reloading ||
	    inst->app->deleting || (s != PMC_STATUS_ONLINE && s != PMC_STATUS_LAUNCHING)) {
		m->over_limit = 0;
		return;
	}
	if (++m->over_limit < OVER_LIMIT_SAMPLES)
		return;
	m->over_limit = 0;
	pmc_size_format(tree_rss, rss_text, sizeof rss_text);
	pmc_size_format(limit, limit_text, sizeof limit_text);
	snprintf(m->reason, sizeof m->reason,
	         "max_memory_restart: rss %s (%" PRId64 " bytes) above %s", rss_text, tree_rss,
	         limit_text);
	pmc_log_info("app [%s:%d] restarted because it exceeds max_memory_restart "
	             "(rss %" PRId64 ", limit %" PRId64 ")",
	             inst->app->def.name, inst->pm_id, tree_rss, limit);
	inst->sup.stop_reason = inst->sup.restart_reason = m->reason;
	if (pmc_instance_handle(inst, PMC_SUP_RESTART) < 0)
		inst->sup.stop_reason = inst->sup.restart_reason = NULL;
}

static void sample_one(struct pmc_metrics *mx, struct pmc_instance *inst, int64_t now)
{
	struct pmc_instance_metrics *m = &inst->metrics;
	struct pmc_proc_usage self, tree;
	struct pmc_sample x = {.at = now};

	if (pmc_proctable_usage(mx->table, inst->pid, inst->pid_start, &self, &tree) < 0)
		return;
	if (m->sampled_ms) {
		x.cpu = (float)pmc_procstat_cpu_percent(m->ticks, self.ticks, now - m->sampled_ms,
		                                        mx->hz);
		x.tree_cpu = (float)pmc_procstat_cpu_percent(m->tree_ticks, tree.ticks,
		                                             now - m->sampled_ms, mx->hz);
	} else {
		/* The first sample of a run: the average since it started. */
		int64_t since = inst->sup.started_at;
		x.cpu = (float)pmc_procstat_cpu_percent(0, self.ticks, now - since, mx->hz);
		x.tree_cpu = (float)pmc_procstat_cpu_percent(0, tree.ticks, now - since, mx->hz);
	}
	x.rss = self.rss;
	x.tree_rss = tree.rss;
	x.processes = tree.processes;
	m->ticks = self.ticks;
	m->tree_ticks = tree.ticks;
	m->sampled_ms = now;
	pmc_samples_push(&m->samples, &x);
	check_memory(inst, tree.rss);
}

static void on_tick(uv_timer_t *timer)
{
	struct pmc_metrics *mx = timer->data;
	struct pmc_daemon *d = mx->daemon;
	struct pmc_instance *inst, *next;
	size_t n = 0;
	int64_t now;
	int err;

	for (inst = d->registry.instances; inst; inst = inst->next) {
		if (!sampled(inst))
			continue;
		if (n == mx->roots_cap) {
			mx->roots_cap = mx->roots_cap ? mx->roots_cap * 2 : 64;
			mx->roots = xrealloc(mx->roots, mx->roots_cap * sizeof *mx->roots);
		}
		mx->roots[n++] = inst->pid;
	}
	qsort(mx->roots, n, sizeof *mx->roots, cmp_int);
	if ((err = pmc_proctable_scan(mx->table, mx->roots, n)) < 0) {
		pmc_log_warn("cannot scan /proc: %s", strerror(-err));
		return;
	}
	now = pmc_clock_wall_ms();
	/* A memory restart changes only this instance: the list stays valid. */
	for (inst = d->registry.instances; inst; inst = next) {
		next = inst->next;
		if (sampled(inst))
			sample_one(mx, inst, now);
	}
}

int pmc_metrics_start(struct pmc_daemon *d, const struct pmc_metrics_conf *conf, char **cause)
{
	struct pmc_metrics *mx = xcalloc(1, sizeof *mx);
	char *why = NULL;

	mx->daemon = d;
	mx->interval_ms = conf->interval_ms;
	mx->hz = sysconf(_SC_CLK_TCK);
	mx->table = pmc_proctable_new("/proc", sysconf(_SC_PAGESIZE));
	uv_timer_init(d->loop, &mx->timer);
	mx->timer.data = mx;
	uv_timer_start(&mx->timer, on_tick, (uint64_t)mx->interval_ms, (uint64_t)mx->interval_ms);
	d->metrics = mx;
	if (conf->listen && pmc_metrics_listen(d, conf->listen, &why) < 0) {
		pmc_log_warn("no /metrics endpoint: %s", why);
		free(why);
	}
	(void)cause;
	return 0;
}

static void on_timer_closed(uv_handle_t *handle)
{
	struct pmc_metrics *mx = handle->data;

	pmc_proctable_free(mx->table);
	free(mx->roots);
	free(mx);
}

void pmc_metrics_close(struct pmc_daemon *d)
{
	struct pmc_metrics *mx = d->metrics;

	if (!mx)
		return;
	d->metrics = NULL;
	pmc_httpd_close(mx->httpd);
	mx->httpd = NULL;
	uv_close((uv_handle_t *)&mx->timer, on_timer_closed);
}

int64_t pmc_metrics_interval(const struct pmc_daemon *d)
{
	return d->metrics ? d->metrics->interval_ms : PMC_METRICS_INTERVAL_DEFAULT;
}

const char *pmc_metrics_listening(const struct pmc_daemon *d)
{
	return d->metrics && d->metrics->httpd ? pmc_httpd_address(d->metrics->httpd) : NULL;
}

static char *serve_metrics(void *data, size_t *len)
{
	return pmc_metrics_exposition(data, len);
}

int pmc_metrics_listen(struct pmc_daemon *d, const char *addr, char **cause)
{
	struct pmc_metrics *mx = d->metrics;
	struct pmc_httpd *h = NULL;
	int err;

	if (!mx) {
		*cause = xstrdup("the sampler is not running");
		return -ENOTCONN;
	}
	if (!addr) {
		if (mx->httpd)
			pmc_log_info("/metrics endpoint on %s stopped",
			             pmc_httpd_address(mx->httpd));
		pmc_httpd_close(mx->httpd);
		mx->httpd = NULL;
		return 0;
	}
	/* Stop the old endpoint first, so the same address can be bound again. */
	pmc_httpd_close(mx->httpd);
	mx->httpd = NULL;
	err = pmc_httpd_open(d->loop, addr, serve_metrics, d, &h, cause);
	if (err < 0)
		return err;
	mx->httpd = h;
	pmc_log_info("serving /metrics on http://%s/metrics", pmc_httpd_address(h));
	return 0;
}

void pmc_metrics_instance_reset(struct pmc_instance *inst)
{
	struct pmc_instance_metrics *m = &inst->metrics;
	int64_t interval = pmc_metrics_interval(inst->daemon);
	size_t cap = (size_t)(PMC_METRICS_WINDOW_MS / interval) + 2;

	if (!m->samples.cap)
		pmc_samples_init(&m->samples, cap < RING_MAX ? cap : RING_MAX);
	pmc_samples_clear(&m->samples);
	m->ticks = m->tree_ticks = 0;
	m->sampled_ms = 0;
	m->over_limit = 0;
}

void pmc_metrics_instance_free(struct pmc_instance *inst)
{
	pmc_samples_free(&inst->metrics.samples);
}

/* ---- JSON --------------------------------------------------------------- */

static double round1(double v)
{
	return round(v * 10) / 10;
}

/* The latest sample while a process runs, else NULL (the numbers are then 0). */
static const struct pmc_sample *current(const struct pmc_instance *inst)
{
	return sampled(inst) ? pmc_samples_last(&inst->metrics.samples) : NULL;
}

cJSON *pmc_metrics_monit_to_json(const struct pmc_instance *inst)
{
	const struct pmc_sample *x = current(inst);
	cJSON *monit = cJSON_CreateObject();

	/* PM2's two numbers are the tree's: what `npm start` or a shell wrapper means. */
	cJSON_AddNumberToObject(monit, "memory", x ? (double)x->tree_rss : 0);
	cJSON_AddNumberToObject(monit, "cpu", x ? round1(x->tree_cpu) : 0);
	cJSON_AddNumberToObject(monit, "pid_memory", x ? (double)x->rss : 0);
	cJSON_AddNumberToObject(monit, "pid_cpu", x ? round1(x->cpu) : 0);
	cJSON_AddNumberToObject(monit, "processes", x ? x->processes : 0);
	return monit;
}

cJSON *pmc_metrics_history_to_json(const struct pmc_instance *inst)
{
	const struct pmc_samples *s = &inst->metrics.samples;
	const struct pmc_sample *last = current(inst);
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; last && i < s->len; i++) {
		const struct pmc_sample *x = pmc_samples_get(s, i);
		cJSON *o;
		if (x->at < last->at - PMC_METRICS_WINDOW_MS)
			continue;
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "at", (double)x->at);
		cJSON_AddNumberToObject(o, "cpu", round1(x->tree_cpu));
		cJSON_AddNumberToObject(o, "memory", (double)x->tree_rss);
		cJSON_AddNumberToObject(o, "pid_cpu", round1(x->cpu));
		cJSON_AddNumberToObject(o, "pid_memory", (double)x->rss);
		cJSON_AddNumberToObject(o, "processes", x->processes);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static void add_stat(cJSON *obj, const char *key, double cur, double avg, double max)
{
	cJSON *o = cJSON_AddObjectToObject(obj, key);

	cJSON_AddNumberToObject(o, "current", cur);
	cJSON_AddNumberToObject(o, "avg", avg);
	cJSON_AddNumberToObject(o, "max", max);
}

cJSON *pmc_metrics_summary_to_json(const struct pmc_instance *inst, int64_t now_ms)
{
	const struct pmc_sample *x = current(inst);
	struct pmc_sample_stats st = {0};
	cJSON *obj = cJSON_CreateObject();

	if (x)
		pmc_samples_stats(&inst->metrics.samples, now_ms - PMC_METRICS_WINDOW_MS, &st);
	cJSON_AddNumberToObject(obj, "window_ms", PMC_METRICS_WINDOW_MS);
	cJSON_AddNumberToObject(obj, "interval_ms", (double)pmc_metrics_interval(inst->daemon));
	cJSON_AddNumberToObject(obj, "samples", (double)st.n);
	add_stat(obj, "cpu", x ? round1(x->tree_cpu) : 0, round1(st.tree_cpu_avg),
	         round1(st.tree_cpu_max));
	add_stat(obj, "memory", x ? (double)x->tree_rss : 0, (double)st.tree_rss_avg,
	         (double)st.tree_rss_max);
	add_stat(obj, "pid_cpu", x ? round1(x->cpu) : 0, round1(st.cpu_avg), round1(st.cpu_max));
	add_stat(obj, "pid_memory", x ? (double)x->rss : 0, (double)st.rss_avg, (double)st.rss_max);
	cJSON_AddNumberToObject(obj, "processes", x ? x->processes : 0);
	return obj;
}

/* ---- Prometheus --------------------------------------------------------- */

struct text {
	char *s;
	size_t len, cap;
};

static void __attribute__((format(printf, 2, 3))) text_addf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = t->cap - t->len;
		va_start(ap, fmt);
		n = vsnprintf(t->s ? t->s + t->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < room) {
			t->len += (size_t)n;
			return;
		}
		t->cap = t->cap * 2 + (size_t)n + 256;
		t->s = xrealloc(t->s, t->cap);
	}
}

/* Label value escaping of the text format: backslash, quote, newline. */
static void add_label_value(struct text *t, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			text_addf(t, "\\%c", *v);
		else if (*v == '\n')
			text_addf(t, "\\n");
		else
			text_addf(t, "%c", *v);
	}
}

enum series { UP, CPU_SECONDS, MEMORY, RESTARTS, UPTIME, PROCESSES, N_SERIES };

static const struct {
	const char *name, *type, *help;
} series_info[N_SERIES] = {
    [UP] = {"pmc_up", "gauge", "1 when the instance is online, else 0."},
    [CPU_SECONDS] = {"pmc_process_cpu_seconds_total", "counter",
                     "CPU time used by the instance's process tree in its current run."},
    [MEMORY] = {"pmc_process_resident_memory_bytes", "gauge",
                "Resident memory of the instance's process tree."},
    [RESTARTS] = {"pmc_process_restarts_total", "counter",
                  "Restarts of the instance (PM2's restart_time)."},
    [UPTIME] = {"pmc_process_uptime_seconds", "gauge",
                "Seconds since the current run started; 0 when not running."},
    [PROCESSES] = {"pmc_process_count", "gauge",
                   "Processes in the instance's tree (the main one and its descendants)."},
};

static double series_value(struct pmc_metrics *mx, struct pmc_instance *inst, enum series k,
                           int64_t now)
{
	const struct pmc_sample *x = current(inst);

	switch (k) {
	case UP:
		return inst->sup.status == PMC_STATUS_ONLINE && inst->sup.running;
	case CPU_SECONDS:
		return x && mx->hz > 0 ? (double)inst->metrics.tree_ticks / (double)mx->hz : 0;
	case MEMORY:
		return x ? (double)x->tree_rss : 0;
	case RESTARTS:
		return inst->sup.restart_time;
	case UPTIME:
		return inst->sup.running && now > inst->sup.started_at
		           ? (double)(now - inst->sup.started_at) / 1000.0
		           : 0;
	case PROCESSES:
		return x ? x->processes : 0;
	default:
		return 0;
	}
}

char *pmc_metrics_exposition(struct pmc_daemon *d, size_t *len)
{
	struct text t = {0};
	struct pmc_instance *inst;
	int64_t now = pmc_clock_wall_ms();

	text_addf(&t, "%s", "");
	for (int k = 0; k < N_SERIES && d->metrics; k++) {
		text_addf(&t, "# HELP %s %s\n# TYPE %s %s\n", series_info[k].name,
		          series_info[k].help, series_info[k].name, series_info[k].type);
		for (inst = d->registry.instances; inst; inst = inst->next) {
			text_addf(&t, "%s{name=\"", series_info[k].name);
			add_label_value(&t, inst->app->def.name);
			text_addf(&t, "\",pm_id=\"%d\",instance=\"%d\"} %.15g\n", inst->pm_id,
			          inst->index, series_value(d->metrics, inst, (enum series)k, now));
		}
	}
	*len = t.len;
	return t.s;
}
