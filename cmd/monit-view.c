/* SPDX-License-Identifier: MIT */
/* Drawing `pmc monit` with ncurses: list, sparklines, details, log pane, footer. */
#include "monit-view.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "render.h"

enum { PAIR_GREEN = 1, PAIR_RED, PAIR_YELLOW, PAIR_CYAN, PAIR_GREY };

#define CPU_FLOOR 1.0               /* sparklines scale to at least 1 % */
#define MEM_FLOOR (1024.0 * 1024.0) /* and 1 MB */
#define STALE_MS  3000              /* "no update for" shows after this */

void pmc_monit_view_init(struct pmc_monit_view *v, bool color)
{
	v->color = color && has_colors();
	if (!v->color)
		return;
	start_color();
	use_default_colors();
	init_pair(PAIR_GREEN, COLOR_GREEN, -1);
	init_pair(PAIR_RED, COLOR_RED, -1);
	init_pair(PAIR_YELLOW, COLOR_YELLOW, -1);
	init_pair(PAIR_CYAN, COLOR_CYAN, -1);
	init_pair(PAIR_GREY, COLOR_BLACK + 8 < COLORS ? COLOR_BLACK + 8 : COLOR_WHITE, -1);
}

static attr_t pair(const struct pmc_monit_view *v, int p)
{
	return v->color ? COLOR_PAIR(p) : 0;
}

static attr_t status_attr(const struct pmc_monit_view *v, const char *status)
{
	if (strcmp(status, "online") == 0)
		return pair(v, PAIR_GREEN);
	if (strcmp(status, "errored") == 0 || strcmp(status, "stopped") == 0)
		return pair(v, PAIR_RED);
	return pair(v, PAIR_YELLOW);
}

/* Put at most cols columns of s at (y, x); non-ASCII becomes '?' on a non-UTF-8 terminal. */
static int put(const struct pmc_monit_view *v, int y, int x, const char *s, int cols)
{
	char *ascii = NULL;
	int used = 0;
	size_t n;

	if (cols <= 0)
		return 0;
	if (!v->utf8) {
		ascii = strdup(s);
		for (char *c = ascii; c && *c; c++)
			if ((unsigned char)*c >= 0x80)
				*c = '?';
		s = ascii ? ascii : "";
	}
	n = pmc_monit_fit(s, cols, &used);
	mvaddnstr(y, x, s, (int)n);
	free(ascii);
	return used;
}

/* Fill row y from x to the right edge with spaces (in the current attributes). */
static void clear_to_end(int y, int x)
{
	for (; x < COLS; x++)
		mvaddch(y, x, ' ');
}

/* "── TEXT ───…" across the screen. */
static void title_rule(const struct pmc_monit_view *v, int y, const char *text)
{
	int x;

	attron(A_BOLD);
	mvhline(y, 0, ACS_HLINE, COLS);
	x = 2 + put(v, y, 2, " ", 1);
	x += put(v, y, x, text, COLS - x - 2);
	put(v, y, x, " ", 1);
	attroff(A_BOLD);
}

static const char *short_status(const char *status)
{
	if (strcmp(status, "waiting restart") == 0)
		return "waiting";
	if (strcmp(status, "one-launch-status") == 0)
		return "one-launch";
	return status;
}

static void scales(const struct pmc_monit_model *m, double *cpu_max, double *mem_max)
{
	double vals[PMC_MONIT_HISTORY];

	*cpu_max = CPU_FLOOR;
	*mem_max = MEM_FLOOR;
	for (size_t i = 0; i < m->n; i++) {
		size_t n = pmc_monit_history(&m->procs[i], false, vals);
		for (size_t k = 0; k < n; k++)
			if (vals[k] > *cpu_max)
				*cpu_max = vals[k];
		n = pmc_monit_history(&m->procs[i], true, vals);
		for (size_t k = 0; k < n; k++)
			if (vals[k] > *mem_max)
				*mem_max = vals[k];
	}
}

static void draw_title(const struct pmc_monit_view *v, const struct pmc_monit_model *m)
{
	char left[128], right[64];
	size_t apps = 0;
	int rw;

	for (size_t i = 0; i < m->n; i++)
		if (i == 0 || strcmp(m->procs[i].name, m->procs[i - 1].name) != 0)
			apps++;
	snprintf(left, sizeof left, " pmc monit  %zu app%s, %zu instance%s", apps,
	         apps == 1 ? "" : "s", m->n, m->n == 1 ? "" : "s");
	if (v->stale_ms >= STALE_MS)
		snprintf(right, sizeof right, "no update for %llds ",
		         (long long)(v->stale_ms / 1000));
	else
		snprintf(right, sizeof right, "live ");
	attron(A_REVERSE);
	clear_to_end(0, 0);
	put(v, 0, 0, left, COLS);
	rw = (int)strlen(right);
	if (rw < COLS - (int)strlen(left))
		put(v, 0, COLS - rw, right, rw);
	attroff(A_REVERSE);
}

/* The last minute of p's cpu (or memory) at (y, x), scaled against max. */
static void draw_spark(const struct pmc_monit_view *v, int y, int x, const struct pmc_monit_proc *p,
                       bool mem, double max, int width)
{
	char spark[PMC_MONIT_HISTORY * 3 + 1];
	double vals[PMC_MONIT_HISTORY];
	size_t n = pmc_monit_history(p, mem, vals);

	pmc_monit_sparkline(vals, n, max, width, v->utf8, spark, sizeof spark);
	attron(pair(v, PAIR_CYAN));
	put(v, y, x, spark, width);
	attroff(pair(v, PAIR_CYAN));
}

static void draw_list(const struct pmc_monit_view *v, struct pmc_monit_model *m,
                      const struct pmc_monit_layout *l)
{
	int nx = 5, sx = nx + l->name_w + 1, cx = sx + 11, csx = cx + 7, mx = csx + l->spark_w + 1,
	    msx = mx + 8;
	double cpu_max, mem_max;
	char buf[64];

	attron(A_BOLD);
	put(v, 1, 1, " id", 3);
	put(v, 1, nx, "name", l->name_w);
	put(v, 1, sx, "status", 10);
	put(v, 1, cx + 3, "cpu", 3);
	if (l->spark_w >= 8)
		put(v, 1, csx, "cpu history", l->spark_w);
	put(v, 1, mx + 4, "mem", 3);
	if (l->spark_w >= 8)
		put(v, 1, msx, "mem history", l->spark_w);
	attroff(A_BOLD);
	if (m->n == 0) {
		attron(pair(v, PAIR_GREY));
		put(v, l->list_y, 1, "no apps: start one with `pmc start`", COLS - 2);
		attroff(pair(v, PAIR_GREY));
		return;
	}
	scales(m, &cpu_max, &mem_max);
	m->top = pmc_monit_scroll(m->sel, m->n, l->list_h, m->top);
	for (int row = 0; row < l->list_h && m->top + (size_t)row < m->n; row++) {
		const struct pmc_monit_proc *p = &m->procs[m->top + (size_t)row];
		int y = l->list_y + row;
		bool sel = m->top + (size_t)row == m->sel;

		if (sel) {
			attron(A_REVERSE);
			clear_to_end(y, 0);
		}
		snprintf(buf, sizeof buf, "%3lld", p->pm_id);
		put(v, y, 1, buf, 3);
		put(v, y, nx, p->name, l->name_w);
		attron(status_attr(v, p->status));
		put(v, y, sx, short_status(p->status), 10);
		attroff(status_attr(v, p->status));
		pmc_render_cpu(p->cpu, buf, sizeof buf);
		put(v, y, cx + 6 - (int)strlen(buf), buf, 6);
		draw_spark(v, y, csx, p, false, cpu_max, l->spark_w);
		pmc_size_format(p->mem, buf, sizeof buf);
		put(v, y, mx + 7 - (int)strlen(buf), buf, 7);
		draw_spark(v, y, msx, p, true, mem_max, l->spark_w);
		if (sel)
			attroff(A_REVERSE);
	}
	if (m->top > 0 || m->top + (size_t)l->list_h < m->n) {
		snprintf(buf, sizeof buf, "%zu-%zu of %zu", m->top + 1,
		         m->top + (size_t)l->list_h < m->n ? m->top + (size_t)l->list_h : m->n,
		         m->n);
		attron(pair(v, PAIR_GREY));
		put(v, 1, COLS - (int)strlen(buf) - 1, buf, (int)strlen(buf));
		attroff(pair(v, PAIR_GREY));
	}
}

/* "label value" pairs along one row. */
static int field(const struct pmc_monit_view *v, int y, int x, const char *label, const char *value,
                 attr_t attr)
{
	if (x >= COLS - 1)
		return x;
	attron(pair(v, PAIR_GREY));
	x += put(v, y, x, label, COLS - x - 1);
	attroff(pair(v, PAIR_GREY));
	x += put(v, y, x, " ", COLS - x - 1);
	attron(attr);
	x += put(v, y, x, value, COLS - x - 1);
	attroff(attr);
	return x + put(v, y, x, "   ", COLS - x - 1);
}

static void draw_details(const struct pmc_monit_view *v, const struct pmc_monit_model *m,
                         const struct pmc_monit_layout *l)
{
	const struct pmc_monit_proc *p = pmc_monit_model_selected(m);
	char title[160], pid[24], up[24], restarts[48], cpu[24], mem[24];
	int y = l->details_y, x;

	if (!p) {
		title_rule(v, y, "details");
		return;
	}
	snprintf(title, sizeof title, "%s (id %lld)", p->name, p->pm_id);
	title_rule(v, y, title);
	snprintf(pid, sizeof pid, "%lld", p->pid);
	pmc_monit_uptime(p, v->now_ms, up, sizeof up);
	snprintf(restarts, sizeof restarts, "%lld (unstable %lld)", p->restarts, p->unstable);
	pmc_render_cpu(p->cpu, cpu, sizeof cpu);
	pmc_size_format(p->mem, mem, sizeof mem);
	x = field(v, y + 1, 1, "pid", p->pid ? pid : "-", A_BOLD);
	x = field(v, y + 1, x, "uptime", up, A_BOLD);
	x = field(v, y + 1, x, "restarts", restarts, A_BOLD);
	field(v, y + 1, x, "last exit", p->last_exit, A_BOLD);
	x = field(v, y + 2, 1, "status", p->status, status_attr(v, p->status) | A_BOLD);
	x = field(v, y + 2, x, "mode", p->mode, A_BOLD);
	x = field(v, y + 2, x, "cpu", cpu, A_BOLD);
	field(v, y + 2, x, "mem", mem, A_BOLD);
	field(v, y + 3, 1, "script", p->script, A_BOLD);
}

static void draw_logs(const struct pmc_monit_view *v, const struct pmc_monit_model *m,
                      const struct pmc_monit_layout *l)
{
	const struct pmc_monit_proc *p = pmc_monit_model_selected(m);
	char title[160];
	size_t first;

	snprintf(title, sizeof title, "logs%s%s", p ? ": " : "", p ? p->name : "");
	title_rule(v, l->logs_y - 1, title);
	if (m->log_n == 0 && l->logs_h > 0) {
		attron(pair(v, PAIR_GREY));
		put(v, l->logs_y, 1, p ? "(no output yet)" : "", COLS - 2);
		attroff(pair(v, PAIR_GREY));
		return;
	}
	first = m->log_n > (size_t)l->logs_h ? m->log_n - (size_t)l->logs_h : 0;
	for (size_t i = first; i < m->log_n; i++) {
		const struct pmc_monit_log_line *line = pmc_monit_model_log_line(m, i);
		attr_t a = line->err ? pair(v, PAIR_RED) : 0;
		attron(a);
		put(v, l->logs_y + (int)(i - first), 1, line->text, COLS - 2);
		attroff(a);
	}
}

static void draw_footer(const struct pmc_monit_view *v, const struct pmc_monit_layout *l)
{
	const char *keys = v->utf8 ? " ↑↓/jk select  r restart  s stop  l logs  q quit"
	                           : " up/down/jk select  r restart  s stop  l logs  q quit";
	int x;

	attron(A_REVERSE);
	clear_to_end(l->footer_y, 0);
	x = put(v, l->footer_y, 0, keys, COLS);
	attroff(A_REVERSE);
	if (v->message && x + 3 < COLS) {
		attr_t a =
		    (v->message_err ? pair(v, PAIR_RED) : pair(v, PAIR_GREEN)) | A_BOLD | A_REVERSE;
		attron(a);
		put(v, l->footer_y, x + 2, v->message, COLS - x - 3);
		attroff(a);
	}
}

void pmc_monit_view_draw(const struct pmc_monit_view *v, struct pmc_monit_model *m)
{
	struct pmc_monit_layout l;

	erase();
	pmc_monit_layout(LINES, COLS, m->n, v->logs, &l);
	if (l.too_small) {
		put(v, 0, 0, "terminal too small", COLS);
		refresh();
		return;
	}
	draw_title(v, m);
	draw_list(v, m, &l);
	draw_details(v, m, &l);
	if (v->logs)
		draw_logs(v, m, &l);
	draw_footer(v, &l);
	refresh();
}
