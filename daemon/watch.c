/* SPDX-License-Identifier: MIT */
/* A recursive, debounced file watch: one inotify watch (uv_fs_event) per directory. */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "watchmatch.h"
#include "xmalloc.h"

/* One watched directory (or file given as a root). */
struct dir {
	uv_fs_event_t handle;
	struct pmc_watch *w;
	char *path;
	bool is_file;
	struct dir *next;
};

struct pmc_watch {
	uv_loop_t *loop;
	char *cwd;
	char **ignore; /* defaults, then the app's patterns */
	char **ignore_abs;
	int64_t delay_ms;
	size_t max_dirs;
	struct dir *dirs;
	size_t n_dirs;
	uv_timer_t timer;
	char *pending; /* first path changed since the last callback */
	char *error;
	pmc_watch_fn fn;
	void *data;
	bool closing;
	int handles; /* open libuv handles, the timer included */
};

static char **strv_concat(const char *const *a, const char *const *b)
{
	size_t n = 0, k = 0;
	char **out;

	for (size_t i = 0; a && a[i]; i++)
		n++;
	for (size_t i = 0; b && b[i]; i++)
		n++;
	out = xcalloc(n + 1, sizeof *out);
	for (size_t i = 0; a && a[i]; i++)
		out[k++] = xstrdup(a[i]);
	for (size_t i = 0; b && b[i]; i++)
		out[k++] = xstrdup(b[i]);
	return out;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static void watch_free(struct pmc_watch *w)
{
	free(w->cwd);
	strv_free(w->ignore);
	strv_free(w->ignore_abs);
	free(w->pending);
	free(w->error);
	free(w);
}

static void handle_closed(struct pmc_watch *w)
{
	if (--w->handles == 0 && w->closing)
		watch_free(w);
}

static void on_dir_closed(uv_handle_t *handle)
{
	struct dir *dir = handle->data;
	struct pmc_watch *w = dir->w;

	free(dir->path);
	free(dir);
	handle_closed(w);
}

static void on_timer_closed(uv_handle_t *handle)
{
	handle_closed(handle->data);
}

/* Keep the first problem; log each kind once. */
static void set_error(struct pmc_watch *w, char *msg)
{
	if (!w->error) {
		pmc_log_warn("watch: %s", msg);
		w->error = msg;
	} else {
		free(msg);
	}
}

static bool below(const char *path, const char *top)
{
	size_t n = strlen(top);

	return strncmp(path, top, n) == 0 && (path[n] == '\0' || path[n] == '/' || n == 1);
}

static const char *relative(const struct pmc_watch *w, const char *abs)
{
	size_t n = strlen(w->cwd);

	if (strcmp(abs, w->cwd) == 0)
		return ".";
	if (strncmp(abs, w->cwd, n) == 0 && abs[n] == '/')
		return abs + n + 1;
	return NULL;
}

static bool ignored(const struct pmc_watch *w, const char *abs)
{
	for (size_t i = 0; w->ignore_abs[i]; i++)
		if (below(abs, w->ignore_abs[i]))
			return true;
	return pmc_watch_ignored(relative(w, abs), abs, (const char *const *)w->ignore);
}

static struct dir *find_dir(const struct pmc_watch *w, const char *path)
{
	for (struct dir *d = w->dirs; d; d = d->next)
		if (strcmp(d->path, path) == 0)
			return d;
	return NULL;
}

static void close_dir(struct dir *d)
{
	uv_close((uv_handle_t *)&d->handle, on_dir_closed);
}

/* A directory went away: so did its watches and those below it. */
static void remove_below(struct pmc_watch *w, const char *path)
{
	struct dir **link = &w->dirs;

	while (*link) {
		struct dir *d = *link;
		if (below(d->path, path)) {
			*link = d->next;
			w->n_dirs--;
			close_dir(d);
		} else {
			link = &d->next;
		}
	}
}

static void on_timer(uv_timer_t *timer)
{
	struct pmc_watch *w = timer->data;
	char *path = w->pending;

	w->pending = NULL;
	if (path && !w->closing)
		w->fn(w, path, w->data); /* may close w */
	free(path);
}

/* Another change: wait for delay_ms of quiet from now. */
static void changed(struct pmc_watch *w, const char *abs)
{
	const char *rel = relative(w, abs);

	if (!w->pending)
		w->pending = xstrdup(rel ? rel : abs);
	uv_timer_start(&w->timer, on_timer, (uint64_t)w->delay_ms, 0);
}

static int add_tree(struct pmc_watch *w, const char *path, bool root);

static void on_event(uv_fs_event_t *handle, const char *filename, int events, int status)
{
	struct dir *dir = handle->data;
	struct pmc_watch *w = dir->w;
	struct stat st;
	char *full;

	(void)events;
	if (w->closing || status < 0)
		return;
	if (dir->is_file || !filename || !*filename)
		full = xstrdup(dir->path);
	else
		full = xasprintf("%s%s%s", dir->path, strcmp(dir->path, "/") ? "/" : "", filename);
	if (strcmp(full, dir->path) != 0 && ignored(w, full)) {
		free(full);
		return;
	}
	if (!dir->is_file && strcmp(full, dir->path) != 0) {
		if (lstat(full, &st) == 0) {
			if (S_ISDIR(st.st_mode) && !find_dir(w, full))
				add_tree(w, full, false);
		} else if (errno == ENOENT || errno == ENOTDIR) {
			remove_below(w, full);
		}
	}
	changed(w, full);
	free(full);
}

static void add_children(struct pmc_watch *w, const char *path)
{
	DIR *dp = opendir(path);
	struct dirent *de;

	if (!dp)
		return;
	while ((de = readdir(dp))) {
		struct stat st;
		char *child;
		bool is_dir;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		child = xasprintf("%s%s%s", path, strcmp(path, "/") ? "/" : "", de->d_name);
		is_dir = de->d_type == DT_DIR || (lstat(child, &st) == 0 && S_ISDIR(st.st_mode));
		if (is_dir && add_tree(w, child, false) == -ENOSPC) {
			free(child);
			break;
		}
		free(child);
	}
	closedir(dp);
}

/* Watch path and, for a directory, everything below it. -ENOSPC: the limit. */
static int add_tree(struct pmc_watch *w, const char *path, bool root)
{
	struct stat st;
	struct dir *d;
	int err;

	/* A root may be a symlink to follow; nothing below is followed. */
	if ((root ? stat(path, &st) : lstat(path, &st)) < 0) {
		err = -errno;
		if (root)
			set_error(w, xasprintf("cannot watch %s: %s", path, strerror(errno)));
		return err;
	}
	if ((!root && ignored(w, path)) || find_dir(w, path))
		return 0;
	if (!root && !S_ISDIR(st.st_mode))
		return 0;
	if (w->n_dirs >= w->max_dirs) {
		set_error(w, xasprintf("limit of %zu watched directories reached: %s and what is "
		                       "below it are not watched (PMC_WATCH_MAX_DIRS)",
		                       w->max_dirs, path));
		return -ENOSPC;
	}
	d = xcalloc(1, sizeof *d);
	d->w = w;
	d->path = xstrdup(path);
	d->is_file = !S_ISDIR(st.st_mode);
	uv_fs_event_init(w->loop, &d->handle);
	d->handle.data = d;
	w->handles++;
	err = uv_fs_event_start(&d->handle, on_event, path, 0);
	if (err < 0) {
		set_error(w, xasprintf("cannot watch %s: %s", path, uv_strerror(err)));
		close_dir(d);
		return err == UV_ENOSPC ? -ENOSPC : err;
	}
	d->next = w->dirs;
	w->dirs = d;
	w->n_dirs++;
	if (!d->is_file)
		add_children(w, path);
	return 0;
}

int pmc_watch_open(uv_loop_t *loop, const struct pmc_watch_opts *opts, pmc_watch_fn fn, void *data,
                   struct pmc_watch **out, char **cause)
{
	const char *const cwd_only[] = {opts->cwd, NULL};
	const char *const *roots = opts->roots && opts->roots[0] ? opts->roots : cwd_only;
	struct pmc_watch *w = xcalloc(1, sizeof *w);

	w->loop = loop;
	w->cwd = xstrdup(opts->cwd);
	w->ignore = strv_concat(pmc_watch_default_ignores, opts->ignore);
	w->ignore_abs = strv_concat(opts->ignore_abs, NULL);
	w->delay_ms = opts->delay_ms > 0 ? opts->delay_ms : PMC_WATCH_DELAY_DEFAULT_MS;
	w->max_dirs = opts->max_dirs > 0 ? opts->max_dirs : PMC_WATCH_MAX_DIRS_DEFAULT;
	w->fn = fn;
	w->data = data;
	uv_timer_init(loop, &w->timer);
	w->timer.data = w;
	w->handles = 1;
	for (size_t i = 0; roots[i]; i++)
		if (add_tree(w, roots[i], true) == -ENOSPC)
			break;
	if (w->n_dirs == 0) {
		*cause = xstrdup(w->error ? w->error : "nothing to watch");
		pmc_watch_close(w);
		return -ENOENT;
	}
	*out = w;
	return 0;
}

void pmc_watch_close(struct pmc_watch *w)
{
	if (!w || w->closing)
		return;
	w->closing = true;
	while (w->dirs) {
		struct dir *d = w->dirs;
		w->dirs = d->next;
		close_dir(d);
	}
	w->n_dirs = 0;
	uv_close((uv_handle_t *)&w->timer, on_timer_closed);
}

size_t pmc_watch_count(const struct pmc_watch *w)
{
	return w ? w->n_dirs : 0;
}

const char *pmc_watch_error(const struct pmc_watch *w)
{
	return w ? w->error : NULL;
}
