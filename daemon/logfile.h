/* SPDX-License-Identifier: MIT */
/*
 * A log file shared by every stream that writes to its path: one fd, writes
 * done in order off the loop, rotation between whole writes, reopening, and
 * faults that drop output instead of stopping the app.
 */
#ifndef PMC_DAEMON_LOGFILE_H
#define PMC_DAEMON_LOGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct pmc_logfile;

/* Rotation settings of one file (also the daemon-wide defaults of pmcd.conf). */
struct pmc_logfile_opts {
	int64_t max_size; /* rotate once the file has this many bytes; 0: never */
	int retain;       /* rotated files kept; older ones are deleted */
	bool date_names;  /* NAME-YYYYMMDD-HHMMSS.log rather than NAME.log.1 … .N */
	bool compress;    /* gzip rotated files (NAME.log.1.gz), off the loop */
};

#define PMC_LOGFILE_RETAIN_DEFAULT 5

/* No rotation, retain 5, no compression, numbered names. */
void pmc_logconf_defaults(struct pmc_logfile_opts *opts);
/*
 * Parse pmcd.conf text: `key = value` lines, '#' comments, blank lines. Keys:
 * log_max_size (a size: 10M, 512K, 0), log_retain (an integer >= 0),
 * log_compress (true/false), log_rotate_names (number/date); other keys belong
 * to others and are skipped. Every good line is applied; returns 0, or -EINVAL
 * with *cause (caller frees) naming the first bad line ("line 3: ...").
 */
int pmc_logconf_parse(const char *text, struct pmc_logfile_opts *opts, char **cause);
/* Defaults, then the file at path if it exists; errors as pmc_logconf_parse (or -errno). */
int pmc_logconf_load(const char *path, struct pmc_logfile_opts *opts, char **cause);

struct pmc_logfile_req;
typedef void (*pmc_logfile_cb)(struct pmc_logfile_req *req);

/*
 * One write: the caller fills the first fields and keeps everything alive until cb.
 * A splice request moves bytes from a pipe into the file in the kernel instead
 * (no copy through the daemon): until the pipe is empty, its writers are gone,
 * or splice_max bytes moved. Bytes it could not move stay in the pipe.
 */
struct pmc_logfile_req {
	const uv_buf_t *bufs; /* bytes to append, in order (borrowed) */
	unsigned nbufs;       /* at most PMC_LOGFILE_MAX_BUFS */
	bool splice;          /* move from splice_fd instead of writing bufs */
	int splice_fd;        /* a non-blocking pipe */
	size_t splice_max;
	pmc_logfile_cb cb;
	void *data;
	int status;           /* set before cb: 0, or -errno (bufs dropped; for a splice,
			       * -EINVAL: this pipe and file cannot be spliced) */
	size_t spliced;       /* set before cb: bytes moved */
	bool splice_eof;      /* set before cb: the pipe is empty and has no writer */
	bool splice_empty;    /* set before cb: the pipe is empty for now */
	struct pmc_logfile_req *next; /* private */
};

#define PMC_LOGFILE_MAX_BUFS 16

/*
 * The file at path (absolute), shared: found or created, and one more user.
 * Opening happens now (creating missing directories); a failure is recorded
 * on the file, logged once, and retried with later writes. opts replace the
 * file's rotation settings (the latest user's win).
 */
struct pmc_logfile *pmc_logfile_open(uv_loop_t *loop, const char *path,
				     const struct pmc_logfile_opts *opts);
/* One user fewer; the file is closed once none is left and its writes are done. */
void pmc_logfile_unref(struct pmc_logfile *f);
/* Streams using the file: more than one means lines must not be split. */
int pmc_logfile_users(const struct pmc_logfile *f);
/* True when writes currently reach the file (not in a failed state). */
bool pmc_logfile_healthy(const struct pmc_logfile *f);
const struct pmc_logfile_opts *pmc_logfile_opts(const struct pmc_logfile *f);

/*
 * Queue a write (done in order, off the loop). Returns 0 and req->cb follows,
 * or a negative errno when the file is failing and the bytes were dropped now
 * (no callback): failing files are retried at most once a second.
 */
int pmc_logfile_write(struct pmc_logfile *f, struct pmc_logfile_req *req);

typedef void (*pmc_logfile_done_cb)(void *data);
/* Close and open again (after an external rotation), between writes; cb may be NULL. */
void pmc_logfile_reopen(struct pmc_logfile *f, pmc_logfile_done_cb cb, void *data);
/* Empty the file, between writes; cb may be NULL. */
void pmc_logfile_truncate(struct pmc_logfile *f, pmc_logfile_done_cb cb, void *data);

struct pmc_logfile_status {
	const char *path;
	int64_t size;       /* bytes in the file after the last write */
	const char *error;  /* why writes fail now, or NULL */
	int64_t error_at;   /* ms since the epoch of that failure */
	uint64_t dropped;   /* bytes dropped since the file was opened */
	int users;
};

void pmc_logfile_status(const struct pmc_logfile *f, struct pmc_logfile_status *st);
/* The open file at path, or NULL. */
struct pmc_logfile *pmc_logfile_find(const char *path);
/* Every open file, for reopening them all. */
struct pmc_logfile *pmc_logfile_first(void);
struct pmc_logfile *pmc_logfile_next(const struct pmc_logfile *f);

/* Name of the rotated file number n (1 = newest) of path: "x.log.1", "x.log.2.gz". */
char *pmc_logfile_rotated_name(const char *path, int n, bool gz);
/* Name a date-rotated file of path gets: "x-20261125-093029.log"; seq > 0 adds "-SEQ". */
char *pmc_logfile_dated_name(const char *path, int64_t ms, int seq);

#endif
