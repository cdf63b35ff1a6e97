/* SPDX-License-Identifier: MIT */
/* The state behind `pmc monit`: instances with a minute of samples, selection, log tail, layout. */
#include "monit-model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "duration.h"
#include "xmalloc.h"

void pmc_monit_model_init(struct pmc_monit_model *m)
{
	memset(m, 0, sizeof *m);
}

static void proc_clear(struct pmc_monit_proc *p)
{
	free(p->name);
	free(p->status);
	free(p->mode);
	free(p->script);
	free(p->last_exit);
}

void pmc_monit_model_free(struct pmc_monit_model *m)
{
	for (size_t i = 0; i < m->n; i++)
		proc_clear(&m->procs[i]);
	free(m->procs);
	pmc_monit_model_log_clear(m);
	memset(m, 0, sizeof *m);
}

static const cJSON *member(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static char *str_dup(const cJSON *obj, const char *key, const char *def)
{
	const cJSON *v = member(obj, key);
	const char *s = cJSON_IsString(v) ? v->valuestring : def;

	return pmc_monit_sanitize(s, strlen(s));
}

static double num(const cJSON *obj, const char *key, double def)
{
	const cJSON *v = member(obj, key);

	return cJSON_IsNumber(v) && isfinite(v->valuedouble) ? v->valuedouble : def;
}

static char *last_exit(const cJSON *env)
{
	const cJSON *sig = member(env, "exit_signal");

	if (cJSON_IsNumber(member(env, "exit_code")))
		return xasprintf("code %lld", (long long)num(env, "exit_code", 0));
	if (cJSON_IsString(sig))
		return str_dup(env, "exit_signal", "");
	return xstrdup("-");
}

static char *mode_of(const cJSON *env)
{
	char *mode = str_dup(env, "exec_mode", "fork_mode");
	size_t len = strlen(mode);

	if (len > 5 && strcmp(mode + len - 5, "_mode") == 0)
		mode[len - 5] = '\0';
	return mode;
}

static void proc_fill(struct pmc_monit_proc *p, const cJSON *entry)
{
	const cJSON *env = member(entry, "pm2_env"), *monit = member(entry, "monit");

	p->pm_id = (long long)num(entry, "pm_id", -1);
	p->name = str_dup(entry, "name", "");
	p->status = str_dup(env, "status", "unknown");
	p->mode = mode_of(env);
	p->script = str_dup(env, "pm_exec_path", "-");
	p->last_exit = last_exit(env);
	p->pid = (long long)num(entry, "pid", 0);
	p->restarts = (long long)num(env, "restart_time", 0);
	p->unstable = (long long)num(env, "unstable_restarts", 0);
	p->started_at = (int64_t)num(env, "pm_uptime", 0);
	p->cpu = num(monit, "cpu", 0);
	p->mem = (int64_t)num(monit, "memory", 0);
	if (p->cpu < 0)
		p->cpu = 0;
	if (p->mem < 0)
		p->mem = 0;
}

static void push_sample(struct pmc_monit_proc *p)
{
	size_t at;

	if (p->hist_n < PMC_MONIT_HISTORY) {
		at = (p->hist_start + p->hist_n++) % PMC_MONIT_HISTORY;
	} else {
		at = p->hist_start;
		p->hist_start = (p->hist_start + 1) % PMC_MONIT_HISTORY;
	}
	p->cpu_hist[at] = p->cpu;
	p->mem_hist[at] = (double)p->mem;
}

static int by_pm_id(const void *a, const void *b)
{
	const struct pmc_monit_proc *x = a, *y = b;

	return (x->pm_id > y->pm_id) - (x->pm_id < y->pm_id);
}

static const struct pmc_monit_proc *find(const struct pmc_monit_proc *v, size_t n, long long pm_id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].pm_id == pm_id)
			return &v[i];
	return NULL;
}

void pmc_monit_model_update(struct pmc_monit_model *m, const cJSON *entries)
{
	long long sel_id = m->n ? m->procs[m->sel].pm_id : -1;
	size_t n = 0, cap = (size_t)cJSON_GetArraySize(entries), i;
	struct pmc_monit_proc *v = xcalloc(cap ? cap : 1, sizeof *v);
	const struct pmc_monit_proc *old;
	const cJSON *entry;

	cJSON_ArrayForEach(entry, entries)
	{
		if (!cJSON_IsObject(entry) || !cJSON_IsNumber(member(entry, "pm_id")))
			continue;
		struct pmc_monit_proc *p = &v[n++];
		proc_fill(p, entry);
		old = find(m->procs, m->n, p->pm_id);
		if (old) {
			memcpy(p->cpu_hist, old->cpu_hist, sizeof p->cpu_hist);
			memcpy(p->mem_hist, old->mem_hist, sizeof p->mem_hist);
			p->hist_start = old->hist_start;
			p->hist_n = old->hist_n;
		}
		push_sample(p);
	}
	qsort(v, n, sizeof *v, by_pm_id);
	/* Stay on the same pm_id, else on the row now where it was. */
	for (i = 0; i < n && v[i].pm_id < sel_id; i++)
		;
	if (i < n && v[i].pm_id == sel_id)
		m->sel = i;
	else
		m->sel = m->sel < n ? m->sel : (n ? n - 1 : 0);
	for (i = 0; i < m->n; i++)
		proc_clear(&m->procs[i]);
	free(m->procs);
	m->procs = v;
	m->n = n;
}

void pmc_monit_model_move(struct pmc_monit_model *m, long delta)
{
	long sel = (long)m->sel + delta;

	if (m->n == 0)
		return;
	if (sel < 0)
		sel = 0;
	if (sel >= (long)m->n)
		sel = (long)m->n - 1;
	m->sel = (size_t)sel;
}

const struct pmc_monit_proc *pmc_monit_model_selected(const struct pmc_monit_model *m)
{
	return m->n ? &m->procs[m->sel] : NULL;
}

static void log_push(struct pmc_monit_model *m, const char *s, size_t len, bool err)
{
	struct pmc_monit_log_line *l;

	if (m->log_n < PMC_MONIT_LOG_KEEP) {
		l = &m->logs[(m->log_start + m->log_n++) % PMC_MONIT_LOG_KEEP];
	} else {
		l = &m->logs[m->log_start];
		m->log_start = (m->log_start + 1) % PMC_MONIT_LOG_KEEP;
		free(l->text);
	}
	l->text = pmc_monit_sanitize(s, len);
	l->err = err;
}

void pmc_monit_model_log(struct pmc_monit_model *m, const char *data, size_t len, bool err)
{
	const char *nl;

	while (len) {
		nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) : len;
		log_push(m, data, n, err);
		if (!nl)
			break;
		data += n + 1;
		len -= n + 1;
	}
}

void pmc_monit_model_log_clear(struct pmc_monit_model *m)
{
	for (size_t i = 0; i < m->log_n; i++)
		free(m->logs[(m->log_start + i) % PMC_MONIT_LOG_KEEP].text);
	m->log_start = m->log_n = 0;
}

const struct pmc_monit_log_line *pmc_monit_model_log_line(const struct pmc_monit_model *m, size_t i)
{
	return &m->logs[(m->log_start + i) % PMC_MONIT_LOG_KEEP];
}

/* Title, list header and footer rows; the details' title and rows. */
#define FIXED_ROWS   3
#define DETAILS_ROWS (1 + PMC_MONIT_DETAIL_ROWS)
/* id, status, cpu and mem columns with their gaps and the margins. */
#define FIXED_COLS 35
#define MAX_SPARK  PMC_MONIT_HISTORY

void pmc_monit_layout(int rows, int cols, size_t n, bool logs, struct pmc_monit_layout *l)
{
	int avail = rows - FIXED_ROWS - DETAILS_ROWS, want = n ? (int)(n < 1000 ? n : 1000) : 1;

	memset(l, 0, sizeof *l);
	if (cols < PMC_MONIT_MIN_COLS || rows < PMC_MONIT_MIN_ROWS) {
		l->too_small = true;
		return;
	}
	l->list_y = 2;
	if (logs) {
		/* The list takes up to half, at least 3 rows; the log pane the rest. */
		int half = avail / 2 > 3 ? avail / 2 : 3;
		l->list_h = want < half ? want : half;
	} else {
		l->list_h = avail;
	}
	l->details_y = l->list_y + l->list_h;
	l->footer_y = rows - 1;
	if (logs) {
		l->logs_y = l->details_y + DETAILS_ROWS + 1;
		l->logs_h = l->footer_y - l->logs_y;
	}
	l->name_w = cols >= 100 ? 20 : cols >= 80 ? 16 : 10;
	l->spark_w = (cols - FIXED_COLS - l->name_w) / 2;
	if (l->spark_w < 0)
		l->spark_w = 0;
	if (l->spark_w > MAX_SPARK)
		l->spark_w = MAX_SPARK;
}

size_t pmc_monit_scroll(size_t sel, size_t n, int h, size_t top)
{
	size_t rows = h > 0 ? (size_t)h : 1;

	if (sel < top)
		top = sel;
	if (sel >= top + rows)
		top = sel - rows + 1;
	/* No empty rows at the end while instances are above. */
	if (n >= rows && top > n - rows)
		top = n - rows;
	if (n < rows)
		top = 0;
	return top;
}

void pmc_monit_sparkline(const double *values, size_t n, double max, int width, bool utf8,
                         char *buf, size_t size)
{
	static const char *const blocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
	static const char ascii[] = "_.:-=+*#";
	size_t w = width > 0 ? (size_t)width : 0, shown = n < w ? n : w, used = 0, i;

	if (!size)
		return;
	for (i = 0; i < w; i++) {
		const char *cell = " ";
		char one[2] = {0};
		if (i >= w - shown) {
			double v = values[n - shown + (i - (w - shown))];
			int level = max > 0 && v > 0 ? (int)lround(v / max * 7.0) : 0;
			if (level > 7)
				level = 7;
			if (level < 0)
				level = 0;
			one[0] = ascii[level];
			cell = utf8 ? blocks[level] : one;
		}
		size_t len = strlen(cell);
		if (used + len >= size)
			break;
		memcpy(buf + used, cell, len);
		used += len;
	}
	buf[used] = '\0';
}

size_t pmc_monit_history(const struct pmc_monit_proc *p, bool mem, double *out)
{
	for (size_t i = 0; i < p->hist_n; i++) {
		size_t at = (p->hist_start + i) % PMC_MONIT_HISTORY;
		out[i] = mem ? p->mem_hist[at] : p->cpu_hist[at];
	}
	return p->hist_n;
}

/* Length of the escape sequence at s (s[0] is ESC), within len. */
static size_t escape_len(const unsigned char *s, size_t len)
{
	size_t i;

	if (len < 2)
		return len;
	if (s[1] == '[') {
		/* CSI: parameters and intermediates, then one final byte 0x40..0x7e. */
		for (i = 2; i < len; i++)
			if (s[i] >= 0x40 && s[i] <= 0x7e)
				return i + 1;
		return len;
	}
	if (s[1] == ']') {
		/* OSC: up to BEL or ESC \. */
		for (i = 2; i < len; i++) {
			if (s[i] == 0x07)
				return i + 1;
			if (s[i] == 0x1b && i + 1 < len && s[i + 1] == '\\')
				return i + 2;
		}
		return len;
	}
	return 2;
}

/* Bytes of the UTF-8 character at s (valid and not a C1 control), else 0. */
static size_t utf8_len(const unsigned char *s, size_t len)
{
	size_t n, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return n;
}

char *pmc_monit_sanitize(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	char *out = xmalloc(len + 1);
	size_t i = 0, o = 0, n;

	while (i < len) {
		if (u[i] == 0x1b) {
			i += escape_len(u + i, len - i);
		} else if (u[i] == '\t') {
			out[o++] = ' ';
			i++;
		} else if (u[i] == '\r' && i + 1 == len) {
			i++; /* a CRLF line end */
		} else if (u[i] < 0x20 || u[i] == 0x7f) {
			out[o++] = '?';
			i++;
		} else if ((n = utf8_len(u + i, len - i)) == 0) {
			out[o++] = '?';
			i++;
		} else {
			memcpy(out + o, u + i, n);
			o += n;
			i += n;
		}
	}
	out[o] = '\0';
	return out;
}

size_t pmc_monit_fit(const char *s, int cols, int *used)
{
	mbstate_t st;
	size_t i = 0, len = strlen(s), n;
	int w = 0, cw;
	wchar_t wc;

	memset(&st, 0, sizeof st);
	while (i < len) {
		n = mbrtowc(&wc, s + i, len - i, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			/* Not a character in this locale: one byte, one column. */
			memset(&st, 0, sizeof st);
			n = 1;
			cw = 1;
		} else {
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		if (w + cw > cols)
			break;
		w += cw;
		i += n;
	}
	if (used)
		*used = w;
	return i;
}

void pmc_monit_uptime(const struct pmc_monit_proc *p, int64_t now_ms, char *buf, size_t size)
{
	if (strcmp(p->status, "online") == 0 && p->started_at > 0)
		pmc_duration_format(now_ms > p->started_at ? now_ms - p->started_at : 0, buf, size);
	else
		snprintf(buf, size, "-");
}
