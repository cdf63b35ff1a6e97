/* SPDX-License-Identifier: MIT */
/* A short ring of an instance's recent metric samples and its last-minute summary. */
#ifndef PMC_DAEMON_SAMPLES_H
#define PMC_DAEMON_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

/* One reading of an instance: its main process and its whole process tree. */
struct pmc_sample {
	int64_t at;       /* ms since the epoch */
	int64_t rss;      /* bytes, main process */
	int64_t tree_rss; /* bytes, main process and descendants */
	float cpu;        /* percent of one CPU since the previous sample */
	float tree_cpu;
	int32_t processes; /* in the tree */
};

struct pmc_samples {
	struct pmc_sample *ring; /* NULL until the first push */
	uint32_t cap, len, head; /* head: index of the next write */
};

/* Room for cap samples (allocated at the first push). */
void pmc_samples_init(struct pmc_samples *s, size_t cap);
void pmc_samples_push(struct pmc_samples *s, const struct pmc_sample *x);
/* Forget every sample (a new run starts); the memory stays. */
void pmc_samples_clear(struct pmc_samples *s);
void pmc_samples_free(struct pmc_samples *s);
/* The newest sample, or NULL. */
const struct pmc_sample *pmc_samples_last(const struct pmc_samples *s);
/* The i-th sample, oldest first (i < len). */
const struct pmc_sample *pmc_samples_get(const struct pmc_samples *s, size_t i);

/* Averages and peaks over the samples taken at or after a time. */
struct pmc_sample_stats {
	size_t n;
	double cpu_avg, cpu_max, tree_cpu_avg, tree_cpu_max;
	int64_t rss_avg, rss_max, tree_rss_avg, tree_rss_max;
};

void pmc_samples_stats(const struct pmc_samples *s, int64_t since, struct pmc_sample_stats *out);

/* What the sampler keeps per instance (struct pmc_instance holds one). */
struct pmc_instance_metrics {
	struct pmc_samples samples; /* this run's recent samples */
	uint64_t ticks, tree_ticks; /* at the previous sample of this run */
	int64_t sampled_ms;         /* time of that sample; 0: none yet this run */
	int over_limit;             /* samples in a row above max_memory_restart */
	char reason[128];           /* why the sampler restarted it (history text) */
};

#endif
