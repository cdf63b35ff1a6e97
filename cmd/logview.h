/* SPDX-License-Identifier: MIT */
/* How `pmc logs` prints log lines (prefixes, colours, timestamps, JSON) and follows the stream. */
#ifndef PMC_CMD_LOGVIEW_H
#define PMC_CMD_LOGVIEW_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "client.h"

/* The pm_id of the daemon's own lines (name "pmcd"), labelled "PMC". */
#define PMC_LOGVIEW_DAEMON_ID -1
/* --timestamp without FMT. */
#define PMC_LOGVIEW_TIMESTAMP_DEFAULT "YYYY-MM-DDTHH:mm:ss"

struct pmc_logview {
	FILE *out;
	FILE *err_out;         /* where stderr lines go (pmc-runtime); NULL: out */
	bool skip_daemon;      /* drop the daemon's own lines (pmc-runtime has them on stderr) */
	bool raw;              /* no "ID|NAME | " prefix */
	bool json;             /* one JSON object per line */
	bool color;            /* escape codes */
	const char *timestamp; /* dayjs format of the time a line is printed; NULL: none */
	int width;             /* columns the labels are padded to */
	int64_t (*now_ms)(void); /* NULL: the wall clock */
	bool broken;           /* out failed (the reader went away): print nothing more */
};

/* A view printing to out, with prefixes, no colour, no timestamp. */
void pmc_logview_init(struct pmc_logview *v, FILE *out);
/* "0|api", or "PMC" for the daemon's own lines; caller frees. */
char *pmc_logview_label(long long pm_id, const char *name);
/* Widen the label column so that this app's label fits. */
void pmc_logview_fit(struct pmc_logview *v, long long pm_id, const char *name);
/*
 * Print one line (len bytes, no '\n'): "[TIME ]ID|NAME | line", or a JSON
 * object {"message","timestamp","type","process_id","app_name"} whose
 * timestamp is at_ms (ms since the epoch; <= 0: now) in ISO 8601 UTC.
 */
void pmc_logview_line(struct pmc_logview *v, long long pm_id, const char *name, bool err,
		      const char *line, size_t len, int64_t at_ms);
/* Print the lines of a "log" notification {"pm_id","name","stream","data","at"?}. */
void pmc_logview_note(struct pmc_logview *v, const cJSON *params);
/* Flush out; a failure (EPIPE) marks the view broken. */
void pmc_logview_flush(struct pmc_logview *v);

/*
 * Print the "log" notifications arriving on c (whose call has been answered;
 * messages already read are printed first) until stop_fd (-1: none) becomes
 * readable (0), the daemon hangs up (-ECONNRESET), out breaks (-EPIPE), or
 * the stream is undecodable (-EBADMSG, -EMSGSIZE) or fails (-errno).
 */
int pmc_logview_stream(struct pmc_logview *v, struct pmc_client *c, int stop_fd);

/*
 * ms (since the epoch) in local time as fmt, with dayjs tokens: YYYY YY M MM
 * MMM MMMM D DD d dd ddd dddd H HH h hh m mm s ss SSS Z ZZ A a X x, and text in
 * [brackets] kept as is. Always NUL-terminates; returns the length written.
 */
size_t pmc_logview_format_time(const char *fmt, int64_t ms, char *buf, size_t size);
/*
 * Whether the word after --timestamp is its FMT rather than a target: it
 * cannot be an app name, or it holds YY, MM, DD, HH or SSS.
 */
bool pmc_logview_is_time_format(const char *word);

#endif
