/* SPDX-License-Identifier: MIT */
/* Reading /proc without libuv: stat parsing, CPU percent, and per-tick process tree sums. */
#include "procstat.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmalloc.h"

/* A process outside every tree is read again after this many scans (pid reuse). */
#define FOREIGN_REFRESH_SCANS 16
#define STAT_MAX              2048

static int parse_u64(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	while (s < end && *s == ' ')
		s++;
	if (s >= end || !isdigit((unsigned char)*s))
		return -EINVAL;
	while (s < end && isdigit((unsigned char)*s)) {
		unsigned d = (unsigned)(*s++ - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*p = s;
	*out = v;
	return 0;
}

/* A signed field (ppid, pgrp, priority… may be -1 or 0). */
static int parse_i64(const char **p, const char *end, int64_t *out)
{
	const char *s = *p;
	bool neg = false;
	uint64_t v;

	while (s < end && *s == ' ')
		s++;
	if (s < end && *s == '-')
		neg = true, s++;
	if (parse_u64(&s, end, &v) < 0 || v > INT64_MAX)
		return -EINVAL;
	*p = s;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

int pmc_procstat_parse(const char *text, size_t len, struct pmc_procstat *out)
{
	const char *end = text + len, *close = NULL, *p;
	int64_t fields[21]; /* fields 4..24 of proc(5), after the state */
	uint64_t pid;
	size_t i;

	for (p = text; p < end; p++)
		if (*p == ')')
			close = p;
	p = text;
	if (!close || parse_u64(&p, close, &pid) < 0 || pid == 0 || pid > INT_MAX || *p != ' ' ||
	    p[1] != '(')
		return -EINVAL;
	p = close + 1;
	if (end - p < 3 || p[0] != ' ' || !isalpha((unsigned char)p[1]) || p[2] != ' ')
		return -EINVAL;
	memset(out, 0, sizeof *out);
	out->pid = (int)pid;
	out->state = p[1];
	p += 2;
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (parse_i64(&p, end, &fields[i]) < 0)
			return -EINVAL;
	/* fields[k] is field k + 4: ppid 4, pgrp 5, utime 14, stime 15, cutime 16,
	 * cstime 17, starttime 22, rss 24. */
	if (fields[0] < 0 || fields[0] > INT_MAX || fields[10] < 0 || fields[11] < 0)
		return -EINVAL;
	out->ppid = (int)fields[0];
	out->pgrp = (int)(fields[1] > INT_MAX || fields[1] < INT_MIN ? 0 : fields[1]);
	out->utime = (uint64_t)fields[10];
	out->stime = (uint64_t)fields[11];
	out->cutime = fields[12] > 0 ? (uint64_t)fields[12] : 0;
	out->cstime = fields[13] > 0 ? (uint64_t)fields[13] : 0;
	out->starttime = fields[18] > 0 ? (uint64_t)fields[18] : 0;
	out->rss_pages = fields[20] > 0 ? fields[20] : 0;
	return 0;
}

int pmc_procstat_parse_statm(const char *text, size_t len, int64_t *rss_pages)
{
	const char *p = text, *end = text + len;
	int64_t size, resident;

	if (parse_i64(&p, end, &size) < 0 || parse_i64(&p, end, &resident) < 0 || resident < 0)
		return -EINVAL;
	*rss_pages = resident;
	return 0;
}

double pmc_procstat_cpu_percent(uint64_t prev_ticks, uint64_t ticks, int64_t elapsed_ms, long hz)
{
	if (elapsed_ms <= 0 || hz <= 0 || ticks < prev_ticks)
		return 0;
	return (double)(ticks - prev_ticks) * 1000.0 * 100.0 / (double)hz / (double)elapsed_ms;
}

struct entry {
	struct pmc_procstat st;
	int fd;          /* open on stat while a member of a tree, else -1 */
	bool member;     /* in the tree of a root at the last scan */
	int age;         /* scans since the stat was read */
	int parent;      /* index of the parent, -1 when not in the table */
	int first_child; /* index, -1 when none */
	int next_sibling;
};

struct pmc_proctable {
	char *root;
	long page_size;
	struct entry *e;
	size_t n;
	size_t reads;
	int *pids; /* scratch: the directory listing */
	size_t pids_cap;
};

struct pmc_proctable *pmc_proctable_new(const char *root, long page_size)
{
	struct pmc_proctable *t = xcalloc(1, sizeof *t);

	t->root = xstrdup(root);
	t->page_size = page_size > 0 ? page_size : 4096;
	return t;
}

void pmc_proctable_free(struct pmc_proctable *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++)
		if (t->e[i].fd >= 0)
			close(t->e[i].fd);
	free(t->e);
	free(t->pids);
	free(t->root);
	free(t);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The numeric entries of root, sorted. */
static int list_pids(struct pmc_proctable *t, size_t *n)
{
	DIR *dir = opendir(t->root);
	struct dirent *de;
	size_t count = 0;

	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		char *end;
		long pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0 || pid > INT_MAX)
			continue;
		if (count == t->pids_cap) {
			t->pids_cap = t->pids_cap ? t->pids_cap * 2 : 256;
			t->pids = xrealloc(t->pids, t->pids_cap * sizeof *t->pids);
		}
		t->pids[count++] = (int)pid;
	}
	closedir(dir);
	qsort(t->pids, count, sizeof *t->pids, cmp_int);
	*n = count;
	return 0;
}

/* Read pid's stat through e->fd (opened when -1). 0, or -errno: the process is gone. */
static int read_stat(struct pmc_proctable *t, int pid, struct entry *e)
{
	char buf[STAT_MAX];
	ssize_t len = -1;

	for (int attempt = 0; attempt < 2 && len < 0; attempt++) {
		if (e->fd < 0) {
			char path[PATH_MAX];
			snprintf(path, sizeof path, "%s/%d/stat", t->root, pid);
			e->fd = open(path, O_RDONLY | O_CLOEXEC);
			if (e->fd < 0)
				return -errno;
			attempt = 1; /* a fresh descriptor gets one try */
		}
		len = pread(e->fd, buf, sizeof buf, 0);
		if (len <= 0) {
			/* The process this descriptor named is gone; the pid may be new. */
			close(e->fd);
			e->fd = -1;
			len = -1;
		}
	}
	if (len < 0)
		return -ESRCH;
	t->reads++;
	if (pmc_procstat_parse(buf, (size_t)len, &e->st) < 0 || e->st.pid != pid)
		return -EINVAL;
	e->age = 0;
	return 0;
}

static int find(const struct pmc_proctable *t, int pid)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->e[mid].st.pid == pid)
			return (int)mid;
		if (t->e[mid].st.pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static bool is_root(const int *roots, size_t n_roots, int pid)
{
	return n_roots && bsearch(&pid, roots, n_roots, sizeof *roots, cmp_int);
}

/* Walk root's tree without recursion (first_child/next_sibling/parent), at most n steps. */
#define TREE_FOR_EACH(t, root, cur, steps)                                                         \
	for (int cur = (root), steps = 0; cur >= 0 && (size_t)steps <= (t)->n;                     \
	     steps++, cur = tree_next((t), (root), cur))

static int tree_next(const struct pmc_proctable *t, int root, int cur)
{
	if (t->e[cur].first_child >= 0)
		return t->e[cur].first_child;
	while (cur != root && t->e[cur].next_sibling < 0) {
		cur = t->e[cur].parent;
		if (cur < 0)
			return -1; /* a cycle from racing reads: stop */
	}
	return cur == root ? -1 : t->e[cur].next_sibling;
}

static void link_tree(struct pmc_proctable *t, const int *roots, size_t n_roots)
{
	size_t i, r;

	for (i = 0; i < t->n; i++) {
		t->e[i].first_child = t->e[i].next_sibling = -1;
		t->e[i].member = false;
	}
	for (i = 0; i < t->n; i++) {
		int p = find(t, t->e[i].st.ppid);
		t->e[i].parent = p;
		if (p >= 0 && (size_t)p != i) {
			t->e[i].next_sibling = t->e[p].first_child;
			t->e[p].first_child = (int)i;
		} else {
			t->e[i].parent = -1;
		}
	}
	for (r = 0; r < n_roots; r++) {
		int idx = find(t, roots[r]);
		if (idx < 0)
			continue;
		TREE_FOR_EACH(t, idx, cur, steps)
		t->e[cur].member = true;
	}
}

int pmc_proctable_scan(struct pmc_proctable *t, const int *roots, size_t n_roots)
{
	struct entry *old = t->e, *next;
	size_t n_old = t->n, n_pids = 0, i, o = 0, n = 0;
	int err;

	if ((err = list_pids(t, &n_pids)) < 0)
		return err;
	t->reads = 0;
	next = xcalloc(n_pids ? n_pids : 1, sizeof *next);
	for (i = 0; i < n_pids; i++) {
		int pid = t->pids[i];
		struct entry e = {.fd = -1};
		bool known;

		while (o < n_old && old[o].st.pid < pid) {
			if (old[o].fd >= 0)
				close(old[o].fd);
			o++;
		}
		known = o < n_old && old[o].st.pid == pid;
		if (known)
			e = old[o++];
		if (known && !e.member && !is_root(roots, n_roots, pid) &&
		    e.age < FOREIGN_REFRESH_SCANS) {
			e.age++;
			next[n++] = e;
			continue;
		}
		if (read_stat(t, pid, &e) < 0) {
			if (e.fd >= 0)
				close(e.fd);
			continue; /* exited since the listing */
		}
		next[n++] = e;
	}
	for (; o < n_old; o++)
		if (old[o].fd >= 0)
			close(old[o].fd);
	free(old);
	t->e = next;
	t->n = n;
	link_tree(t, roots, n_roots);
	/* Descriptors stay open only for processes that are read every scan. */
	for (i = 0; i < t->n; i++) {
		if (!t->e[i].member && t->e[i].fd >= 0) {
			close(t->e[i].fd);
			t->e[i].fd = -1;
		}
	}
	return 0;
}

int pmc_proctable_usage(const struct pmc_proctable *t, int pid, uint64_t start_ticks,
                        struct pmc_proc_usage *self, struct pmc_proc_usage *tree)
{
	int idx = find(t, pid);
	const struct pmc_procstat *st;

	if (idx < 0 || (start_ticks && t->e[idx].st.starttime != start_ticks))
		return -ESRCH;
	st = &t->e[idx].st;
	self->ticks = st->utime + st->stime;
	self->rss = st->rss_pages * t->page_size;
	self->processes = 1;
	memset(tree, 0, sizeof *tree);
	TREE_FOR_EACH(t, idx, cur, steps)
	{
		const struct pmc_procstat *c = &t->e[cur].st;
		tree->ticks += c->utime + c->stime + c->cutime + c->cstime;
		tree->rss += c->rss_pages * t->page_size;
		tree->processes++;
	}
	return 0;
}

size_t pmc_proctable_size(const struct pmc_proctable *t)
{
	return t->n;
}

size_t pmc_proctable_reads(const struct pmc_proctable *t)
{
	return t->reads;
}
