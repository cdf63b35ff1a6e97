/* SPDX-License-Identifier: MIT */
/* The store's schema as an ordered list of migrations (private to store/). */
#ifndef PMC_STORE_SCHEMA_H
#define PMC_STORE_SCHEMA_H

#include <stddef.h>

/*
 * Migration i (SQL text, possibly several statements) brings PRAGMA
 * user_version from i to i + 1. Entries are only ever appended.
 */
extern const char *const pmc_store_migrations[];
extern const size_t pmc_store_migrations_n;

#endif
