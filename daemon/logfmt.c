/* SPDX-License-Identifier: MIT */
/* Log lines: a byte stream cut into lines, timestamp prefixes (dayjs-style formats), JSON lines. */
#include "logfmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xmalloc.h"

/* ---- Buffers ----------------------------------------------------------- */

static void buf_reserve(struct pmc_logbuf *b, size_t more)
{
	size_t want = b->len + more;

	if (want <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 256;
	while (b->cap < want)
		b->cap *= 2;
	b->data = xrealloc(b->data, b->cap);
}

void pmc_logbuf_add(struct pmc_logbuf *b, const void *data, size_t len)
{
	if (len == 0)
		return;
	buf_reserve(b, len);
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

static void buf_addc(struct pmc_logbuf *b, char c)
{
	buf_reserve(b, 1);
	b->data[b->len++] = c;
}

void pmc_logbuf_free(struct pmc_logbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* ---- Dates ------------------------------------------------------------- */

struct when {
	struct tm tm;
	int ms;
	int64_t epoch_ms;
};

enum token_kind { NUM, OFFSET_COLON, OFFSET, MERIDIEM_UPPER, MERIDIEM_LOWER };

static int year(const struct when *w) { return w->tm.tm_year + 1900; }
static int year2(const struct when *w) { return (w->tm.tm_year + 1900) % 100; }
static int month(const struct when *w) { return w->tm.tm_mon + 1; }
static int day(const struct when *w) { return w->tm.tm_mday; }
static int hour(const struct when *w) { return w->tm.tm_hour; }
static int hour12(const struct when *w) { return w->tm.tm_hour % 12 ? w->tm.tm_hour % 12 : 12; }
static int minute(const struct when *w) { return w->tm.tm_min; }
static int second(const struct when *w) { return w->tm.tm_sec; }
static int millis(const struct when *w) { return w->ms; }

/* Longer tokens first where one is the prefix of another. */
static const struct {
	const char *token;
	enum token_kind kind;
	int (*value)(const struct when *w);
	int width; /* zero-padded to this many digits */
} date_tokens[] = {
	{ "YYYY", NUM, year, 4 },	  { "YY", NUM, year2, 2 },	{ "MM", NUM, month, 2 },
	{ "M", NUM, month, 1 },		  { "DD", NUM, day, 2 },	{ "D", NUM, day, 1 },
	{ "HH", NUM, hour, 2 },		  { "H", NUM, hour, 1 },	{ "hh", NUM, hour12, 2 },
	{ "h", NUM, hour12, 1 },	  { "mm", NUM, minute, 2 },	{ "m", NUM, minute, 1 },
	{ "ss", NUM, second, 2 },	  { "s", NUM, second, 1 },	{ "SSS", NUM, millis, 3 },
	{ "ZZ", OFFSET, NULL, 0 },	  { "Z", OFFSET_COLON, NULL, 0 },
	{ "A", MERIDIEM_UPPER, NULL, 0 }, { "a", MERIDIEM_LOWER, NULL, 0 },
};

#define N_DATE_TOKENS (sizeof date_tokens / sizeof date_tokens[0])

/* Appends within cap, always leaving room for the NUL. */
struct out {
	char *p;
	size_t len, cap;
};

static void out_add(struct out *o, const char *s, size_t n)
{
	if (o->len + 1 >= o->cap)
		return;
	if (n > o->cap - 1 - o->len)
		n = o->cap - 1 - o->len;
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void put_token(struct out *o, size_t i, const struct when *w)
{
	char tmp[32];
	long off;
	int n;

	switch (date_tokens[i].kind) {
	case NUM:
		n = snprintf(tmp, sizeof tmp, "%0*d", date_tokens[i].width, date_tokens[i].value(w));
		break;
	case OFFSET_COLON:
	case OFFSET:
		off = w->tm.tm_gmtoff / 60;
		n = snprintf(tmp, sizeof tmp,
			     date_tokens[i].kind == OFFSET ? "%c%02ld%02ld" : "%c%02ld:%02ld",
			     off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
		break;
	case MERIDIEM_UPPER:
		n = snprintf(tmp, sizeof tmp, "%s", w->tm.tm_hour < 12 ? "AM" : "PM");
		break;
	default:
		n = snprintf(tmp, sizeof tmp, "%s", w->tm.tm_hour < 12 ? "am" : "pm");
		break;
	}
	out_add(o, tmp, (size_t)n);
}

/* The dayjs subset PM2 users write in --log-date-format; see the header. */
size_t pmc_logfmt_date(char *buf, size_t cap, const char *fmt, int64_t ms)
{
	struct out o = { buf, 0, cap };
	struct when w;
	time_t secs = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	char tmp[32];

	if (cap == 0)
		return 0;
	w.epoch_ms = ms;
	w.ms = (int)(ms - (int64_t)secs * 1000);
	localtime_r(&secs, &w.tm);
	while (*fmt) {
		const char *close = fmt[0] == '[' ? strchr(fmt, ']') : NULL;
		size_t i;

		if (close) {
			out_add(&o, fmt + 1, (size_t)(close - fmt - 1));
			fmt = close + 1;
			continue;
		}
		if (*fmt == 'X' || *fmt == 'x') {
			int n = snprintf(tmp, sizeof tmp, "%lld",
					 (long long)(*fmt == 'X' ? (int64_t)secs : ms));
			out_add(&o, tmp, (size_t)n);
			fmt++;
			continue;
		}
		for (i = 0; i < N_DATE_TOKENS; i++)
			if (strncmp(fmt, date_tokens[i].token, strlen(date_tokens[i].token)) == 0)
				break;
		if (i < N_DATE_TOKENS) {
			put_token(&o, i, &w);
			fmt += strlen(date_tokens[i].token);
		} else {
			out_add(&o, fmt++, 1);
		}
	}
	buf[o.len] = '\0';
	return o.len;
}

size_t pmc_logfmt_iso(char *buf, size_t cap, int64_t ms)
{
	time_t secs = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	struct tm tm;
	int n;

	gmtime_r(&secs, &tm);
	n = snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     (int)(ms - (int64_t)secs * 1000));
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap ? cap - 1 : 0;
}

/* ---- UTF-8 and JSON ---------------------------------------------------- */

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	/* No overlong forms, no surrogates, nothing above U+10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

void pmc_logfmt_utf8_clean(struct pmc_logbuf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	buf_reserve(b, len);
	while (i < len) {
		size_t n = utf8_len(p + i, len - i);
		if (n) {
			i += n;
			continue;
		}
		pmc_logbuf_add(b, s + run, i - run);
		pmc_logbuf_add(b, replacement, 3);
		run = ++i;
	}
	pmc_logbuf_add(b, s + run, len - run);
}

static const char *const short_escapes[32] = {
	['\b'] = "\\b", ['\f'] = "\\f", ['\n'] = "\\n", ['\r'] = "\\r", ['\t'] = "\\t",
};

/* Bytes that cannot be copied as they are: controls, '"', '\\', and non-ASCII (checked). */
static const unsigned char special[256] = {
	[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xff] = 1,
};

void pmc_logfmt_json_escape(struct pmc_logbuf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;
	char esc[8];

	buf_reserve(b, len + 2);
	while (i < len) {
		unsigned char c;
		size_t n;

		while (i < len && !special[p[i]])
			i++;
		if (i == len)
			break;
		c = p[i];
		if (c >= 0x80 && (n = utf8_len(p + i, len - i)) != 0) {
			i += n;
			continue;
		}
		pmc_logbuf_add(b, s + run, i - run);
		if (c == '"' || c == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)c);
		} else if (c < 0x20 && short_escapes[c]) {
			pmc_logbuf_add(b, short_escapes[c], 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof esc, "\\u%04x", c);
			pmc_logbuf_add(b, esc, 6);
		} else {
			pmc_logbuf_add(b, replacement, 3);
		}
		run = ++i;
	}
	pmc_logbuf_add(b, s + run, len - run);
}

/* ---- Lines ------------------------------------------------------------- */

void pmc_logfmt_init(struct pmc_logfmt *f, enum pmc_logfmt_kind kind, const char *date_fmt,
		     const char *name, int pm_id, const char *type, size_t cap)
{
	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->date_fmt = date_fmt || kind != PMC_LOGFMT_TIME ? date_fmt : PMC_LOGFMT_TIME_DEFAULT;
	f->name = name ? name : "";
	f->pm_id = pm_id;
	f->type = type ? type : "out";
	f->cap = cap ? cap : PMC_LOGFMT_CAP;
	f->stamp_ms = INT64_MIN;
	if (kind == PMC_LOGFMT_JSON) {
		/* What ends every JSON line never changes: made once. */
		char num[24];
		int n = snprintf(num, sizeof num, "%d", pm_id);
		pmc_logbuf_add(&f->json_tail, "\",\"type\":\"", 10);
		pmc_logfmt_json_escape(&f->json_tail, f->type, strlen(f->type));
		pmc_logbuf_add(&f->json_tail, "\",\"process_id\":", 15);
		pmc_logbuf_add(&f->json_tail, num, (size_t)n);
		pmc_logbuf_add(&f->json_tail, ",\"app_name\":\"", 13);
		pmc_logfmt_json_escape(&f->json_tail, f->name, strlen(f->name));
		pmc_logbuf_add(&f->json_tail, "\"}\n", 3);
	}
}

void pmc_logfmt_free(struct pmc_logfmt *f)
{
	pmc_logbuf_free(&f->partial);
	pmc_logbuf_free(&f->json_tail);
}

void pmc_logfmt_out_free(struct pmc_logfmt_out *out)
{
	pmc_logbuf_free(&out->text);
	out->span = NULL;
	out->span_len = 0;
}

size_t pmc_logfmt_out_len(const struct pmc_logfmt_out *out)
{
	return out->text.len + out->span_len;
}

bool pmc_logfmt_holding(const struct pmc_logfmt *f)
{
	return f->partial.len > 0;
}

/*
 * The formatted time of ms; every line of a chunk shares it, so it is cached.
 * For JSON it is the whole `","timestamp":"…"` piece, escaped.
 */
static const char *stamp(struct pmc_logfmt *f, int64_t ms, size_t *len)
{
	char when[sizeof f->stamp / 2];
	size_t n;

	if (f->stamp_ms == ms) {
		*len = f->stamp_len;
		return f->stamp;
	}
	if (f->date_fmt)
		n = pmc_logfmt_date(when, sizeof when, f->date_fmt, ms);
	else
		n = pmc_logfmt_iso(when, sizeof when, ms);
	if (f->kind == PMC_LOGFMT_JSON) {
		struct pmc_logbuf b = { 0 };
		pmc_logbuf_add(&b, "\",\"timestamp\":\"", 15);
		pmc_logfmt_json_escape(&b, when, n);
		n = b.len < sizeof f->stamp ? b.len : sizeof f->stamp;
		memcpy(f->stamp, b.data, n);
		pmc_logbuf_free(&b);
	} else {
		memcpy(f->stamp, when, n);
	}
	f->stamp_len = n;
	f->stamp_ms = ms;
	*len = n;
	return f->stamp;
}

/* One line, or a piece of one (ended: it includes its '\n'), formatted into text. */
static void emit(struct pmc_logfmt *f, const char *p, size_t n, int64_t ms, bool ended,
		 struct pmc_logbuf *text)
{
	const char *st;
	size_t st_len;

	switch (f->kind) {
	case PMC_LOGFMT_TIME:
		if (!f->mid_line) {
			st = stamp(f, ms, &st_len);
			pmc_logbuf_add(text, st, st_len);
			pmc_logbuf_add(text, ": ", 2);
		}
		/* fallthrough */
	case PMC_LOGFMT_RAW:
		pmc_logbuf_add(text, p, n);
		f->mid_line = !ended;
		return;
	case PMC_LOGFMT_JSON:
		if (ended)
			n--;
		pmc_logbuf_add(text, "{\"message\":\"", 12);
		pmc_logfmt_json_escape(text, p, n);
		st = stamp(f, ms, &st_len); /* '"' through the end, ready to copy */
		pmc_logbuf_add(text, st, st_len);
		pmc_logbuf_add(text, f->json_tail.data, f->json_tail.len);
		return;
	}
}

/* Every line in [p, p + n), the last one maybe unfinished, each formatted. */
static void emit_lines(struct pmc_logfmt *f, const char *p, size_t n, int64_t ms,
		       struct pmc_logbuf *text)
{
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t len = nl ? (size_t)(nl - p) + 1 : n;

		emit(f, p, len, ms, nl != NULL, text);
		p += len;
		n -= len;
	}
}

/* The held line goes out, complete or not; the buffer is handed over when it can be. */
static void emit_held(struct pmc_logfmt *f, bool ended, struct pmc_logbuf *text)
{
	if (f->kind == PMC_LOGFMT_RAW && text->len == 0) {
		pmc_logbuf_free(text);
		*text = f->partial;
		memset(&f->partial, 0, sizeof f->partial);
		f->mid_line = !ended;
		return;
	}
	emit(f, f->partial.data, f->partial.len, f->partial_ms, ended, text);
	pmc_logbuf_free(&f->partial);
}

/* Bytes go out as they come; a raw chunk is not even copied. */
static void feed_stream(struct pmc_logfmt *f, const char *data, size_t len, int64_t now_ms,
			struct pmc_logfmt_out *out)
{
	if (f->partial.len)
		emit_held(f, false, &out->text);
	if (f->kind == PMC_LOGFMT_RAW) {
		out->span = data;
		out->span_len = len;
		f->mid_line = data[len - 1] != '\n';
		return;
	}
	emit_lines(f, data, len, now_ms, &out->text);
}

void pmc_logfmt_feed(struct pmc_logfmt *f, const char *data, size_t len, int64_t now_ms,
		     bool whole_lines, struct pmc_logfmt_out *out)
{
	const char *nl, *last;
	size_t pos = 0, end;

	if (len == 0)
		return;
	if (!whole_lines && f->kind != PMC_LOGFMT_JSON) {
		feed_stream(f, data, len, now_ms, out);
		return;
	}
	if (f->partial.len) {
		nl = memchr(data, '\n', len);
		pos = nl ? (size_t)(nl - data) + 1 : len;
		pmc_logbuf_add(&f->partial, data, pos);
		if (nl || f->partial.len > f->cap)
			emit_held(f, nl != NULL, &out->text);
		if (!nl)
			return;
	}
	last = pos < len ? memrchr(data + pos, '\n', len - pos) : NULL;
	end = last ? (size_t)(last - data) + 1 : pos;
	if (len - end > f->cap)
		end = len; /* an overlong unfinished line goes out now, as it is */
	if (end > pos) {
		if (f->kind == PMC_LOGFMT_RAW) {
			out->span = data + pos;
			out->span_len = end - pos;
			f->mid_line = data[end - 1] != '\n';
		} else {
			emit_lines(f, data + pos, end - pos, now_ms, &out->text);
		}
	}
	if (end < len) {
		pmc_logbuf_add(&f->partial, data + end, len - end);
		f->partial_ms = now_ms;
	}
}

void pmc_logfmt_flush(struct pmc_logfmt *f, bool newline, struct pmc_logfmt_out *out)
{
	if (!f->partial.len)
		return;
	if (newline && f->kind != PMC_LOGFMT_JSON) {
		pmc_logbuf_add(&f->partial, "\n", 1);
		emit_held(f, true, &out->text);
		return;
	}
	emit_held(f, false, &out->text);
}
