/* SPDX-License-Identifier: MIT */
/*
 * Reading /proc without libuv: the parser of /proc/PID/stat, CPU percent
 * arithmetic, and a process table scanned once per tick that sums an instance's
 * process tree. The root directory is a parameter so tests use fixture trees.
 */
#ifndef PMC_DAEMON_PROCSTAT_H
#define PMC_DAEMON_PROCSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The fields of /proc/PID/stat pmc uses (times in clock ticks, rss in pages). */
struct pmc_procstat {
	int pid;
	char state;
	int ppid;
	int pgrp;
	uint64_t utime, stime;   /* this process */
	uint64_t cutime, cstime; /* its children that were waited for */
	uint64_t starttime;      /* ticks after boot */
	int64_t rss_pages;
};

/*
 * Parse the text of /proc/PID/stat (len bytes, need not end in NUL). The
 * command name may hold spaces and parentheses: fields are counted from the
 * last ')'. Returns 0, or -EINVAL for text that is not a stat line.
 */
int pmc_procstat_parse(const char *text, size_t len, struct pmc_procstat *out);

/* Resident pages from the text of /proc/PID/statm (second field); 0 or -EINVAL. */
int pmc_procstat_parse_statm(const char *text, size_t len, int64_t *rss_pages);

/*
 * Percent of one CPU used between two readings: ticks consumed over elapsed_ms
 * at hz ticks per second. 0 when elapsed_ms or hz is not positive or the
 * counter went backwards (another process took the pid).
 */
double pmc_procstat_cpu_percent(uint64_t prev_ticks, uint64_t ticks, int64_t elapsed_ms, long hz);

/* What one process, or a process and all its descendants, use. */
struct pmc_proc_usage {
	uint64_t ticks; /* utime+stime; for a tree also the waited-for children's times */
	int64_t rss;    /* bytes */
	int processes;
};

struct pmc_proctable;

/* A table over root ("/proc", or a fixture directory) with pages of page_size bytes. */
struct pmc_proctable *pmc_proctable_new(const char *root, long page_size);
void pmc_proctable_free(struct pmc_proctable *t);

/*
 * Scan root once. The stat of every root pid (sorted ascending) and of every
 * process found in a root's tree last time is read again (through a file
 * descriptor kept open); a process outside every tree is read when first seen
 * and then only every few scans, since it can never join a tree (a process's
 * parent changes only to an ancestor that adopts it). Returns 0 or -errno when
 * root cannot be read.
 */
int pmc_proctable_scan(struct pmc_proctable *t, const int *roots, size_t n_roots);

/*
 * Usage of pid alone (*self) and with its descendants (*tree) as of the last
 * scan. start_ticks, when not 0, must match the process's starttime (the pid
 * was not reused). Returns 0, or -ESRCH.
 */
int pmc_proctable_usage(const struct pmc_proctable *t, int pid, uint64_t start_ticks,
                        struct pmc_proc_usage *self, struct pmc_proc_usage *tree);

/* Processes in the table, and how many stat files the last scan read. */
size_t pmc_proctable_size(const struct pmc_proctable *t);
size_t pmc_proctable_reads(const struct pmc_proctable *t);

#endif
