/* SPDX-License-Identifier: MIT */
/*
 * A log file shared by every stream that writes to its path: one fd, writes
 * done in order off the loop, rotation between whole writes, reopening, and
 * faults that drop output instead of stopping the app.
 *
 * Each file runs one operation at a time in the threadpool (the queued writes
 * as one writev, plus any reopen or truncation asked for), so rotation always
 * falls between two whole writes. While an operation is in flight only
 * the worker touches the fd; the loop sees the outcome in after_work.
 * A splice request goes alone: the worker moves a pipe's bytes into the file
 * until the pipe is empty, so a flood costs one trip per pipeful, not per read.
 */
#include "logfile.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "clock.h"
#include "duration.h"
#include "log.h"
#include "paths.h"
#include "xmalloc.h"

#define RETRY_MS      1000       /* a failing file is tried again at most this often */
#define CHECK_MS      1000       /* how often we check that the path still names our file */
#define BATCH_BUFS    1024       /* IOV_MAX: buffers in one writev */
#define GZIP_CHUNK    65536

/* ---- pmcd.conf --------------------------------------------------------- */

void pmc_logconf_defaults(struct pmc_logfile_opts *opts)
{
	opts->max_size = 0;
	opts->retain = PMC_LOGFILE_RETAIN_DEFAULT;
	opts->date_names = false;
	opts->compress = false;
}

static int conf_size(const char *v, struct pmc_logfile_opts *o)
{
	return pmc_size_parse(v, &o->max_size) < 0 ? -EINVAL : 0;
}

static int conf_retain(const char *v, struct pmc_logfile_opts *o)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (!isdigit((unsigned char)*v) || *end || errno || n > 100000)
		return -EINVAL;
	o->retain = (int)n;
	return 0;
}

static int conf_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = true, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *out = false, 0;
	}
	return -EINVAL;
}

static int conf_compress(const char *v, struct pmc_logfile_opts *o)
{
	return conf_bool(v, &o->compress);
}

static int conf_names(const char *v, struct pmc_logfile_opts *o)
{
	if (strcmp(v, "number") == 0)
		o->date_names = false;
	else if (strcmp(v, "date") == 0)
		o->date_names = true;
	else
		return -EINVAL;
	return 0;
}

static const struct {
	const char *key;
	int (*set)(const char *value, struct pmc_logfile_opts *opts);
	const char *expect;
} conf_keys[] = {
	{ "log_compress", conf_compress, "true or false" },
	{ "log_max_size", conf_size, "a size like 10M" },
	{ "log_retain", conf_retain, "an integer >= 0" },
	{ "log_rotate_names", conf_names, "number or date" },
};

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* One line; 0 when applied or skipped, else the message. */
static char *conf_line(char *line, struct pmc_logfile_opts *opts)
{
	char *eq, *key, *value;
	size_t i;

	line[strcspn(line, "#")] = '\0';
	line = trim(line);
	if (!*line)
		return NULL;
	eq = strchr(line, '=');
	if (!eq)
		return xstrdup("expected key = value");
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	for (i = 0; i < sizeof conf_keys / sizeof conf_keys[0]; i++) {
		if (strcmp(key, conf_keys[i].key) != 0)
			continue;
		if (conf_keys[i].set(value, opts) < 0)
			return xasprintf("%s must be %s, not '%s'", key, conf_keys[i].expect, value);
		return NULL;
	}
	return NULL; /* another module's setting */
}

int pmc_logconf_parse(const char *text, struct pmc_logfile_opts *opts, char **cause)
{
	char *copy = xstrdup(text), *line = copy, *next;
	int lineno = 1, err = 0;

	for (; line; line = next, lineno++) {
		char *why;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		why = conf_line(line, opts);
		if (why && err == 0) {
			*cause = xasprintf("line %d: %s", lineno, why);
			err = -EINVAL;
		}
		free(why);
	}
	free(copy);
	return err;
}

int pmc_logconf_load(const char *path, struct pmc_logfile_opts *opts, char **cause)
{
	struct {
		char *data;
		size_t len;
	} b = { 0 };
	char chunk[4096];
	ssize_t n;
	int fd, err;

	pmc_logconf_defaults(opts);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		*cause = xasprintf("cannot read %s: %s", path, strerror(errno));
		return -errno;
	}
	while ((n = read(fd, chunk, sizeof chunk)) > 0 && b.len < (1 << 20)) {
		b.data = xrealloc(b.data, b.len + (size_t)n + 1);
		memcpy(b.data + b.len, chunk, (size_t)n);
		b.len += (size_t)n;
	}
	close(fd);
	if (!b.data)
		return 0;
	b.data[b.len] = '\0';
	err = pmc_logconf_parse(b.data, opts, cause);
	if (err < 0) {
		char *full = xasprintf("%s: %s", path, *cause);
		free(*cause);
		*cause = full;
	}
	free(b.data);
	return err;
}

/* ---- Names ------------------------------------------------------------- */

char *pmc_logfile_rotated_name(const char *path, int n, bool gz)
{
	return xasprintf("%s.%d%s", path, n, gz ? ".gz" : "");
}

/* "x.log" → stem "x", ext ".log"; other names have no ext. */
static size_t stem_len(const char *path)
{
	size_t len = strlen(path);
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;

	if (len > 4 && strcmp(path + len - 4, ".log") == 0 && path + len - 4 > base)
		return len - 4;
	return len;
}

char *pmc_logfile_dated_name(const char *path, int64_t ms, int seq)
{
	time_t secs = (time_t)(ms / 1000);
	size_t stem = stem_len(path);
	char when[32], more[16] = "";
	struct tm tm;

	localtime_r(&secs, &tm);
	strftime(when, sizeof when, "%Y%m%d-%H%M%S", &tm);
	if (seq > 0)
		snprintf(more, sizeof more, "-%d", seq);
	return xasprintf("%.*s-%s%s%s", (int)stem, path, when, more, path + stem);
}

/* ---- Files ------------------------------------------------------------- */

struct waiter {
	pmc_logfile_done_cb cb;
	void *data;
	struct waiter *next;
};

/* One trip to the threadpool: what to do, then what happened. */
struct op {
	struct pmc_logfile_opts opts;
	struct pmc_logfile_req *reqs;
	struct waiter *waiters;
	bool reopen, truncate;
	int err;            /* the failure, as -errno */
	char *err_text;
	bool worked;        /* the file was opened or written without error */
	uint64_t dropped;
	int64_t size;
	struct rotated {
		char *name;
		struct stat st; /* which file it is, wherever it moves */
	} rotated[2];       /* rotated files to compress (before and after the write) */
	int n_rotated;
	char *rotate_error;
	bool rotated_ok;
};

struct pmc_logfile {
	uv_loop_t *loop;
	char *path;
	struct pmc_logfile_opts opts;
	int users;
	int jobs;            /* compressions under way */
	uv_mutex_t names;    /* rotation and compressions rename files under it */
	int in_callbacks;    /* after_work is calling out: do not free */
	/* The worker's while an operation is in flight. */
	int fd;
	int64_t checked_at;
	int64_t rotate_retry_at;
	/* The loop's. */
	bool busy;
	uv_work_t work;
	struct op op;
	struct pmc_logfile_req *queue, **tail;
	struct waiter *waiters;
	bool want_reopen, want_truncate;
	int64_t size;
	bool failed, rotate_failed;
	int err;
	char *err_text;
	int64_t err_at;
	uint64_t retry_at;
	uint64_t dropped;
	struct pmc_logfile *next;
};

static struct pmc_logfile *files;

static void fail(struct op *op, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Keep the first failure of an operation; err is -errno. */
static void fail(struct op *op, int err, const char *fmt, ...)
{
	va_list ap;
	char *what;

	if (op->err)
		return;
	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		abort();
	va_end(ap);
	op->err = err;
	op->err_text = xasprintf("%s: %s", what, strerror(-err));
	free(what);
}

static void close_fd(struct pmc_logfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* Missing directories are created; the file is never truncated here. */
static void open_file(struct pmc_logfile *f, struct op *op)
{
	char *dir = xstrdup(f->path), *slash = strrchr(dir, '/');
	struct stat st;
	int err = 0;

	close_fd(f);
	if (slash && slash != dir) {
		*slash = '\0';
		if (stat(dir, &st) < 0 && (err = pmc_mkdir_p(dir, 0750)) < 0)
			fail(op, err, "cannot create directory %s", dir);
	}
	free(dir);
	if (err < 0)
		return;
	f->fd = open(f->path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
	if (f->fd < 0) {
		fail(op, -errno, "cannot open log file %s", f->path);
		return;
	}
	f->checked_at = pmc_clock_mono_ms();
	op->size = fstat(f->fd, &st) == 0 ? st.st_size : 0;
	op->worked = true;
}

/* Still the file the path names? A removed or replaced file is opened again. */
static bool same_file(const struct pmc_logfile *f)
{
	struct stat a, b;

	return fstat(f->fd, &a) == 0 && stat(f->path, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

static size_t req_bytes(const struct pmc_logfile_req *req)
{
	size_t n = 0;

	for (unsigned i = 0; i < req->nbufs; i++)
		n += req->bufs[i].len;
	return n;
}

static void drop_all(struct op *op)
{
	for (struct pmc_logfile_req *r = op->reqs; r; r = r->next) {
		op->dropped += req_bytes(r); /* a splice drops nothing: its bytes stay in the pipe */
		r->status = op->err ? op->err : -EIO;
	}
}

/* Move the pipe's bytes into the file, in the kernel, until it is empty or max is reached. */
static void splice_in(struct pmc_logfile *f, struct op *op, struct pmc_logfile_req *r)
{
	off_t end = lseek(f->fd, 0, SEEK_END); /* truncated behind our back: write at the end */

	if (end >= 0)
		op->size = end;
	while (r->spliced < r->splice_max) {
		ssize_t n = splice(r->splice_fd, NULL, f->fd, NULL, r->splice_max - r->spliced,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			r->spliced += (size_t)n;
			op->size += n;
			continue;
		}
		if (n == 0) {
			r->splice_eof = true;
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			r->splice_empty = true;
			break;
		}
		if (errno == EINVAL) {
			r->status = -EINVAL; /* not a fault of the file: the caller copies instead */
			return;
		}
		fail(op, -errno, "cannot write to log file %s", f->path);
		close_fd(f);
		r->status = op->err;
		return;
	}
	op->worked = true;
}

static void write_batch(struct pmc_logfile *f, struct op *op)
{
	struct iovec iov[BATCH_BUFS];
	struct pmc_logfile_req *r;
	size_t n = 0, i = 0, total = 0;
	off_t end;

	for (r = op->reqs; r; r = r->next)
		for (unsigned k = 0; k < r->nbufs && n < BATCH_BUFS; k++) {
			if (r->bufs[k].len == 0)
				continue;
			iov[n].iov_base = r->bufs[k].base;
			iov[n++].iov_len = r->bufs[k].len;
			total += r->bufs[k].len;
		}
	end = lseek(f->fd, 0, SEEK_END); /* truncated behind our back: write at the end */
	if (end >= 0)
		op->size = end;
	while (i < n) {
		ssize_t w = writev(f->fd, iov + i, (int)(n - i));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fail(op, w < 0 ? -errno : -EIO, "cannot write to log file %s", f->path);
			op->dropped += total;
			close_fd(f);
			for (r = op->reqs; r; r = r->next)
				r->status = op->err;
			return;
		}
		op->size += w;
		total -= (size_t)w;
		while (i < n && (size_t)w >= iov[i].iov_len)
			w -= (ssize_t)iov[i++].iov_len;
		if (i < n) {
			iov[i].iov_base = (char *)iov[i].iov_base + w;
			iov[i].iov_len -= (size_t)w;
		}
	}
	op->worked = true;
}

/* x.log.(retain) goes, x.log.N → N+1 … x.log → x.log.1; compressed ones shift too. */
static int shift_numbered(const char *path, int retain, char **newest)
{
	for (int gz = 0; gz < 2; gz++) {
		char *last = pmc_logfile_rotated_name(path, retain, gz);
		unlink(last);
		free(last);
	}
	for (int i = retain - 1; i >= 1; i--) {
		for (int gz = 0; gz < 2; gz++) {
			char *from = pmc_logfile_rotated_name(path, i, gz);
			char *to = pmc_logfile_rotated_name(path, i + 1, gz);
			rename(from, to);
			free(from);
			free(to);
		}
	}
	*newest = pmc_logfile_rotated_name(path, 1, false);
	if (rename(path, *newest) < 0) {
		int err = -errno;
		free(*newest);
		*newest = NULL;
		return err;
	}
	return 0;
}

struct dated {
	char *name;
	char stamp[16];
	long seq;
};

static int dated_cmp(const void *a, const void *b)
{
	const struct dated *x = a, *y = b;
	int c = strcmp(x->stamp, y->stamp);

	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* "STEM-YYYYMMDD-HHMMSS[-N]EXT[.gz]": fills stamp and seq. */
static bool dated_match(const char *name, const char *stem, const char *ext, struct dated *d)
{
	size_t sl = strlen(stem), el = strlen(ext);
	const char *p = name + sl + 1;
	char *end;

	if (strncmp(name, stem, sl) != 0 || name[sl] != '-')
		return false;
	for (int i = 0; i < 15; i++)
		if (i == 8 ? p[i] != '-' : !isdigit((unsigned char)p[i]))
			return false;
	memcpy(d->stamp, p, 15);
	d->stamp[15] = '\0';
	p += 15;
	d->seq = 0;
	if (*p == '-') {
		d->seq = strtol(p + 1, &end, 10);
		if (end == p + 1)
			return false;
		p = end;
	}
	if (strncmp(p, ext, el) != 0)
		return false;
	p += el;
	return *p == '\0' || strcmp(p, ".gz") == 0;
}

/* The date-named rotated files of path, oldest first (caller frees names and list). */
static struct dated *list_dated(const char *path, size_t *count)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	size_t stem = stem_len(path);
	size_t base_at = slash ? (size_t)(slash - dir) + 1 : 0;
	char *stem_base = xstrndup(path + base_at, stem - base_at);
	const char *ext = path + stem;
	struct dated *list = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	if (slash)
		*slash = '\0';
	d = opendir(slash ? (*dir ? dir : "/") : ".");
	while (d && (de = readdir(d))) {
		struct dated item;
		if (!dated_match(de->d_name, stem_base, ext, &item))
			continue;
		if (n == cap)
			list = xrealloc(list, (cap = cap ? cap * 2 : 16) * sizeof *list);
		item.name = xasprintf("%s/%s", slash ? dir : ".", de->d_name);
		list[n++] = item;
	}
	if (d)
		closedir(d);
	if (n)
		qsort(list, n, sizeof *list, dated_cmp);
	free(stem_base);
	free(dir);
	*count = n;
	return list;
}

static void free_dated(struct dated *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i].name);
	free(list);
}

/* Keep the newest retain date-named files of path. */
static void prune_dated(const char *path, int retain)
{
	size_t n;
	struct dated *list = list_dated(path, &n);

	for (size_t i = 0; i + (size_t)retain < n; i++)
		unlink(list[i].name);
	free_dated(list, n);
}

/* NAME-STAMP.log, or with -SEQ above every SEQ of that second already there
 * (a number freed by pruning is never taken again: names keep their order). */
static int rotate_dated(const char *path, int retain, char **newest)
{
	int64_t now = pmc_clock_wall_ms();
	char *name = pmc_logfile_dated_name(path, now, 0);
	const char *stamp = name + stem_len(path) + 1;
	struct dated *list;
	size_t n;
	long seq = -1;

	list = list_dated(path, &n);
	for (size_t i = 0; i < n; i++)
		if (strncmp(list[i].stamp, stamp, 15) == 0 && list[i].seq > seq)
			seq = list[i].seq;
	free_dated(list, n);
	if (seq >= 0) {
		free(name);
		name = pmc_logfile_dated_name(path, now, (int)seq + 1);
	}
	if (rename(path, name) < 0) {
		int err = -errno;
		free(name);
		return err;
	}
	*newest = name;
	prune_dated(path, retain);
	return 0;
}

/* Between two whole writes: the full file moves aside and a new one starts. */
static void rotate(struct pmc_logfile *f, struct op *op)
{
	char *newest = NULL;
	int err;

	uv_mutex_lock(&f->names);
	if (op->opts.retain <= 0)
		err = unlink(f->path) < 0 ? -errno : 0;
	else if (op->opts.date_names)
		err = rotate_dated(f->path, op->opts.retain, &newest);
	else
		err = shift_numbered(f->path, op->opts.retain, &newest);
	uv_mutex_unlock(&f->names);
	if (err < 0) {
		op->rotate_error = xasprintf("cannot rotate %s: %s", f->path, strerror(-err));
		f->rotate_retry_at = pmc_clock_mono_ms() + RETRY_MS;
		free(newest);
		return;
	}
	op->rotated_ok = true;
	if (op->opts.compress && newest && op->n_rotated < 2 &&
	    stat(newest, &op->rotated[op->n_rotated].st) == 0)
		op->rotated[op->n_rotated++].name = newest;
	else
		free(newest);
	open_file(f, op); /* a failure here drops later writes, never these */
}

static size_t batch_bytes(const struct op *op)
{
	size_t n = 0;

	for (const struct pmc_logfile_req *r = op->reqs; r; r = r->next)
		n += req_bytes(r);
	return n;
}

/* Full, or would be past full with more bytes (a file is never left empty). */
static bool must_rotate(const struct pmc_logfile *f, const struct op *op, int64_t now,
			size_t more)
{
	int64_t max = op->opts.max_size;

	return f->fd >= 0 && max > 0 && now >= f->rotate_retry_at && op->size > 0 &&
	       (op->size >= max || op->size + (int64_t)more > max);
}

static void work(uv_work_t *w)
{
	struct pmc_logfile *f = w->data;
	struct op *op = &f->op;
	int64_t now = pmc_clock_mono_ms();

	if (op->reopen)
		close_fd(f);
	if (f->fd >= 0 && now - f->checked_at >= CHECK_MS) {
		f->checked_at = now;
		if (!same_file(f))
			close_fd(f); /* removed (or its directory was): start a new one */
	}
	if (f->fd < 0)
		open_file(f, op);
	if (f->fd < 0) {
		drop_all(op);
		return;
	}
	if (op->truncate) {
		if (ftruncate(f->fd, 0) < 0)
			fail(op, -errno, "cannot truncate log file %s", f->path);
		else
			op->size = 0;
	}
	if (op->reqs && must_rotate(f, op, now, batch_bytes(op)))
		rotate(f, op); /* before a write that would take the file past its size */
	if (op->reqs && f->fd >= 0 && op->reqs->splice)
		splice_in(f, op, op->reqs);
	else if (op->reqs && f->fd >= 0)
		write_batch(f, op);
	else if (op->reqs)
		drop_all(op); /* the new file could not be opened */
	if (must_rotate(f, op, now, 0))
		rotate(f, op);
}

/* ---- Compression ------------------------------------------------------- */

struct compress_job {
	uv_work_t work;
	struct pmc_logfile *f;
	char *src;       /* its name when it was rotated */
	struct stat st;  /* the file itself */
	int retain;      /* numbered files it may have moved to meanwhile */
	char *error;
};

/*
 * Where the rotated file is now: rotations go on while it is compressed, and
 * a numbered file moves up one place with each. NULL once it was deleted.
 */
static char *find_rotated(const struct compress_job *job, const struct stat *st)
{
	struct stat now;

	if (stat(job->src, &now) == 0 && now.st_ino == st->st_ino && now.st_dev == st->st_dev)
		return xstrdup(job->src);
	for (int i = 1; i <= job->retain; i++) {
		char *name = pmc_logfile_rotated_name(job->f->path, i, false);
		if (stat(name, &now) == 0 && now.st_ino == st->st_ino && now.st_dev == st->st_dev)
			return name;
		free(name);
	}
	return NULL;
}

/* Copy fd into a gzip file at tmp; false with errno on failure. */
static bool gzip_to(int in, const char *tmp)
{
	char *buf = xmalloc(GZIP_CHUNK);
	int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	gzFile gz = out < 0 ? NULL : gzdopen(out, "wb6");
	bool ok = gz != NULL;
	ssize_t n;

	if (!gz && out >= 0)
		close(out);
	while (ok && (n = read(in, buf, GZIP_CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0 && gzwrite(gz, buf, (unsigned)n) == (int)n;
	}
	if (gz && gzclose(gz) != Z_OK)
		ok = false;
	free(buf);
	return ok;
}

/* The rotated file becomes NAME.gz wherever it is now; the plain one goes. */
static void compress_work(uv_work_t *w)
{
	static unsigned seq;
	struct compress_job *job = w->data;
	struct pmc_logfile *f = job->f;
	char *tmp, *name, *dst;
	struct stat st;
	bool found;
	int in = -1;

	uv_mutex_lock(&f->names);
	name = find_rotated(job, &job->st);
	found = name != NULL;
	if (name)
		in = open(name, O_RDONLY | O_CLOEXEC);
	uv_mutex_unlock(&f->names);
	free(name);
	if (in < 0 || fstat(in, &st) < 0 || st.st_ino != job->st.st_ino) {
		if (found) /* else it was deleted (retention) before its turn */
			job->error = xasprintf("cannot compress %s: %s", job->src,
					       in < 0 ? strerror(errno) : "it was replaced");
		if (in >= 0)
			close(in);
		return;
	}
	tmp = xasprintf("%s.%u.gz.tmp", f->path, __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED));
	if (!gzip_to(in, tmp)) {
		job->error = xasprintf("cannot compress %s: %s", job->src,
				       errno ? strerror(errno) : "zlib error");
		unlink(tmp);
		goto out;
	}
	uv_mutex_lock(&f->names);
	name = find_rotated(job, &st);
	if (name) {
		dst = xasprintf("%s.gz", name);
		if (rename(tmp, dst) == 0)
			unlink(name);
		else
			job->error = xasprintf("cannot rename %s: %s", tmp, strerror(errno));
		free(dst);
		free(name);
	}
	unlink(tmp); /* gone already unless the file was deleted meanwhile */
	uv_mutex_unlock(&f->names);
out:
	close(in);
	free(tmp);
}

static void kick(struct pmc_logfile *f);

static void compress_done(uv_work_t *w, int status)
{
	struct compress_job *job = w->data;
	struct pmc_logfile *f = job->f;

	(void)status;
	if (job->error)
		pmc_log_warn("%s; it stays uncompressed", job->error);
	f->jobs--;
	free(job->error);
	free(job->src);
	free(job);
	kick(f);
}

static void compress_start(struct pmc_logfile *f, struct rotated *r, int retain)
{
	struct compress_job *job = xcalloc(1, sizeof *job);

	job->f = f;
	job->src = r->name;
	job->st = r->st;
	job->retain = retain;
	job->work.data = job;
	f->jobs++;
	if (uv_queue_work(f->loop, &job->work, compress_work, compress_done) < 0) {
		f->jobs--;
		free(job->src);
		free(job);
	}
}

/* ---- The loop side ----------------------------------------------------- */

static void file_free(struct pmc_logfile *f)
{
	struct pmc_logfile **pos;

	for (pos = &files; *pos; pos = &(*pos)->next)
		if (*pos == f) {
			*pos = f->next;
			break;
		}
	close_fd(f);
	uv_mutex_destroy(&f->names);
	free(f->err_text);
	free(f->path);
	free(f);
}

/* Failures are logged when they start (or change), and once when they end. */
static void record_outcome(struct pmc_logfile *f, struct op *op)
{
	if (op->err) {
		f->dropped += op->dropped;
		if (!f->failed || op->err != f->err)
			pmc_log_warn("%s; output for it is dropped until it works again",
				     op->err_text);
		f->failed = true;
		f->err = op->err;
		free(f->err_text);
		f->err_text = op->err_text;
		op->err_text = NULL;
		f->err_at = pmc_clock_wall_ms();
		f->retry_at = uv_now(f->loop) + RETRY_MS;
	} else if (op->worked && f->failed) {
		pmc_log_info("log file %s works again (%llu bytes dropped so far)", f->path,
			     (unsigned long long)f->dropped);
		f->failed = false;
		f->err = 0;
		free(f->err_text);
		f->err_text = NULL;
	}
	if (op->rotate_error && !f->rotate_failed)
		pmc_log_warn("%s; the file keeps growing until it can", op->rotate_error);
	if (op->rotate_error)
		f->rotate_failed = true;
	else if (op->rotated_ok && f->rotate_failed) {
		pmc_log_info("log file %s rotates again", f->path);
		f->rotate_failed = false;
	}
}

static void after_work(uv_work_t *w, int status)
{
	struct pmc_logfile *f = w->data;
	struct op *op = &f->op;
	struct pmc_logfile_req *reqs = op->reqs, *next;
	struct waiter *waiters = op->waiters, *wnext;

	(void)status;
	f->busy = false;
	f->size = op->size;
	record_outcome(f, op);
	for (int i = 0; i < op->n_rotated; i++)
		compress_start(f, &op->rotated[i], op->opts.retain);
	free(op->err_text);
	free(op->rotate_error);
	memset(op, 0, sizeof *op);
	f->in_callbacks++;
	for (; reqs; reqs = next) {
		next = reqs->next;
		reqs->next = NULL;
		reqs->cb(reqs);
	}
	for (; waiters; waiters = wnext) {
		wnext = waiters->next;
		if (waiters->cb)
			waiters->cb(waiters->data);
		free(waiters);
	}
	f->in_callbacks--;
	kick(f);
}

/* Start the next operation if one is wanted, or free a file nobody uses. */
static void kick(struct pmc_logfile *f)
{
	struct op *op = &f->op;
	struct pmc_logfile_req **pos;
	unsigned bufs = 0;

	if (f->busy || f->in_callbacks)
		return;
	if (!f->queue && !f->want_reopen && !f->want_truncate) {
		if (f->users == 0 && f->jobs == 0)
			file_free(f);
		return;
	}
	op->opts = f->opts;
	op->size = f->size;
	op->reopen = f->want_reopen;
	op->truncate = f->want_truncate;
	op->waiters = f->waiters;
	f->want_reopen = f->want_truncate = false;
	f->waiters = NULL;
	/* Writes queued meanwhile go together, up to one writev; a splice goes alone. */
	pos = &f->queue;
	if (*pos && (*pos)->splice)
		pos = &(*pos)->next;
	else
		while (*pos && !(*pos)->splice && (bufs == 0 || bufs + (*pos)->nbufs <= BATCH_BUFS)) {
			bufs += (*pos)->nbufs;
			pos = &(*pos)->next;
		}
	op->reqs = f->queue;
	f->queue = *pos;
	*pos = NULL;
	if (!f->queue)
		f->tail = &f->queue;
	f->busy = true;
	f->work.data = f;
	uv_queue_work(f->loop, &f->work, work, after_work);
}

struct pmc_logfile *pmc_logfile_find(const char *path)
{
	struct pmc_logfile *f;

	for (f = files; f; f = f->next)
		if (strcmp(f->path, path) == 0)
			return f;
	return NULL;
}

struct pmc_logfile *pmc_logfile_open(uv_loop_t *loop, const char *path,
				     const struct pmc_logfile_opts *opts)
{
	struct pmc_logfile *f = pmc_logfile_find(path);
	struct op op = { 0 };

	if (f) {
		f->users++;
		if (opts)
			f->opts = *opts;
		return f;
	}
	f = xcalloc(1, sizeof *f);
	f->loop = loop;
	f->path = xstrdup(path);
	if (opts)
		f->opts = *opts;
	else
		pmc_logconf_defaults(&f->opts);
	f->users = 1;
	f->fd = -1;
	if (uv_mutex_init(&f->names) < 0)
		abort();
	f->tail = &f->queue;
	f->next = files;
	files = f;
	open_file(f, &op);
	f->size = op.size;
	record_outcome(f, &op);
	free(op.err_text);
	return f;
}

void pmc_logfile_unref(struct pmc_logfile *f)
{
	if (!f)
		return;
	f->users--;
	kick(f);
}

int pmc_logfile_users(const struct pmc_logfile *f)
{
	return f->users;
}

bool pmc_logfile_healthy(const struct pmc_logfile *f)
{
	return !f->failed;
}


const struct pmc_logfile_opts *pmc_logfile_opts(const struct pmc_logfile *f)
{
	return &f->opts;
}

int pmc_logfile_write(struct pmc_logfile *f, struct pmc_logfile_req *req)
{
	req->status = 0;
	req->spliced = 0;
	req->splice_eof = req->splice_empty = false;
	req->next = NULL;
	if (f->failed && uv_now(f->loop) < f->retry_at) {
		f->dropped += req_bytes(req);
		return f->err ? f->err : -EIO;
	}
	*f->tail = req;
	f->tail = &req->next;
	kick(f);
	return 0;
}

static void add_waiter(struct pmc_logfile *f, pmc_logfile_done_cb cb, void *data)
{
	struct waiter *w = xcalloc(1, sizeof *w), **pos;

	w->cb = cb;
	w->data = data;
	for (pos = &f->waiters; *pos; pos = &(*pos)->next)
		;
	*pos = w;
}

void pmc_logfile_reopen(struct pmc_logfile *f, pmc_logfile_done_cb cb, void *data)
{
	f->want_reopen = true;
	add_waiter(f, cb, data);
	kick(f);
}

void pmc_logfile_truncate(struct pmc_logfile *f, pmc_logfile_done_cb cb, void *data)
{
	f->want_truncate = true;
	add_waiter(f, cb, data);
	kick(f);
}

void pmc_logfile_status(const struct pmc_logfile *f, struct pmc_logfile_status *st)
{
	st->path = f->path;
	st->size = f->size;
	st->error = f->failed ? f->err_text : NULL;
	st->error_at = f->failed ? f->err_at : 0;
	st->dropped = f->dropped;
	st->users = f->users;
}

struct pmc_logfile *pmc_logfile_first(void)
{
	return files;
}

struct pmc_logfile *pmc_logfile_next(const struct pmc_logfile *f)
{
	return f->next;
}
