/* SPDX-License-Identifier: MIT */
/*
 * Cost of one sampling scan of /proc, two ways: "naive" opens, reads and closes
 * every /proc/PID/stat each time; "table" is the daemon's pmc_proctable_scan
 * (descriptors kept for the trees, outsiders read now and then). Roots: the
 * children of PARENT. Prints "naive=USus table=USus procs=N roots=N reads=N".
 * Usage: proc-scan PARENT SCANS
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "procstat.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Every stat read and parsed; returns how many parsed. */
static size_t naive_scan(int parent, int *roots, size_t *n_roots, size_t cap)
{
	DIR *dir = opendir("/proc");
	struct dirent *de;
	size_t n = 0;

	*n_roots = 0;
	while (dir && (de = readdir(dir))) {
		char path[64], buf[2048];
		struct pmc_procstat st;
		ssize_t len;
		int fd;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof buf);
		close(fd);
		if (len <= 0 || pmc_procstat_parse(buf, (size_t)len, &st) < 0)
			continue;
		n++;
		if (st.ppid == parent && *n_roots < cap)
			roots[(*n_roots)++] = st.pid;
	}
	if (dir)
		closedir(dir);
	return n;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int main(int argc, char **argv)
{
	static int roots[100000];
	struct pmc_proctable *t;
	size_t n_roots = 0, procs = 0, reads = 0;
	double t0, naive, table;
	int parent, scans, i;

	if (argc != 3)
		return fprintf(stderr, "usage: proc-scan PARENT SCANS\n"), 2;
	parent = atoi(argv[1]);
	scans = atoi(argv[2]);
	t0 = now_us();
	for (i = 0; i < scans; i++)
		procs = naive_scan(parent, roots, &n_roots, sizeof roots / sizeof roots[0]);
	naive = (now_us() - t0) / scans;
	qsort(roots, n_roots, sizeof roots[0], cmp_int);
	t = pmc_proctable_new("/proc", sysconf(_SC_PAGESIZE));
	pmc_proctable_scan(t, roots, n_roots); /* the first scan reads everything */
	t0 = now_us();
	for (i = 0; i < scans; i++) {
		pmc_proctable_scan(t, roots, n_roots);
		reads += pmc_proctable_reads(t);
	}
	table = (now_us() - t0) / scans;
	printf("naive=%.0fus table=%.0fus procs=%zu roots=%zu reads_per_scan=%.0f\n", naive, table,
	       procs, n_roots, (double)reads / scans);
	pmc_proctable_free(t);
	return 0;
}
