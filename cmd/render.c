/* SPDX-License-Identifier: MIT */
/* Text output of the CLI: box-drawn tables, colours, and the ls/describe/history views. */
#include "render.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "duration.h"
#include "xmalloc.h"

/* A growing string. */
struct buf {
	char *s;
	size_t len, cap;
};

static void buf_addn(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void buf_add(struct buf *b, const char *s)
{
	buf_addn(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3))) buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		s = xstrdup("");
	buf_add(b, s);
	free(s);
}

static void buf_repeat(struct buf *b, const char *s, size_t times)
{
	while (times--)
		buf_add(b, s);
}

/* The string held, never NULL; the buffer gives it up. */
static char *buf_take(struct buf *b)
{
	if (!b->s)
		return xstrdup("");
	return b->s;
}

/* Tables. */

struct row {
	char **cells;
	char **colors;
};

struct pmc_table {
	size_t ncols;
	char **headers;
	struct row *rows;
	size_t nrows;
};

static char *clean_cell(const char *s)
{
	char *out = xstrdup(s ? s : "");
	char *p;

	for (p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return out;
}

struct pmc_table *pmc_table_new(size_t ncols, const char *const *headers)
{
	struct pmc_table *t = xcalloc(1, sizeof *t);
	size_t i;

	t->ncols = ncols;
	if (headers) {
		t->headers = xcalloc(ncols, sizeof *t->headers);
		for (i = 0; i < ncols; i++)
			t->headers[i] = clean_cell(headers[i]);
	}
	return t;
}

void pmc_table_add(struct pmc_table *t, const char *const *cells, const char *const *colors)
{
	struct row *r;
	size_t i;

	t->rows = xrealloc(t->rows, (t->nrows + 1) * sizeof *t->rows);
	r = &t->rows[t->nrows++];
	r->cells = xcalloc(t->ncols, sizeof *r->cells);
	r->colors = xcalloc(t->ncols, sizeof *r->colors);
	for (i = 0; i < t->ncols; i++) {
		r->cells[i] = clean_cell(cells[i]);
		r->colors[i] = colors && colors[i] ? xstrdup(colors[i]) : NULL;
	}
}

void pmc_table_free(struct pmc_table *t)
{
	size_t i, j;

	if (!t)
		return;
	for (i = 0; i < t->nrows; i++) {
		for (j = 0; j < t->ncols; j++) {
			free(t->rows[i].cells[j]);
			free(t->rows[i].colors[j]);
		}
		free(t->rows[i].cells);
		free(t->rows[i].colors);
	}
	if (t->headers)
		for (j = 0; j < t->ncols; j++)
			free(t->headers[j]);
	free(t->headers);
	free(t->rows);
	free(t);
}

size_t pmc_render_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* A border line: left, then per column the fill and a joint, then right. */
static void add_border(struct buf *b, const size_t *widths, size_t ncols, const char *left,
		       const char *joint, const char *right)
{
	size_t i;

	buf_add(b, left);
	for (i = 0; i < ncols; i++) {
		buf_repeat(b, "─", widths[i] + 2);
		buf_add(b, i + 1 < ncols ? joint : right);
	}
	buf_add(b, "\n");
}

static void add_cells(struct buf *b, const size_t *widths, size_t ncols, char *const *cells,
		      char *const *colors, bool color)
{
	size_t i;

	buf_add(b, "│");
	for (i = 0; i < ncols; i++) {
		bool paint = color && colors && colors[i] && *cells[i];
		buf_add(b, " ");
		if (paint)
			buf_addf(b, "\x1b[%sm%s\x1b[0m", colors[i], cells[i]);
		else
			buf_add(b, cells[i]);
		buf_repeat(b, " ", widths[i] - pmc_render_width(cells[i]) + 1);
		buf_add(b, "│");
	}
	buf_add(b, "\n");
}

char *pmc_table_render(const struct pmc_table *t, bool color)
{
	size_t *widths = xcalloc(t->ncols ? t->ncols : 1, sizeof *widths);
	char **header_colors = xcalloc(t->ncols ? t->ncols : 1, sizeof *header_colors);
	struct buf b = { 0 };
	size_t i, j;

	for (j = 0; j < t->ncols; j++) {
		if (t->headers)
			widths[j] = pmc_render_width(t->headers[j]);
		header_colors[j] = (char *)PMC_SGR_HEADER;
		for (i = 0; i < t->nrows; i++) {
			size_t w = pmc_render_width(t->rows[i].cells[j]);
			if (w > widths[j])
				widths[j] = w;
		}
	}
	add_border(&b, widths, t->ncols, "┌", "┬", "┐");
	if (t->headers) {
		add_cells(&b, widths, t->ncols, t->headers, header_colors, color);
		if (t->nrows)
			add_border(&b, widths, t->ncols, "├", "┼", "┤");
	}
	for (i = 0; i < t->nrows; i++)
		add_cells(&b, widths, t->ncols, t->rows[i].cells, t->rows[i].colors, color);
	add_border(&b, widths, t->ncols, "└", "┴", "┘");
	free(header_colors);
	free(widths);
	return buf_take(&b);
}

/* Small formatters. */

static const struct {
	const char *status;
	const char *sgr;
} status_colors[] = {
	{ "online", PMC_SGR_GREEN },	     { "stopped", PMC_SGR_GREY },
	{ "errored", PMC_SGR_RED },	     { "launching", PMC_SGR_YELLOW },
	{ "waiting restart", PMC_SGR_YELLOW }, { "stopping", PMC_SGR_YELLOW },
};

const char *pmc_render_status_color(const char *status)
{
	size_t i;

	for (i = 0; status && i < sizeof status_colors / sizeof status_colors[0]; i++)
		if (strcmp(status, status_colors[i].status) == 0)
			return status_colors[i].sgr;
	return NULL;
}

static const struct {
	const char *kind;
	const char *sgr;
} event_colors[] = {
	{ "start", PMC_SGR_GREEN },  { "restart", PMC_SGR_GREEN }, { "stop", PMC_SGR_GREY },
	{ "exit", PMC_SGR_YELLOW },  { "errored", PMC_SGR_RED },   { "spawn_failed", PMC_SGR_RED },
};

static const char *event_color(const char *kind)
{
	size_t i;

	for (i = 0; kind && i < sizeof event_colors / sizeof event_colors[0]; i++)
		if (strcmp(kind, event_colors[i].kind) == 0)
			return event_colors[i].sgr;
	return NULL;
}

void pmc_render_cpu(double cpu, char *buf, size_t size)
{
	if (!isfinite(cpu) || cpu < 0)
		cpu = 0;
	if (cpu == floor(cpu))
		snprintf(buf, size, "%.0f%%", cpu);
	else
		snprintf(buf, size, "%.1f%%", cpu);
}

void pmc_render_runtime(int64_t ms, char *buf, size_t size)
{
	if (ms < 0)
		ms = 0;
	if (ms < 1000)
		snprintf(buf, size, "%lldms", (long long)ms);
	else if (ms < 60000)
		snprintf(buf, size, "%.1fs", (double)ms / 1000.0);
	else
		pmc_duration_format(ms, buf, size);
}

static bool local_tm(int64_t ms, struct tm *tm)
{
	time_t secs = (time_t)(ms / 1000);

	return localtime_r(&secs, tm) != NULL;
}

void pmc_render_time_iso(int64_t ms, char *buf, size_t size)
{
	struct tm tm;
	long off, h, m;
	char date[32];

	if (!local_tm(ms, &tm)) {
		snprintf(buf, size, "N/A");
		return;
	}
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
	off = tm.tm_gmtoff;
	h = labs(off) / 3600;
	m = labs(off) % 3600 / 60;
	snprintf(buf, size, "%s%c%02ld:%02ld", date, off < 0 ? '-' : '+', h, m);
}

void pmc_render_time_short(int64_t ms, int64_t now_ms, char *buf, size_t size)
{
	struct tm tm, now;

	if (!local_tm(ms, &tm) || !local_tm(now_ms, &now)) {
		snprintf(buf, size, "N/A");
		return;
	}
	if (tm.tm_year == now.tm_year && tm.tm_yday == now.tm_yday)
		strftime(buf, size, "%H:%M:%S", &tm);
	else
		strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}

/* Reading the JSON of entries and events, tolerant of missing members. */

static const cJSON *member(const cJSON *obj, const char *key)
{
	return obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

static const char *str_of(const cJSON *obj, const char *key, const char *def)
{
	const cJSON *v = member(obj, key);

	return cJSON_IsString(v) ? v->valuestring : def;
}

static bool has_num(const cJSON *obj, const char *key)
{
	return cJSON_IsNumber(member(obj, key));
}

static int64_t num_of(const cJSON *obj, const char *key, int64_t def)
{
	const cJSON *v = member(obj, key);

	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : def;
}

static const cJSON *env_of(const cJSON *entry)
{
	return member(entry, "pm2_env");
}

static int by_pm_id(const void *a, const void *b)
{
	int64_t x = num_of(*(const cJSON *const *)a, "pm_id", 0);
	int64_t y = num_of(*(const cJSON *const *)b, "pm_id", 0);

	return (x > y) - (x < y);
}

/* The entries in pm_id order (the array is owned by the caller, the items borrowed). */
static const cJSON **sorted_entries(const cJSON *entries, size_t *n)
{
	const cJSON **v = xcalloc((size_t)cJSON_GetArraySize(entries) + 1, sizeof *v);
	const cJSON *e;

	*n = 0;
	cJSON_ArrayForEach(e, entries)
		v[(*n)++] = e;
	qsort(v, *n, sizeof *v, by_pm_id);
	return v;
}

/* "fork_mode" → "fork". */
static void mode_name(const char *exec_mode, char *buf, size_t size)
{
	size_t len = strlen(exec_mode);

	if (len > 5 && strcmp(exec_mode + len - 5, "_mode") == 0)
		len -= 5;
	snprintf(buf, size, "%.*s", (int)len, exec_mode);
}

static void uptime_of(const cJSON *env, int64_t now_ms, char *buf, size_t size)
{
	const char *status = str_of(env, "status", "");

	if (strcmp(status, "online") == 0 && num_of(env, "pm_uptime", 0) > 0)
		pmc_duration_format(now_ms - num_of(env, "pm_uptime", 0), buf, size);
	else
		snprintf(buf, size, "0");
}

char *pmc_render_list(const cJSON *entries, bool color, int64_t now_ms)
{
	static const char *const headers[] = { "id",	 "name",   "mode", "pid", "uptime",
					       "↺",	 "status", "cpu",  "mem", "user" };
	struct pmc_table *t = pmc_table_new(10, headers);
	const cJSON **v;
	size_t n, i;
	char *out;

	v = sorted_entries(entries, &n);
	for (i = 0; i < n; i++) {
		const cJSON *env = env_of(v[i]), *monit = member(v[i], "monit");
		const char *status = str_of(env, "status", "unknown");
		char id[24], mode[32], pid[24], uptime[24], restarts[24], cpu[24], mem[24];
		const char *cells[10];
		const char *colors[10] = { 0 };

		snprintf(id, sizeof id, "%lld", (long long)num_of(v[i], "pm_id", 0));
		mode_name(str_of(env, "exec_mode", "fork_mode"), mode, sizeof mode);
		snprintf(pid, sizeof pid, "%lld", (long long)num_of(v[i], "pid", 0));
		uptime_of(env, now_ms, uptime, sizeof uptime);
		snprintf(restarts, sizeof restarts, "%lld",
			 (long long)num_of(env, "restart_time", 0));
		pmc_render_cpu(cJSON_IsNumber(member(monit, "cpu")) ?
				       member(monit, "cpu")->valuedouble :
				       0,
			       cpu, sizeof cpu);
		pmc_size_format(num_of(monit, "memory", 0), mem, sizeof mem);
		cells[0] = id;
		cells[1] = str_of(v[i], "name", str_of(env, "name", ""));
		cells[2] = mode;
		cells[3] = pid;
		cells[4] = uptime;
		cells[5] = restarts;
		cells[6] = status;
		cells[7] = cpu;
		cells[8] = mem;
		cells[9] = str_of(env, "username", "");
		colors[6] = pmc_render_status_color(status);
		pmc_table_add(t, cells, colors);
	}
	out = pmc_table_render(t, color);
	pmc_table_free(t);
	free(v);
	return out;
}

/* Describe. */

static char *join_strings(const cJSON *arr, const char *sep)
{
	struct buf b = { 0 };
	const cJSON *item;
	bool first = true;

	cJSON_ArrayForEach(item, arr)
	{
		if (!first)
			buf_add(&b, sep);
		first = false;
		if (cJSON_IsString(item))
			buf_add(&b, item->valuestring);
		else if (cJSON_IsNumber(item))
			buf_addf(&b, "%lld", (long long)item->valuedouble);
	}
	if (first)
		return xstrdup("N/A");
	return buf_take(&b);
}

static char *ms_value(const cJSON *env, const char *key)
{
	if (!has_num(env, key))
		return xstrdup("N/A");
	return xasprintf("%lldms", (long long)num_of(env, key, 0));
}

static char *bool_value(const cJSON *env, const char *key)
{
	const cJSON *v = member(env, key);

	return xstrdup(cJSON_IsBool(v) ? (cJSON_IsTrue(v) ? "true" : "false") : "N/A");
}

static char *last_exit(const cJSON *env)
{
	if (has_num(env, "exit_code"))
		return xasprintf("code %lld", (long long)num_of(env, "exit_code", 0));
	if (str_of(env, "exit_signal", NULL))
		return xasprintf("signal %s", str_of(env, "exit_signal", ""));
	return xstrdup("N/A");
}

static char *created_at(const cJSON *env)
{
	char buf[64];

	if (num_of(env, "created_at", 0) <= 0)
		return xstrdup("N/A");
	pmc_render_time_iso(num_of(env, "created_at", 0), buf, sizeof buf);
	return xstrdup(buf);
}

/* A row shown only when the daemon sent key: its string, "N/A" when null. */
static char *opt_string(const cJSON *env, const char *key)
{
	const cJSON *v = member(env, key);

	if (!v)
		return NULL;
	return xstrdup(cJSON_IsString(v) ? v->valuestring : "N/A");
}

/* "10.0mb", "none" for 0 (never rotated); NULL when absent. */
static char *log_max_size(const cJSON *env)
{
	char buf[32];

	if (!has_num(env, "log_max_size"))
		return NULL;
	if (num_of(env, "log_max_size", 0) <= 0)
		return xstrdup("none (never rotated)");
	pmc_size_format(num_of(env, "log_max_size", 0), buf, sizeof buf);
	return xstrdup(buf);
}

/* The last log write failure and when it happened; "none"; NULL when absent. */
static char *log_error(const cJSON *env)
{
	const char *error = str_of(env, "log_error", NULL);
	char at[64];

	if (!member(env, "log_error"))
		return NULL;
	if (!error)
		return xstrdup("none");
	if (num_of(env, "log_error_at", 0) <= 0)
		return xstrdup(error);
	pmc_render_time_iso(num_of(env, "log_error_at", 0), at, sizeof at);
	return xasprintf("%s (at %s)", error, at);
}

/* Bytes of output dropped because a log file could not be written; NULL when none. */
static char *log_dropped(const cJSON *env)
{
	char buf[32];

	if (num_of(env, "log_dropped", 0) <= 0)
		return NULL;
	pmc_size_format(num_of(env, "log_dropped", 0), buf, sizeof buf);
	return xstrdup(buf);
}

static char *opt_num(const cJSON *env, const char *key)
{
	return has_num(env, key) ? xasprintf("%lld", (long long)num_of(env, key, 0)) : NULL;
}

static char *opt_bool(const cJSON *env, const char *key)
{
	return member(env, key) ? bool_value(env, key) : NULL;
}

/* "true", "false", or the watched paths; NULL when the daemon sent nothing. */
static char *watch_value(const cJSON *env)
{
	const cJSON *v = member(env, "watch");

	if (cJSON_IsArray(v))
		return join_strings(v, ", ");
	return v ? bool_value(env, "watch") : NULL;
}

/* The next cron restart as a local time, shown only when armed. */
static char *cron_next(const cJSON *env)
{
	char buf[64];

	if (!has_num(env, "cron_next"))
		return NULL;
	pmc_render_time_iso(num_of(env, "cron_next", 0), buf, sizeof buf);
	return xstrdup(buf);
}

/* "12.5% now, 10% avg, 40% max" from {current, avg, max} of the last minute. */
static char *minute_value(const cJSON *entry, const char *key, bool bytes)
{
	const cJSON *stat = member(member(member(entry, "monit"), "last_minute"), key);
	const char *parts[] = { "current", "avg", "max" };
	char text[3][32];

	if (!stat)
		return NULL;
	for (size_t i = 0; i < 3; i++) {
		const cJSON *v = member(stat, parts[i]);
		double x = cJSON_IsNumber(v) ? v->valuedouble : 0;
		if (bytes)
			pmc_size_format((int64_t)x, text[i], sizeof text[i]);
		else
			pmc_render_cpu(x, text[i], sizeof text[i]);
	}
	return xasprintf("%s now, %s avg, %s max", text[0], text[1], text[2]);
}

static char *minute_processes(const cJSON *entry)
{
	const cJSON *minute = member(member(entry, "monit"), "last_minute");

	if (!minute)
		return NULL;
	return xasprintf("%lld (%lld samples in the last minute)",
			 (long long)num_of(minute, "processes", 0),
			 (long long)num_of(minute, "samples", 0));
}

static char *memory_limit(const cJSON *env)
{
	char buf[32];

	if (num_of(env, "max_memory_restart", 0) <= 0)
		return NULL;
	pmc_size_format(num_of(env, "max_memory_restart", 0), buf, sizeof buf);
	return xstrdup(buf);
}

/* One describe row: a label and its value, owned. */
struct kv {
	const char *key;
	char *value;
};

static void describe_one(struct buf *b, const cJSON *entry, bool color, int64_t now_ms)
{
	const cJSON *env = env_of(entry);
	const char *status = str_of(env, "status", "unknown");
	char uptime[24];
	struct pmc_table *t = pmc_table_new(2, NULL);
	char *text;
	size_t i;

	uptime_of(env, now_ms, uptime, sizeof uptime);
	struct kv rows[] = {
		{ "status", xstrdup(status) },
		{ "name", xstrdup(str_of(entry, "name", str_of(env, "name", ""))) },
		{ "namespace", xstrdup(str_of(env, "namespace", "default")) },
		{ "restarts", xasprintf("%lld", (long long)num_of(env, "restart_time", 0)) },
		{ "unstable restarts",
		  xasprintf("%lld", (long long)num_of(env, "unstable_restarts", 0)) },
		{ "uptime", xstrdup(uptime) },
		{ "cpu (tree)", minute_value(entry, "cpu", false) },
		{ "memory (tree)", minute_value(entry, "memory", true) },
		{ "cpu (main process)", minute_value(entry, "pid_cpu", false) },
		{ "memory (main process)", minute_value(entry, "pid_memory", true) },
		{ "processes", minute_processes(entry) },
		{ "max memory restart", memory_limit(env) },
		{ "script path", xstrdup(str_of(env, "pm_exec_path", "N/A")) },
		{ "script args", join_strings(member(env, "args"), " ") },
		{ "interpreter", xstrdup(str_of(env, "exec_interpreter", "N/A")) },
		{ "interpreter args", join_strings(member(env, "interpreter_args"), " ") },
		{ "exec cwd", xstrdup(str_of(env, "pm_cwd", "N/A")) },
		{ "exec mode", xstrdup(str_of(env, "exec_mode", "fork_mode")) },
		{ "listen addresses", join_strings(member(env, "listen"), ", ") },
		{ "port", has_num(env, "port") ?
				  xasprintf("%lld", (long long)num_of(env, "port", 0)) :
				  NULL },
		{ "instance var", xstrdup(str_of(env, "instance_var", "N/A")) },
		{ "wait ready", bool_value(env, "wait_ready") },
		{ "listen timeout", ms_value(env, "listen_timeout") },
		{ "shutdown with message", bool_value(env, "shutdown_with_message") },
		{ "pid", xasprintf("%lld", (long long)num_of(entry, "pid", 0)) },
		{ "kill timeout", ms_value(env, "kill_timeout") },
		{ "kill signal", xstrdup(str_of(env, "kill_signal", "N/A")) },
		{ "autorestart", bool_value(env, "autorestart") },
		{ "min uptime", ms_value(env, "min_uptime") },
		{ "max restarts", has_num(env, "max_restarts") ?
					  xasprintf("%lld", (long long)num_of(env, "max_restarts", 0)) :
					  xstrdup("N/A") },
		{ "restart delay", ms_value(env, "restart_delay") },
		{ "exp backoff delay", ms_value(env, "exp_backoff_restart_delay") },
		{ "stop exit codes", join_strings(member(env, "stop_exit_codes"), ", ") },
		{ "watch", watch_value(env) },
		{ "ignore watch", member(env, "ignore_watch") ?
					  join_strings(member(env, "ignore_watch"), ", ") :
					  NULL },
		{ "watch delay", has_num(env, "watch_delay") ? ms_value(env, "watch_delay") : NULL },
		{ "watched dirs", opt_num(env, "watch_dirs") },
		{ "watch error", opt_string(env, "watch_error") },
		{ "cron restart", opt_string(env, "cron_restart") },
		{ "next cron restart", cron_next(env) },
		{ "out log path", xstrdup(str_of(env, "pm_out_log_path", "N/A")) },
		{ "error log path", xstrdup(str_of(env, "pm_err_log_path", "N/A")) },
		{ "combined log path", opt_string(env, "pm_log_path") },
		{ "merge logs", opt_bool(env, "merge_logs") },
		{ "log time", opt_bool(env, "time") },
		{ "log date format", opt_string(env, "log_date_format") },
		{ "log type", opt_string(env, "log_type") },
		{ "log max size", log_max_size(env) },
		{ "log retain", opt_num(env, "log_retain") },
		{ "log rotate names", opt_string(env, "log_rotate_names") },
		{ "log compress", opt_bool(env, "log_compress") },
		{ "log error", log_error(env) },
		{ "log dropped", log_dropped(env) },
		{ "created at", created_at(env) },
		{ "last exit", last_exit(env) },
		{ "last error", xstrdup(str_of(env, "last_error", "N/A")) },
		{ "env keys", join_strings(member(env, "env_keys"), ", ") },
	};

	buf_addf(b, " Describing process with id %lld - name %s\n",
		 (long long)num_of(entry, "pm_id", 0), str_of(entry, "name", ""));
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const char *cells[2] = { rows[i].key, rows[i].value };
		const char *colors[2] = { PMC_SGR_BOLD, NULL };
		if (!rows[i].value)
			continue; /* a row shown only when the daemon sent it */
		if (strcmp(rows[i].key, "status") == 0)
			colors[1] = pmc_render_status_color(status);
		if ((strcmp(rows[i].key, "log error") == 0 && strcmp(rows[i].value, "none") != 0) ||
		    strcmp(rows[i].key, "log dropped") == 0)
			colors[1] = PMC_SGR_RED;
		pmc_table_add(t, cells, colors);
		free(rows[i].value);
	}
	text = pmc_table_render(t, color);
	buf_add(b, text);
	free(text);
	pmc_table_free(t);
}

static void exit_cell(const cJSON *ev, char *buf, size_t size)
{
	if (has_num(ev, "exit_code"))
		snprintf(buf, size, "%lld", (long long)num_of(ev, "exit_code", 0));
	else
		snprintf(buf, size, "%s", str_of(ev, "signal", ""));
}

static void runtime_cell(const cJSON *ev, char *buf, size_t size)
{
	if (has_num(ev, "runtime_ms"))
		pmc_render_runtime(num_of(ev, "runtime_ms", 0), buf, size);
	else
		buf[0] = '\0';
}

static void num_cell(const cJSON *obj, const char *key, char *buf, size_t size)
{
	if (has_num(obj, key))
		snprintf(buf, size, "%lld", (long long)num_of(obj, key, 0));
	else
		buf[0] = '\0';
}

char *pmc_render_describe(const cJSON *result, bool color, int64_t now_ms)
{
	static const char *const headers[] = { "time", "pm_id",	   "pid",   "kind",
					       "exit", "run time", "reason" };
	const cJSON *procs = member(result, "processes"), *events = member(result, "events");
	struct pmc_table *t = pmc_table_new(7, headers);
	struct buf b = { 0 };
	const cJSON **v, *ev;
	size_t n, i;
	char *text;

	v = sorted_entries(procs, &n);
	for (i = 0; i < n; i++)
		describe_one(&b, v[i], color, now_ms);
	free(v);
	cJSON_ArrayForEach(ev, events)
	{
		char time[40], pm_id[24], pid[24], exit[40], ran[24];
		const char *kind = str_of(ev, "kind", "");
		const char *cells[7] = { time, pm_id, pid, kind, exit, ran, str_of(ev, "reason", "") };
		const char *colors[7] = { NULL, NULL, NULL, event_color(kind) };

		pmc_render_time_short(num_of(ev, "at", 0), now_ms, time, sizeof time);
		num_cell(ev, "pm_id", pm_id, sizeof pm_id);
		num_cell(ev, "pid", pid, sizeof pid);
		exit_cell(ev, exit, sizeof exit);
		runtime_cell(ev, ran, sizeof ran);
		pmc_table_add(t, cells, colors);
	}
	buf_add(&b, " Last restarts\n");
	text = pmc_table_render(t, color);
	buf_add(&b, text);
	free(text);
	pmc_table_free(t);
	return buf_take(&b);
}

char *pmc_render_history(const cJSON *events, bool color, int64_t now_ms)
{
	static const char *const headers[] = { "time", "app",	 "id",	"pid",	 "event",
					       "exit", "signal", "ran", "reason" };
	struct pmc_table *t = pmc_table_new(9, headers);
	const cJSON *ev;
	char *out;

	cJSON_ArrayForEach(ev, events)
	{
		char time[40], pm_id[24], pid[24], code[24], ran[24];
		const char *kind = str_of(ev, "kind", "");
		const char *cells[9] = { time, str_of(ev, "app", ""), pm_id, pid, kind, code,
					 str_of(ev, "signal", ""), ran, str_of(ev, "reason", "") };
		const char *colors[9] = { NULL, NULL, NULL, NULL, event_color(kind) };

		pmc_render_time_short(num_of(ev, "at", 0), now_ms, time, sizeof time);
		num_cell(ev, "pm_id", pm_id, sizeof pm_id);
		num_cell(ev, "pid", pid, sizeof pid);
		num_cell(ev, "exit_code", code, sizeof code);
		runtime_cell(ev, ran, sizeof ran);
		pmc_table_add(t, cells, colors);
	}
	out = pmc_table_render(t, color);
	pmc_table_free(t);
	return out;
}
