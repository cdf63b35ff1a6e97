/* SPDX-License-Identifier: MIT */
/* App names: the rule that keeps them safe as file names, and "did you mean". */
#include "name.h"

#include <ctype.h>
#include <string.h>

#include "xmalloc.h"

bool pmc_name_valid(const char *name)
{
	size_t len = name ? strlen(name) : 0;
	size_t i;

	if (len == 0 || len > PMC_NAME_MAX || name[0] == '.')
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* Levenshtein distance, capped to names of PMC_NAME_MAX characters. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strnlen(a, PMC_NAME_MAX), lb = strnlen(b, PMC_NAME_MAX);
	size_t row[PMC_NAME_MAX + 1];
	size_t i, j;

	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *pmc_name_closest(const char *name, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	size_t limit = strlen(name) / 3 + 1;
	size_t i;

	for (i = 0; i < n; i++) {
		size_t d = distance(name, candidates[i]);
		if (d < best_d) {
			best_d = d;
			best = candidates[i];
		}
	}
	return best_d <= (limit < 3 ? limit : 3) ? best : NULL;
}

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-';
}

/* Basename without extension (first word of a command), unsafe runs as "-". */
char *pmc_name_from_script(const char *script)
{
	const char *start = script, *end, *slash, *dot;
	char *name = xmalloc(PMC_NAME_MAX + 1);
	size_t n = 0;

	/* A command ("python3 -m http.server") is named after its program; a path
	 * with spaces ("/srv/my server.py") after its file. */
	if (strpbrk(script, " \t") && script[0] != '/' && script[0] != '.') {
		while (isspace((unsigned char)*start))
			start++;
		end = start + strcspn(start, " \t");
	} else {
		end = script + strlen(script);
	}
	while (end > start && end[-1] == '/')
		end--;
	for (slash = end; slash > start && slash[-1] != '/'; slash--)
		;
	start = slash;
	dot = NULL;
	for (const char *p = start + 1; p < end; p++)
		if (*p == '.')
			dot = p;
	if (dot)
		end = dot;
	/* Runs of unsafe characters become one '-'; no leading '.' or '-'. */
	for (const char *p = start; p < end && n < PMC_NAME_MAX; p++) {
		if (name_char(*p) && !(n == 0 && (*p == '.' || *p == '-')))
			name[n++] = *p;
		else if (n > 0 && name[n - 1] != '-')
			name[n++] = '-';
	}
	while (n > 0 && name[n - 1] == '-')
		n--;
	name[n] = '\0';
	if (n == 0)
		strcpy(name, "app");
	return name;
}
