/* SPDX-License-Identifier: MIT */
/* Which changed paths a watch ignores: glob patterns (fnmatch) against path components or prefixes.
 */
#include "watchmatch.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

const char *const pmc_watch_default_ignores[] = {"node_modules", ".git", NULL};

/* path, or any leading run of its components, matches pat. */
static bool match_prefixes(const char *pat, const char *path)
{
	int flags = strstr(pat, "**") ? 0 : FNM_PATHNAME;
	char *copy = xstrdup(path);
	bool hit = false;

	for (char *p = copy;; p++) {
		char c = *p;
		if (c == '/' || c == '\0') {
			*p = '\0';
			if (p > copy && fnmatch(pat, copy, flags) == 0)
				hit = true;
			*p = c;
		}
		if (hit || c == '\0')
			break;
	}
	free(copy);
	return hit;
}

/* Some component of path matches pat (which has no '/'). */
static bool match_component(const char *pat, const char *path)
{
	const char *p = path;

	while (*p) {
		size_t len = strcspn(p, "/");
		char *comp = xstrndup(p, len);
		bool hit = len && fnmatch(pat, comp, 0) == 0;
		free(comp);
		if (hit)
			return true;
		p += len;
		p += strspn(p, "/");
	}
	return false;
}

/* A pattern with two stars as a whole component also matches with that component left out. */
static bool match_anchored(const char *pat, const char *path)
{
	const char *star = strstr(pat, "/**/");
	bool hit;
	char *short_pat;

	if (match_prefixes(pat, path))
		return true;
	if (!star)
		return false;
	short_pat = xasprintf("%.*s%s", (int)(star - pat), pat, star + 3);
	hit = match_anchored(short_pat, path);
	free(short_pat);
	return hit;
}

static bool match_one(const char *pattern, const char *rel, const char *abs)
{
	char *pat = xstrdup(pattern);
	size_t len = strlen(pat);
	const char *p = pat;
	bool hit = false;

	while (len > 1 && pat[len - 1] == '/')
		pat[--len] = '\0';
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	if (!*p) {
		hit = false;
	} else if (p[0] == '/') {
		hit = match_anchored(p, abs);
	} else if (!strchr(p, '/')) {
		hit = match_component(p, rel ? rel : abs);
	} else if (strncmp(p, "**/", 3) == 0) {
		/* At any depth: from every component of rel. */
		for (const char *s = rel; s && !hit; s = strchr(s, '/') ? strchr(s, '/') + 1 : NULL)
			hit = *s && match_one(p + 3, s, abs);
	} else if (rel) {
		hit = match_anchored(p, rel);
	}
	free(pat);
	return hit;
}

bool pmc_watch_ignored(const char *rel, const char *abs, const char *const *patterns)
{
	for (size_t i = 0; patterns && patterns[i]; i++)
		if (match_one(patterns[i], rel, abs))
			return true;
	return false;
}
