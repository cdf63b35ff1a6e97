/* SPDX-License-Identifier: MIT */
/* NDJSON framing: split a byte stream into lines of at most PMC_FRAME_MAX bytes. */
#ifndef PMC_IPC_FRAME_H
#define PMC_IPC_FRAME_H

#include <stdbool.h>
#include <stddef.h>

/* The longest line (without its '\n') either side accepts: 1 MiB. */
#define PMC_FRAME_MAX (1024 * 1024)

/*
 * A line decoder. Bytes go in with pmc_frame_feed(); complete lines come out
 * of pmc_frame_next() without the '\n' (a trailing '\r' is kept: JSON ignores it).
 * A line longer than max sets the overflow flag: the framing is lost and the
 * owner must answer with an error and close the connection. The decoder never
 * holds more than max + one read's worth of bytes.
 */
struct pmc_frame {
	char *buf;
	size_t len;    /* bytes held */
	size_t start;  /* first byte not yet returned */
	size_t cap;
	size_t max;
	size_t scanned; /* bytes after start already known to hold no '\n' */
	bool overflow;
};

/* max 0 means PMC_FRAME_MAX. */
void pmc_frame_init(struct pmc_frame *f, size_t max);
void pmc_frame_close(struct pmc_frame *f);
/* Append bytes. Returns 0, or -EMSGSIZE once a line has grown past max. */
int pmc_frame_feed(struct pmc_frame *f, const char *data, size_t len);
/*
 * Next complete line: returns 1 and points *line (NUL-terminated, valid until the
 * next feed/next call) and *len at it; 0 when no complete line is held;
 * -EMSGSIZE when the overflow flag is set.
 */
int pmc_frame_next(struct pmc_frame *f, char **line, size_t *len);
/* Bytes of an incomplete line held (for "truncated input" at EOF). */
size_t pmc_frame_pending(const struct pmc_frame *f);

#endif
