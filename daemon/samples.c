/* SPDX-License-Identifier: MIT */
/* A short ring of an instance's recent metric samples and its last-minute summary. */
#include "samples.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

void pmc_samples_init(struct pmc_samples *s, size_t cap)
{
	memset(s, 0, sizeof *s);
	s->cap = (uint32_t)(cap ? cap : 1);
}

void pmc_samples_push(struct pmc_samples *s, const struct pmc_sample *x)
{
	if (!s->ring)
		s->ring = xcalloc(s->cap, sizeof *s->ring);
	s->ring[s->head] = *x;
	s->head = (s->head + 1) % s->cap;
	if (s->len < s->cap)
		s->len++;
}

void pmc_samples_clear(struct pmc_samples *s)
{
	s->len = s->head = 0;
}

void pmc_samples_free(struct pmc_samples *s)
{
	free(s->ring);
	s->ring = NULL;
	s->len = s->head = 0;
}

const struct pmc_sample *pmc_samples_get(const struct pmc_samples *s, size_t i)
{
	if (i >= s->len)
		return NULL;
	return &s->ring[(s->head + s->cap - s->len + i) % s->cap];
}

const struct pmc_sample *pmc_samples_last(const struct pmc_samples *s)
{
	return s->len ? pmc_samples_get(s, s->len - 1) : NULL;
}

void pmc_samples_stats(const struct pmc_samples *s, int64_t since, struct pmc_sample_stats *out)
{
	double cpu = 0, tree_cpu = 0, rss = 0, tree_rss = 0;
	size_t i;

	memset(out, 0, sizeof *out);
	for (i = 0; i < s->len; i++) {
		const struct pmc_sample *x = pmc_samples_get(s, i);
		if (x->at < since)
			continue;
		out->n++;
		cpu += x->cpu;
		tree_cpu += x->tree_cpu;
		rss += (double)x->rss;
		tree_rss += (double)x->tree_rss;
		if (x->cpu > out->cpu_max)
			out->cpu_max = x->cpu;
		if (x->tree_cpu > out->tree_cpu_max)
			out->tree_cpu_max = x->tree_cpu;
		if (x->rss > out->rss_max)
			out->rss_max = x->rss;
		if (x->tree_rss > out->tree_rss_max)
			out->tree_rss_max = x->tree_rss;
	}
	if (out->n) {
		out->cpu_avg = cpu / (double)out->n;
		out->tree_cpu_avg = tree_cpu / (double)out->n;
		out->rss_avg = (int64_t)(rss / (double)out->n);
		out->tree_rss_avg = (int64_t)(tree_rss / (double)out->n);
	}
}
