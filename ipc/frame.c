/* SPDX-License-Identifier: MIT */
/* NDJSON framing: split a byte stream into '\n'-terminated lines with a hard size cap. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memrchr */
#endif
#include "frame.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define FRAME_MIN_CAP 4096

/*
 * Invariants: buf[start, len) holds bytes not yet returned; the first
 * `scanned` of them hold no '\n'. Lines come out in order; once a line is
 * known to exceed max, every complete line before it is still returned by
 * pmc_frame_next() and then it reports -EMSGSIZE for good. The owner is
 * expected to drain pmc_frame_next() after each feed: then at most one
 * incomplete line (<= max bytes) plus one feed is ever held.
 */

void pmc_frame_init(struct pmc_frame *f, size_t max)
{
	memset(f, 0, sizeof(*f));
	f->max = max ? max : PMC_FRAME_MAX;
}

void pmc_frame_close(struct pmc_frame *f)
{
	free(f->buf);
	memset(f, 0, sizeof(*f));
}

/* Length of the incomplete line at the end of the held bytes. */
static size_t frame_tail_len(const struct pmc_frame *f)
{
	const char *nl;

	if (f->start == f->len)
		return 0;
	nl = memrchr(f->buf + f->start + f->scanned, '\n', f->len - f->start - f->scanned);
	if (!nl)
		return f->len - f->start;
	return f->len - (size_t)(nl - f->buf) - 1;
}

/* Make room for n more bytes: reclaim returned bytes first, then grow. */
static void frame_reserve(struct pmc_frame *f, size_t n)
{
	size_t need, cap;

	if (f->start == f->len) {
		f->start = f->len = 0;
		f->scanned = 0;
	} else if (f->start > f->cap / 2 || (f->start && f->len + n > f->cap)) {
		memmove(f->buf, f->buf + f->start, f->len - f->start);
		f->len -= f->start;
		f->start = 0;
	}
	need = f->len + n;
	if (need <= f->cap)
		return;
	/* Double, but never past max + 1 unless this one feed needs it. */
	cap = f->cap ? f->cap : FRAME_MIN_CAP;
	while (cap < need && cap <= f->max)
		cap *= 2;
	if (cap > f->max + 1)
		cap = f->max + 1;
	if (cap < need)
		cap = need;
	f->buf = xrealloc(f->buf, cap);
	f->cap = cap;
}

/* Drop the held incomplete line and refuse everything from now on. */
static void frame_set_overflow(struct pmc_frame *f, size_t tail)
{
	f->len -= tail;
	if (f->scanned > f->len - f->start)
		f->scanned = f->len - f->start;
	f->overflow = true;
}

/*
 * Append bytes; a line growing past max sets the overflow flag. Only a feed
 * that could push the held bytes past max looks at the data at all: below
 * that, no line can be too long yet and pmc_frame_next() scans each byte once.
 */
int pmc_frame_feed(struct pmc_frame *f, const char *data, size_t len)
{
	size_t held = f->len - f->start;
	size_t keep = len;
	bool all_scanned = false;

	if (f->overflow)
		return -EMSGSIZE;
	if (!len)
		return 0;
	if (held + len > f->max) {
		const char *nl = memrchr(data, '\n', len);

		if (!nl) {
			size_t tail = frame_tail_len(f);

			if (tail + len > f->max) {
				frame_set_overflow(f, tail);
				return -EMSGSIZE;
			}
			all_scanned = f->scanned == held;
		} else if ((size_t)(data + len - nl - 1) > f->max) {
			/* Keep the complete lines; the endless last one is the overflow. */
			keep = (size_t)(nl - data) + 1;
			f->overflow = true;
		}
	}
	frame_reserve(f, keep);
	memcpy(f->buf + f->len, data, keep);
	f->len += keep;
	if (all_scanned)
		f->scanned = f->len - f->start;
	return f->overflow ? -EMSGSIZE : 0;
}

/* Return the next complete line, NUL-terminated in place of its '\n'. */
int pmc_frame_next(struct pmc_frame *f, char **line, size_t *len)
{
	char *nl;
	size_t n;

	if (f->start == f->len)
		return f->overflow ? -EMSGSIZE : 0;
	nl = memchr(f->buf + f->start + f->scanned, '\n', f->len - f->start - f->scanned);
	if (!nl) {
		f->scanned = f->len - f->start;
		return f->overflow ? -EMSGSIZE : 0;
	}
	n = (size_t)(nl - (f->buf + f->start));
	if (n > f->max) {
		/* Framing is lost from here on: drop everything held. */
		f->start = f->len = f->scanned = 0;
		f->overflow = true;
		return -EMSGSIZE;
	}
	*nl = '\0';
	*line = f->buf + f->start;
	*len = n;
	f->start += n + 1;
	f->scanned = 0;
	return 1;
}

/* Bytes held after the last '\n': an unterminated line at EOF. */
size_t pmc_frame_pending(const struct pmc_frame *f)
{
	return frame_tail_len(f);
}
