/* SPDX-License-Identifier: MIT */
/* Log lines: a byte stream cut into lines, timestamp prefixes (dayjs-style formats), JSON lines. */
#ifndef PMC_DAEMON_LOGFMT_H
#define PMC_DAEMON_LOGFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer (not NUL-terminated). */
struct pmc_logbuf {
	char *data;
	size_t len, cap;
};

void pmc_logbuf_add(struct pmc_logbuf *b, const void *data, size_t len);
/* Frees the memory and empties the buffer. */
void pmc_logbuf_free(struct pmc_logbuf *b);

/*
 * Format ms (since the epoch, local time as TZ says) with a dayjs-style format:
 * YYYY YY MM M DD D HH H hh h mm m ss s SSS Z (+02:00) ZZ (+0200) A a X x, and
 * [text] for literal text; any other character is copied. Writes at most cap - 1
 * bytes and a NUL; returns the length written.
 */
size_t pmc_logfmt_date(char *out, size_t cap, const char *fmt, int64_t ms);
/* ISO 8601 in UTC with milliseconds: "2026-11-25T09:30:29.633Z". */
size_t pmc_logfmt_iso(char *out, size_t cap, int64_t ms);

/* Append len bytes as the inside of a JSON string: quotes, backslashes and
 * control characters escaped, invalid UTF-8 replaced by U+FFFD. */
void pmc_logfmt_json_escape(struct pmc_logbuf *b, const char *s, size_t len);
/* Append len bytes with invalid UTF-8 replaced by U+FFFD (nothing else changes). */
void pmc_logfmt_utf8_clean(struct pmc_logbuf *b, const char *s, size_t len);

enum pmc_logfmt_kind {
	PMC_LOGFMT_RAW,  /* bytes as the app wrote them */
	PMC_LOGFMT_TIME, /* "STAMP: " before every line */
	PMC_LOGFMT_JSON, /* one {"message",...} object per line */
};

/* The time --time gives, as PM2. */
#define PMC_LOGFMT_TIME_DEFAULT "YYYY-MM-DDTHH:mm:ss"

/* One stream's formatting settings (borrowed strings) and its state between chunks. */
struct pmc_logfmt {
	enum pmc_logfmt_kind kind;
	const char *date_fmt; /* TIME: the prefix; JSON: the timestamp (NULL: ISO in UTC) */
	const char *name;     /* JSON app_name */
	int pm_id;            /* JSON process_id */
	const char *type;     /* JSON type: "out" or "err" */
	size_t cap;           /* a held line longer than this is written as it is */

	struct pmc_logbuf partial; /* the start of a line held back until its end comes */
	int64_t partial_ms;        /* when its first byte arrived */
	bool mid_line;             /* the output ends inside a line: no prefix for what follows */
	int64_t stamp_ms;          /* stamp holds the formatted time of stamp_ms */
	char stamp[256];
	size_t stamp_len;
	struct pmc_logbuf json_tail; /* the end of every JSON line: type, id, name */
};

/* What one chunk turns into: text, then span (bytes of the input, unchanged). */
struct pmc_logfmt_out {
	struct pmc_logbuf text;
	const char *span;
	size_t span_len;
};

/* Settings in; state zeroed. cap 0 means PMC_LOGFMT_CAP. */
void pmc_logfmt_init(struct pmc_logfmt *f, enum pmc_logfmt_kind kind, const char *date_fmt,
		     const char *name, int pm_id, const char *type, size_t cap);
void pmc_logfmt_free(struct pmc_logfmt *f);

#define PMC_LOGFMT_CAP (4u << 20)

/*
 * Feed bytes that arrived at now_ms; what is to be written is appended to out
 * (out->span must be empty). With whole_lines (always for JSON), an unfinished
 * line is held back until its newline, until it outgrows cap, or until
 * pmc_logfmt_flush; otherwise bytes go out as they come, and a prefix is still
 * written once per line, when its first byte arrives. Lines end at '\n' only
 * ("\r\n" keeps its '\r').
 */
void pmc_logfmt_feed(struct pmc_logfmt *f, const char *data, size_t len, int64_t now_ms,
		     bool whole_lines, struct pmc_logfmt_out *out);
/* The held line, if any, goes out as it is (end of input); with newline, a '\n' ends it. */
void pmc_logfmt_flush(struct pmc_logfmt *f, bool newline, struct pmc_logfmt_out *out);
/* True while a line is held back. */
bool pmc_logfmt_holding(const struct pmc_logfmt *f);

void pmc_logfmt_out_free(struct pmc_logfmt_out *out);
/* Bytes in out (text and span). */
size_t pmc_logfmt_out_len(const struct pmc_logfmt_out *out);

#endif
