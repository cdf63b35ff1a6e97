/* SPDX-License-Identifier: MIT */
/* The state behind `pmc monit`: instances with a minute of samples, selection, log tail, layout. */
#ifndef PMC_CMD_MONIT_MODEL_H
#define PMC_CMD_MONIT_MODEL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PMC_MONIT_HISTORY  60  /* samples kept per instance: a minute at one a second */
#define PMC_MONIT_LOG_KEEP 200 /* log lines kept for the selected instance */

/* One instance as the dashboard shows it; strings owned. */
struct pmc_monit_proc {
	long long pm_id;
	char *name;
	char *status;
	char *mode;      /* "fork", "cluster" */
	char *script;    /* pm_exec_path */
	char *last_exit; /* "code 1", "signal SIGKILL", "-" */
	long long pid;
	long long restarts;
	long long unstable;
	int64_t started_at; /* ms since the epoch, 0 when not online */
	double cpu;
	int64_t mem;
	/* Ring of the last samples, oldest first from hist_start. */
	double cpu_hist[PMC_MONIT_HISTORY];
	double mem_hist[PMC_MONIT_HISTORY];
	size_t hist_start, hist_n;
};

struct pmc_monit_log_line {
	char *text; /* sanitized: printable UTF-8, no escape sequences */
	bool err;
};

struct pmc_monit_model {
	struct pmc_monit_proc *procs; /* by pm_id */
	size_t n;
	size_t sel; /* index into procs (0 when empty) */
	size_t top; /* first row of the list shown */
	struct pmc_monit_log_line logs[PMC_MONIT_LOG_KEEP];
	size_t log_start, log_n;
};

void pmc_monit_model_init(struct pmc_monit_model *m);
void pmc_monit_model_free(struct pmc_monit_model *m);

/*
 * Take a new listing (list entries, jlist shape; borrowed): the instances in
 * pm_id order, each with one more sample (history carried over by pm_id), the
 * selection staying on the same pm_id (or the nearest row when it is gone).
 */
void pmc_monit_model_update(struct pmc_monit_model *m, const cJSON *entries);
/* Move the selection by delta rows, clamped. */
void pmc_monit_model_move(struct pmc_monit_model *m, long delta);
/* The selected instance, or NULL when there is none. */
const struct pmc_monit_proc *pmc_monit_model_selected(const struct pmc_monit_model *m);

/* Append lines (several, '\n'-separated; a final newline ends the last) to the log tail. */
void pmc_monit_model_log(struct pmc_monit_model *m, const char *data, size_t len, bool err);
void pmc_monit_model_log_clear(struct pmc_monit_model *m);
/* The i-th kept log line, oldest first (i < log_n). */
const struct pmc_monit_log_line *pmc_monit_model_log_line(const struct pmc_monit_model *m,
                                                          size_t i);

/* Where each part of the screen goes (rows and columns). */
struct pmc_monit_layout {
	bool too_small;     /* below PMC_MONIT_MIN_COLS x PMC_MONIT_MIN_ROWS: show a notice only */
	int list_y, list_h; /* instance rows (after the header row at list_y - 1) */
	int details_y;      /* title row of the details, then PMC_MONIT_DETAIL_ROWS rows */
	int logs_y, logs_h; /* title row of the log pane at logs_y - 1; 0 rows when hidden */
	int footer_y;
	int name_w; /* column widths of the list */
	int spark_w;
};

#define PMC_MONIT_MIN_COLS    40
#define PMC_MONIT_MIN_ROWS    12
#define PMC_MONIT_DETAIL_ROWS 3

/* The layout of a rows x cols screen with n instances, with or without the log pane. */
void pmc_monit_layout(int rows, int cols, size_t n, bool logs, struct pmc_monit_layout *l);
/* First row to show so that sel is visible in a list of h rows, given the previous top. */
size_t pmc_monit_scroll(size_t sel, size_t n, int h, size_t top);

/*
 * A sparkline of the last width of n values (oldest first), right-aligned and
 * padded with spaces, each scaled against max: block characters with utf8,
 * else ASCII. buf gets up to width * 3 + 1 bytes.
 */
void pmc_monit_sparkline(const double *values, size_t n, double max, int width, bool utf8,
                         char *buf, size_t size);
/* The history of proc's cpu (or memory) as a plain array, oldest first; returns the count. */
size_t pmc_monit_history(const struct pmc_monit_proc *p, bool mem, double *out);

/*
 * Make text safe to print: escape sequences dropped, tabs to spaces, other
 * control characters and bytes that are not UTF-8 to '?'. Caller frees.
 */
char *pmc_monit_sanitize(const char *s, size_t len);
/* At most cols terminal columns of UTF-8 text s (valid, printable), cut at a character. */
size_t pmc_monit_fit(const char *s, int cols, int *used);

/* "3m", "2h", "-" when not online: the uptime at now_ms. */
void pmc_monit_uptime(const struct pmc_monit_proc *p, int64_t now_ms, char *buf, size_t size);

#endif
