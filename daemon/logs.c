/* SPDX-License-Identifier: MIT */
/*
 * The log pipeline: every child stream read with backpressure, cut into lines,
 * formatted and written to its files, and streamed to `logs` followers.
 *
 * A stream reads its pipe only while none of its writes is pending: a slow
 * disk (or a slow follower) makes the app block on a full pipe instead of the
 * daemon buffering. Memory per busy stream is one read buffer, the chunk's
 * formatted text and at most one held line; idle streams hold no buffer.
 *
 * Raw output that needs no per-line work (one file of its own, no rotation,
 * no follower) never enters the daemon: a worker splices it from the pipe into
 * the file until the pipe is empty, one copy instead of a read and a write and
 * one trip per pipeful. Everything else is read, formatted and written from the
 * read buffer (no per-line work beyond finding the last newline when lines must
 * stay whole).
 */
#include "logs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "server.h"
#include "xmalloc.h"

#define READ_SIZE      65536        /* one read, normally */
#define BIG_READ       (256u << 10) /* a stream that fills its buffer reads this much */
#define BIG_PIPE       (1 << 20)    /* and its pipe is grown to this */
#define READS_PER_TURN 16           /* then the loop gets a turn */
#define CLOSE_DRAIN    (4u << 20)   /* what a released stream still takes from its pipe */
#define CLOSE_READS    1024         /* in at most this many reads */
#define SPLICE_MAX     (16u << 20)  /* one splice trip moves at most this much */
#define FOLLOW_LIMIT   (8u << 20)   /* unsent bytes a follower may have before we wait */
#define FOLLOW_GRACE   3000         /* ms a follower may stay over the limit */
#define FOLLOW_TICK    50

struct pmc_logstream {
	uv_loop_t *loop;
	uv_poll_t poll;
	int fd;
	bool err;
	char *name;
	char *date_fmt;
	int pm_id;
	struct pmc_logfmt fmt;
	struct pmc_logfile *files[2];
	int n_files;
	pmc_logstream_cb cb;
	void *data;
	/* The chunk being written. */
	char *buf;
	size_t buf_size;
	struct pmc_logfmt_out out;
	int64_t chunk_ms;
	uv_buf_t bufs[2];
	struct pmc_logfile_req reqs[2];
	int pending;
	bool polling;
	bool big;      /* fills its buffer: bigger reads and pipe */
	bool eof;      /* end of input seen; the rest is being written */
	bool done;     /* and written */
	bool closing;  /* the owner let go */
	bool paused;   /* a follower is behind */
	bool held;     /* a handoff to a new daemon image: nothing more is read */
	bool hold_flushed; /* and the formatter's held bytes went out */
	bool no_poll;  /* the poll handle could not be set up */
	bool splicing; /* reqs[0] is a splice in flight */
	bool no_splice; /* the file refused splice(2): copy */
	bool was_shared; /* a file was shared at some point: end with a whole line */
	size_t drained;
	int drain_reads;
	struct pmc_logstream *next;
};

struct follower {
	struct pmc_call *call; /* NULL once it ended */
	uv_timer_t timer;
	char **apps;           /* NULL: every app */
	bool out, err;
	bool daemon_log;       /* pmcd's own lines too */
	uint64_t over_since;   /* loop ms it went over FOLLOW_LIMIT, 0 when under */
	struct follower *next;
};

static struct {
	char *daemon_log;
	bool redirected;
	char *conf_path;
	struct pmc_logfile_opts defaults;
	struct pmc_logstream *streams;
	struct follower *followers;
} logs = { .defaults = { 0, PMC_LOGFILE_RETAIN_DEFAULT, false, false } };

/* ---- Followers --------------------------------------------------------- */

static bool follower_wants(const struct follower *f, const struct pmc_logstream *s)
{
	if (!f->call || !(s->err ? f->err : f->out))
		return false;
	if (!f->apps)
		return true;
	for (char **a = f->apps; *a; a++)
		if (strcmp(*a, s->name) == 0)
			return true;
	return false;
}

static bool followed(const struct pmc_logstream *s)
{
	for (struct follower *f = logs.followers; f; f = f->next)
		if (follower_wants(f, s))
			return true;
	return false;
}

/* A stream waits while any follower of it is over the limit. */
static bool held_by_follower(const struct pmc_logstream *s)
{
	for (struct follower *f = logs.followers; f; f = f->next)
		if (follower_wants(f, s) && f->over_since)
			return true;
	return false;
}

static void pump(struct pmc_logstream *s);

static void resume_streams(void)
{
	struct pmc_logstream *s, *next;

	for (s = logs.streams; s; s = next) {
		next = s->next;
		if (s->paused && !held_by_follower(s)) {
			s->paused = false;
			pump(s);
		}
	}
}

static void on_follower_timer_closed(uv_handle_t *handle)
{
	struct follower *f = handle->data;

	for (char **a = f->apps; a && *a; a++)
		free(*a);
	free(f->apps);
	free(f);
	resume_streams(); /* what it held back goes on (from a callback of our own) */
}

/* Unlinked now, freed later: callers may be walking the list. */
static void follower_end(struct follower *f)
{
	struct follower **pos;

	for (pos = &logs.followers; *pos; pos = &(*pos)->next) {
		if (*pos == f) {
			*pos = f->next;
			break;
		}
	}
	f->call = NULL;
	f->over_since = 0;
	uv_close((uv_handle_t *)&f->timer, on_follower_timer_closed);
}

void pmc_logs_follower_closed(struct pmc_call *call, void *data)
{
	struct follower *f = data;

	(void)call;
	if (f->call)
		follower_end(f);
}

static void on_follower_timer(uv_timer_t *timer)
{
	struct follower *f = timer->data;
	uint64_t now = uv_now(timer->loop);

	if (!f->call)
		return;
	if (pmc_call_pending(f->call) <= FOLLOW_LIMIT / 2) {
		f->over_since = 0;
		uv_timer_stop(timer);
		resume_streams();
	} else if (now - f->over_since >= FOLLOW_GRACE) {
		pmc_log_warn("dropping a log follower that has not read %zu bytes for %d ms",
			     pmc_call_pending(f->call), FOLLOW_GRACE);
		pmc_call_end(f->call, true);
		follower_end(f);
	}
}

void *pmc_logs_follow(uv_loop_t *loop, struct pmc_call *call, char **apps, bool out, bool err,
		      bool daemon_log)
{
	struct follower *f = xcalloc(1, sizeof *f);

	f->call = call;
	f->apps = apps;
	f->out = out;
	f->err = err;
	f->daemon_log = daemon_log;
	uv_timer_init(loop, &f->timer);
	f->timer.data = f;
	f->next = logs.followers;
	logs.followers = f;
	return f;
}

/* One notification; a follower that falls behind starts its grace timer. */
static void follower_send(struct follower *f, const cJSON *params)
{
	pmc_call_notify(f->call, "log", params);
	if (f->call && pmc_call_pending(f->call) > FOLLOW_LIMIT && !f->over_since) {
		f->over_since = uv_now(f->timer.loop);
		uv_timer_start(&f->timer, on_follower_timer, FOLLOW_TICK, FOLLOW_TICK);
	}
}

/* The chunk's text (valid UTF-8) to every follower of the stream. */
static void notify_followers(struct pmc_logstream *s)
{
	struct pmc_logbuf text = { 0 };
	struct follower *f;
	cJSON *params = NULL;

	for (f = logs.followers; f; f = f->next) {
		if (!follower_wants(f, s))
			continue;
		if (!params) {
			pmc_logfmt_utf8_clean(&text, s->out.text.data, s->out.text.len);
			pmc_logfmt_utf8_clean(&text, s->out.span, s->out.span_len);
			pmc_logbuf_add(&text, "", 1);
			params = cJSON_CreateObject();
			cJSON_AddNumberToObject(params, "pm_id", s->pm_id);
			cJSON_AddStringToObject(params, "name", s->name);
			cJSON_AddStringToObject(params, "stream", s->err ? "err" : "out");
			cJSON_AddStringToObject(params, "data", text.data);
			cJSON_AddNumberToObject(params, "at", (double)s->chunk_ms);
		}
		follower_send(f, params);
	}
	cJSON_Delete(params);
	pmc_logbuf_free(&text);
}

/* pmcd's own lines, as they are logged, to the followers of every app. */
static void on_daemon_line(const char *line, size_t len, void *data)
{
	struct pmc_logbuf text = { 0 };
	struct follower *f;
	cJSON *params = NULL;

	(void)data;
	for (f = logs.followers; f; f = f->next) {
		if (!f->call || !f->daemon_log)
			continue;
		if (!params) {
			pmc_logfmt_utf8_clean(&text, line, len);
			pmc_logbuf_add(&text, "", 1);
			params = cJSON_CreateObject();
			cJSON_AddNumberToObject(params, "pm_id", -1);
			cJSON_AddStringToObject(params, "name", "pmcd");
			cJSON_AddStringToObject(params, "stream", "out");
			cJSON_AddStringToObject(params, "data", text.data);
			cJSON_AddNumberToObject(params, "at", (double)pmc_clock_wall_ms());
		}
		follower_send(f, params);
	}
	cJSON_Delete(params);
	pmc_logbuf_free(&text);
}

/* ---- Streams ----------------------------------------------------------- */

static void stream_unlink(struct pmc_logstream *s)
{
	struct pmc_logstream **pos;

	for (pos = &logs.streams; *pos; pos = &(*pos)->next) {
		if (*pos == s) {
			*pos = s->next;
			return;
		}
	}
}

static void on_poll_closed(uv_handle_t *handle)
{
	struct pmc_logstream *s = handle->data;

	if (s->fd >= 0)
		close(s->fd);
	pmc_logfmt_free(&s->fmt);
	pmc_logfmt_out_free(&s->out);
	free(s->buf);
	free(s->name);
	free(s->date_fmt);
	free(s);
}

static void release_files(struct pmc_logstream *s)
{
	for (int i = 0; i < s->n_files; i++)
		pmc_logfile_unref(s->files[i]);
	s->n_files = 0;
}

/* Freed in the close callback, never synchronously: lists being walked stay valid. */
static void stream_dispose(struct pmc_logstream *s)
{
	stream_unlink(s);
	release_files(s);
	if (s->no_poll)
		on_poll_closed((uv_handle_t *)&s->poll);
	else
		uv_close((uv_handle_t *)&s->poll, on_poll_closed);
}

static void on_readable(uv_poll_t *handle, int status, int events);

static void poll_start(struct pmc_logstream *s)
{
	if (s->polling || s->no_poll)
		return;
	if (uv_poll_start(&s->poll, UV_READABLE, on_readable) == 0)
		s->polling = true;
}

static void poll_stop(struct pmc_logstream *s)
{
	if (s->polling)
		uv_poll_stop(&s->poll);
	s->polling = false;
}

/* More than one writer on a file: only whole lines may go there. */
static bool shared(const struct pmc_logstream *s)
{
	if (s->n_files > 1)
		return true;
	return s->n_files == 1 && pmc_logfile_users(s->files[0]) > 1;
}

static bool whole_lines(struct pmc_logstream *s)
{
	bool now = shared(s);

	s->was_shared |= now;
	for (int i = 0; i < s->n_files; i++)
		if (pmc_logfile_opts(s->files[i])->max_size > 0)
			return true; /* rotation must not split a line */
	return now || followed(s);
}

static void chunk_written(struct pmc_logstream *s)
{
	if (pmc_logfmt_out_len(&s->out) > 0 && followed(s))
		notify_followers(s);
	pmc_logfmt_out_free(&s->out);
	if (held_by_follower(s))
		s->paused = true;
}

static void on_written(struct pmc_logfile_req *req);

/* Hand the chunk to the files; true when writes are pending. */
static bool write_out(struct pmc_logstream *s)
{
	if (pmc_logfmt_out_len(&s->out) == 0)
		return false;
	s->bufs[0] = uv_buf_init(s->out.text.data, (unsigned)s->out.text.len);
	s->bufs[1] = uv_buf_init((char *)s->out.span, (unsigned)s->out.span_len);
	for (int i = 0; i < s->n_files; i++) {
		struct pmc_logfile_req *req = &s->reqs[i];
		req->bufs = s->bufs;
		req->nbufs = 2;
		req->splice = false;
		req->cb = on_written;
		req->data = s;
		if (pmc_logfile_write(s->files[i], req) == 0)
			s->pending++;
	}
	return s->pending > 0;
}

static void finish_input(struct pmc_logstream *s)
{
	s->done = true;
	poll_stop(s);
	free(s->buf);
	s->buf = NULL;
	release_files(s);
	if (s->closing) {
		stream_dispose(s);
		return;
	}
	if (s->cb)
		s->cb(s, s->data);
}

/* No more input: the held line goes out, then we are done. */
static void end_of_input(struct pmc_logstream *s)
{
	s->eof = true;
	poll_stop(s);
	pmc_logfmt_flush(&s->fmt, s->was_shared || shared(s), &s->out);
	if (write_out(s))
		return; /* on_written finishes */
	chunk_written(s);
	finish_input(s);
}

/* Bytes may go from the pipe to the file untouched. */
static bool can_splice(struct pmc_logstream *s)
{
	return !s->closing && !s->no_splice && s->fmt.kind == PMC_LOGFMT_RAW && s->n_files == 1 &&
	       !whole_lines(s) && !pmc_logfmt_holding(&s->fmt) &&
	       pmc_logfile_healthy(s->files[0]);
}

static void grow_pipe(struct pmc_logstream *s);

static void hold_flush(struct pmc_logstream *s);

static void on_spliced(struct pmc_logstream *s, struct pmc_logfile_req *req)
{
	s->splicing = false;
	if (s->held && !s->hold_flushed && !req->splice_eof) {
		hold_flush(s); /* a handoff waits for this splice: the rest stays in the pipe */
		return;
	}
	if (req->status == -EINVAL)
		s->no_splice = true;
	if (req->spliced >= READ_SIZE && !s->big)
		grow_pipe(s);
	if (req->splice_eof) {
		end_of_input(s);
	} else if (req->splice_empty) {
		free(s->buf); /* idle streams hold no buffer */
		s->buf = NULL;
		poll_start(s);
	} else {
		pump(s); /* more to move, or the file failed: reading drops it */
	}
}

/* True when the splice is under way (on_written follows). */
static bool splice_out(struct pmc_logstream *s)
{
	struct pmc_logfile_req *req = &s->reqs[0];

	*req = (struct pmc_logfile_req){ .splice = true,
					 .splice_fd = s->fd,
					 .splice_max = SPLICE_MAX,
					 .cb = on_written,
					 .data = s };
	if (pmc_logfile_write(s->files[0], req) < 0)
		return false;
	s->splicing = true;
	s->pending++;
	return true;
}

static void on_written(struct pmc_logfile_req *req)
{
	struct pmc_logstream *s = req->data;

	if (--s->pending > 0)
		return;
	if (s->splicing) {
		on_spliced(s, req);
		return;
	}
	chunk_written(s);
	if (s->eof)
		finish_input(s);
	else if (s->held && !s->hold_flushed)
		hold_flush(s);
	else
		pump(s);
}

static void grow_pipe(struct pmc_logstream *s)
{
	/* The app writes faster than we read: fewer, bigger trips. */
	s->big = true;
	fcntl(s->fd, F_SETPIPE_SZ, BIG_PIPE);
}

/* One read: > 0 bytes, 0 at end of input, -EAGAIN when the pipe is empty. */
static ssize_t read_chunk(struct pmc_logstream *s)
{
	size_t want = s->big ? BIG_READ : READ_SIZE;
	ssize_t n;

	if (!s->buf || s->buf_size != want) {
		free(s->buf);
		s->buf = xmalloc(want);
		s->buf_size = want;
	}
	do
		n = read(s->fd, s->buf, want);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? -EAGAIN : 0; /* a broken pipe ends the stream */
	if ((size_t)n == want && !s->big)
		grow_pipe(s);
	s->chunk_ms = pmc_clock_wall_ms();
	return n;
}

/*
 * Read and write until the pipe is empty, a write is pending, or the loop is
 * owed a turn. Writes pending: the pipe waits (backpressure).
 */
static void pump(struct pmc_logstream *s)
{
	for (int turn = 0; s->closing || turn < READS_PER_TURN; turn++) {
		ssize_t n;

		if (s->pending || s->done || s->eof || s->paused || s->held)
			return;
		if (can_splice(s) && splice_out(s))
			return;
		if (s->closing && (s->drained >= CLOSE_DRAIN || s->drain_reads++ >= CLOSE_READS))
			n = 0; /* a released stream takes what is there, within bounds */
		else
			n = read_chunk(s);
		if (n == 0 || (s->closing && n < 0)) {
			end_of_input(s);
			return;
		}
		if (n < 0) {
			free(s->buf); /* idle streams hold no buffer */
			s->buf = NULL;
			poll_start(s);
			return;
		}
		if (s->closing)
			s->drained += (size_t)n;
		pmc_logfmt_feed(&s->fmt, s->buf, (size_t)n, s->chunk_ms, whole_lines(s), &s->out);
		if (write_out(s))
			return;
		chunk_written(s);
	}
	poll_start(s);
}

static void on_readable(uv_poll_t *handle, int status, int events)
{
	struct pmc_logstream *s = handle->data;

	(void)events;
	poll_stop(s);
	if (status < 0) {
		end_of_input(s);
		return;
	}
	pump(s);
}

struct pmc_logstream *pmc_logstream_start(uv_loop_t *loop, int fd, bool err, const char *path,
					  const struct pmc_log_spec *spec, pmc_logstream_cb cb,
					  void *data)
{
	struct pmc_logstream *s = xcalloc(1, sizeof *s);
	const struct pmc_logfile_opts *rotate = spec ? &spec->rotate : &logs.defaults;

	s->loop = loop;
	s->fd = fd;
	s->err = err;
	s->cb = cb;
	s->data = data;
	s->name = xstrdup(spec && spec->name ? spec->name : "");
	s->pm_id = spec ? spec->pm_id : -1;
	s->date_fmt = spec && spec->date_fmt ? xstrdup(spec->date_fmt) : NULL;
	pmc_logfmt_init(&s->fmt, spec ? spec->kind : PMC_LOGFMT_RAW, s->date_fmt, s->name,
			s->pm_id, err ? "err" : "out", 0);
	if (path)
		s->files[s->n_files++] = pmc_logfile_open(loop, path, rotate);
	if (spec && spec->combined_path && (!path || strcmp(path, spec->combined_path) != 0))
		s->files[s->n_files++] = pmc_logfile_open(loop, spec->combined_path, rotate);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	s->poll.data = s;
	if (uv_poll_init(loop, &s->poll, fd) < 0) {
		/* Never seen for a fresh pipe; the output is lost, the app still runs. */
		pmc_log_warn("cannot watch the output of %s", s->name);
		s->no_poll = true;
		s->eof = true;
	}
	s->next = logs.streams;
	logs.streams = s;
	if (s->no_poll) {
		s->done = true; /* the owner sees it with pmc_logstream_done */
		release_files(s);
	} else {
		poll_start(s);
	}
	return s;
}

bool pmc_logstream_done(const struct pmc_logstream *s)
{
	return s->done;
}

void pmc_logstream_close(struct pmc_logstream *s)
{
	if (!s || s->closing)
		return;
	s->closing = true;
	s->cb = NULL;
	s->paused = false;
	if (s->done) {
		stream_dispose(s);
		return;
	}
	poll_stop(s);
	pump(s); /* takes what is there now, then ends */
}

/* What the formatter holds of a line goes out as it is: the next reader continues it. */
static void hold_flush(struct pmc_logstream *s)
{
	s->hold_flushed = true;
	pmc_logfmt_flush(&s->fmt, false, &s->out);
	if (!write_out(s))
		chunk_written(s);
}

void pmc_logstream_hold(struct pmc_logstream *s)
{
	if (s->held || s->done || s->closing)
		return;
	s->held = true;
	s->hold_flushed = false;
	poll_stop(s);
	if (!s->pending && !s->eof)
		hold_flush(s);
}

bool pmc_logstream_held(const struct pmc_logstream *s)
{
	return s->done || (s->held && s->hold_flushed && !s->pending);
}

void pmc_logstream_resume(struct pmc_logstream *s)
{
	if (!s->held)
		return;
	s->held = false;
	if (!s->pending)
		pump(s);
}

int pmc_logstream_fd(const struct pmc_logstream *s)
{
	return s->done ? -1 : s->fd;
}

/* ---- Files of every stream --------------------------------------------- */

void pmc_logs_init(const char *home, const char *daemon_log, bool redirected)
{
	char *cause = NULL;

	free(logs.daemon_log);
	free(logs.conf_path);
	logs.daemon_log = daemon_log ? xstrdup(daemon_log) : NULL;
	logs.redirected = redirected;
	logs.conf_path = xasprintf("%s/pmcd.conf", home);
	if (pmc_logconf_load(logs.conf_path, &logs.defaults, &cause) < 0) {
		pmc_log_warn("%s", cause);
		free(cause);
	}
	pmc_log_set_tee(on_daemon_line, NULL);
}

void pmc_logs_fini(void)
{
	pmc_log_set_tee(NULL, NULL);
	free(logs.daemon_log);
	free(logs.conf_path);
	logs.daemon_log = logs.conf_path = NULL;
}

const struct pmc_logfile_opts *pmc_logs_defaults(void)
{
	return &logs.defaults;
}

const char *pmc_logs_daemon_log(void)
{
	return logs.daemon_log;
}

static int reopen_daemon_log(void)
{
	int fd;

	if (!logs.daemon_log || !logs.redirected)
		return 0;
	fd = open(logs.daemon_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		pmc_log_warn("cannot reopen %s: %s", logs.daemon_log, strerror(errno));
		return 0;
	}
	dup2(fd, STDERR_FILENO);
	close(fd);
	return 1;
}

int pmc_logs_truncate_daemon_log(void)
{
	if (!logs.daemon_log)
		return -ENOENT;
	return truncate(logs.daemon_log, 0) < 0 ? -errno : 0;
}

struct counter {
	int left, n;
	pmc_logs_count_cb cb;
	void *data;
};

static void count_done(void *data)
{
	struct counter *c = data;

	if (--c->left > 0)
		return;
	c->cb(c->n, c->data);
	free(c);
}

void pmc_logs_reopen_all(pmc_logs_count_cb cb, void *data)
{
	struct counter *c = xcalloc(1, sizeof *c);
	struct pmc_logfile *f;
	char *cause = NULL;

	if (logs.conf_path && pmc_logconf_load(logs.conf_path, &logs.defaults, &cause) < 0) {
		pmc_log_warn("%s", cause);
		free(cause);
	}
	c->cb = cb;
	c->data = data;
	c->left = 1;
	c->n = reopen_daemon_log();
	for (f = pmc_logfile_first(); f; f = pmc_logfile_next(f)) {
		c->left++;
		c->n++;
		pmc_logfile_reopen(f, count_done, c);
	}
	pmc_log_info("reopened %d log files", c->n);
	count_done(c);
}

struct truncation {
	pmc_logs_count_cb cb;
	void *data;
};

static void truncated(void *data)
{
	struct truncation *t = data;

	t->cb(1, t->data);
	free(t);
}

void pmc_logs_truncate(const char *path, pmc_logs_count_cb cb, void *data)
{
	struct pmc_logfile *f = pmc_logfile_find(path);
	struct truncation *t;

	if (!f) {
		cb(truncate(path, 0) == 0, data);
		return;
	}
	t = xcalloc(1, sizeof *t);
	t->cb = cb;
	t->data = data;
	pmc_logfile_truncate(f, truncated, t);
}

void pmc_logs_status_json(cJSON *env, const char *const *paths, size_t n)
{
	const struct pmc_logfile_status *bad = NULL;
	struct pmc_logfile_status st[3];
	uint64_t dropped = 0;
	size_t k = 0;

	for (size_t i = 0; i < n && k < 3; i++) {
		struct pmc_logfile *f = paths[i] ? pmc_logfile_find(paths[i]) : NULL;
		if (!f)
			continue;
		pmc_logfile_status(f, &st[k]);
		dropped += st[k].dropped;
		if (st[k].error && !bad)
			bad = &st[k];
		k++;
	}
	if (bad) {
		cJSON_AddStringToObject(env, "log_error", bad->error);
		cJSON_AddNumberToObject(env, "log_error_at", (double)bad->error_at);
	} else {
		cJSON_AddNullToObject(env, "log_error");
		cJSON_AddNullToObject(env, "log_error_at");
	}
	cJSON_AddNumberToObject(env, "log_dropped", (double)dropped);
}
