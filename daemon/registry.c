/* SPDX-License-Identifier: MIT */
/* The daemon's apps and instances in memory, mirrored to the store. */
#include "registry.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "name.h"
#include "xmalloc.h"

struct pmc_app *pmc_registry_app_find(struct pmc_registry *reg, const char *name)
{
	struct pmc_app *app;

	for (app = reg->apps; app; app = app->next)
		if (strcmp(app->def.name, name) == 0)
			return app;
	return NULL;
}

struct pmc_instance *pmc_registry_instance_find(struct pmc_registry *reg, int pm_id)
{
	struct pmc_instance *inst;

	for (inst = reg->instances; inst; inst = inst->next)
		if (inst->pm_id == pm_id)
			return inst;
	return NULL;
}

int pmc_registry_next_id(struct pmc_registry *reg)
{
	struct pmc_instance *inst;
	int next = 0;

	for (inst = reg->instances; inst; inst = inst->next)
		if (inst->pm_id >= next)
			next = inst->pm_id + 1;
	return next;
}

void pmc_registry_app_add(struct pmc_registry *reg, struct pmc_app *app)
{
	struct pmc_app **tail = &reg->apps;
	size_t i;

	while (*tail)
		tail = &(*tail)->next;
	app->next = NULL;
	*tail = app;
	for (i = 0; i < app->n_instances; i++)
		pmc_registry_instance_link(reg, app->instances[i]);
}

void pmc_registry_instance_link(struct pmc_registry *reg, struct pmc_instance *inst)
{
	struct pmc_instance **pos = &reg->instances;

	while (*pos && (*pos)->pm_id < inst->pm_id)
		pos = &(*pos)->next;
	inst->next = *pos;
	*pos = inst;
}

void pmc_registry_instance_unlink(struct pmc_registry *reg, struct pmc_instance *inst)
{
	struct pmc_instance **pos;

	for (pos = &reg->instances; *pos; pos = &(*pos)->next) {
		if (*pos == inst) {
			*pos = inst->next;
			inst->next = NULL;
			return;
		}
	}
}

void pmc_registry_app_unlink(struct pmc_registry *reg, struct pmc_app *app)
{
	struct pmc_app **pos;
	size_t i;

	for (i = 0; i < app->n_instances; i++)
		pmc_registry_instance_unlink(reg, app->instances[i]);
	for (pos = &reg->apps; *pos; pos = &(*pos)->next) {
		if (*pos == app) {
			*pos = app->next;
			app->next = NULL;
			return;
		}
	}
}

size_t pmc_registry_app_count(struct pmc_registry *reg)
{
	struct pmc_app *app;
	size_t n = 0;

	for (app = reg->apps; app; app = app->next)
		n++;
	return n;
}

static bool parse_id(const char *text, int *id)
{
	char *end;
	long v;

	if (!*text || strspn(text, "0123456789") != strlen(text) || strlen(text) > 9)
		return false;
	v = strtol(text, &end, 10);
	*id = (int)v;
	return true;
}

static const char *suggest(struct pmc_registry *reg, const char *target)
{
	const char *names[256];
	struct pmc_app *app;
	size_t n = 0;

	for (app = reg->apps; app && n < 256; app = app->next)
		names[n++] = app->def.name;
	return pmc_name_closest(target, names, n);
}

/* Mark every instance matching one target; 0 or -ENOENT. */
static int mark_target(struct pmc_registry *reg, const char *target, bool *marks, int max_id)
{
	struct pmc_instance *inst;
	struct pmc_app *app;
	bool found = false;
	int id;
	size_t i;

	if (strcmp(target, "all") == 0) {
		for (inst = reg->instances; inst; inst = inst->next)
			marks[inst->pm_id] = found = true;
		return found ? 0 : -ENOENT;
	}
	app = pmc_registry_app_find(reg, target);
	if (app) {
		for (i = 0; i < app->n_instances; i++)
			marks[app->instances[i]->pm_id] = true;
		return 0;
	}
	if (parse_id(target, &id) && id < max_id && pmc_registry_instance_find(reg, id)) {
		marks[id] = true;
		return 0;
	}
	return -ENOENT;
}

int pmc_registry_resolve(struct pmc_registry *reg, const cJSON *targets,
			 struct pmc_instance ***out, size_t *n, char **cause, cJSON **data)
{
	int max_id = pmc_registry_next_id(reg);
	bool *marks = xcalloc((size_t)max_id + 1, sizeof *marks);
	struct pmc_instance *inst;
	const cJSON *t;
	size_t count = 0;
	int err = 0;

	cJSON_ArrayForEach(t, targets)
	{
		const char *target = cJSON_GetStringValue(t);
		if (mark_target(reg, target, marks, max_id) == 0)
			continue;
		const char *hint = strcmp(target, "all") ? suggest(reg, target) : NULL;
		*cause = strcmp(target, "all") == 0 ? xstrdup("no apps are defined")
			 : hint ? xasprintf("no app named '%s' (did you mean '%s'?)", target, hint)
				: xasprintf("no app named '%s'", target);
		*data = cJSON_CreateObject();
		cJSON_AddStringToObject(*data, "target", target);
		if (hint)
			cJSON_AddStringToObject(*data, "suggestion", hint);
		else
			cJSON_AddNullToObject(*data, "suggestion");
		err = -ENOENT;
		goto out;
	}
	*out = xcalloc((size_t)max_id + 1, sizeof **out);
	for (inst = reg->instances; inst; inst = inst->next)
		if (marks[inst->pm_id])
			(*out)[count++] = inst;
	*n = count;
out:
	free(marks);
	return err;
}
