/* SPDX-License-Identifier: MIT */
/* Text output of the CLI: box-drawn tables, colours, and the ls/describe/history views. */
#ifndef PMC_CMD_RENDER_H
#define PMC_CMD_RENDER_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SGR parameters of the colours used (for "\x1b[<sgr>m"). */
#define PMC_SGR_GREEN  "32"
#define PMC_SGR_RED    "31"
#define PMC_SGR_YELLOW "33"
#define PMC_SGR_GREY   "90"
#define PMC_SGR_HEADER "1;36"
#define PMC_SGR_BOLD   "1"

/* A table whose column widths follow its content. */
struct pmc_table;

/* ncols columns; headers (ncols strings) or NULL for a table without a header row. */
struct pmc_table *pmc_table_new(size_t ncols, const char *const *headers);
/*
 * Append a row of ncols cells (NULL cells print empty); colors is NULL or ncols
 * SGR strings (NULL for none). Control characters in cells become spaces.
 */
void pmc_table_add(struct pmc_table *t, const char *const *cells, const char *const *colors);
/* The table as text ending in '\n'; escape codes only when color. Caller frees. */
char *pmc_table_render(const struct pmc_table *t, bool color);
void pmc_table_free(struct pmc_table *t);

/* Terminal columns taken by UTF-8 text (one per code point). */
size_t pmc_render_width(const char *s);
/* SGR colour of an instance status ("online" → green…), or NULL. */
const char *pmc_render_status_color(const char *status);
/* "0%", "2.8%": a CPU percentage as PM2 shows it. */
void pmc_render_cpu(double cpu, char *buf, size_t size);
/* "250ms", "1.5s", "3m": how long a run lasted. */
void pmc_render_runtime(int64_t ms, char *buf, size_t size);
/* "2026-11-25T10:28:58+01:00": local time in ISO 8601. */
void pmc_render_time_iso(int64_t ms, char *buf, size_t size);
/* "10:28:58" on the same local day as now_ms, else "2026-11-25 10:28:58". */
void pmc_render_time_short(int64_t ms, int64_t now_ms, char *buf, size_t size);

/* The ls table of list entries (jlist shape), rows sorted by pm_id. Caller frees. */
char *pmc_render_list(const cJSON *entries, bool color, int64_t now_ms);
/* The describe view of a describe result {processes, events}. Caller frees. */
char *pmc_render_describe(const cJSON *result, bool color, int64_t now_ms);
/* The history table of events (oldest first). Caller frees. */
char *pmc_render_history(const cJSON *events, bool color, int64_t now_ms);

#endif
