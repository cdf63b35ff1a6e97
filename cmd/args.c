/* SPDX-License-Identifier: MIT */
/* A table-driven command-line flag parser whose result is one plain struct. */
#include "args.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "name.h"
#include "xmalloc.h"

/* The field of args that flag fills, as a pointer to type. */
#define FIELD(args, flag, type) ((type *)(void *)((char *)(args) + (flag)->offset))

/* A parse in progress. */
struct parser {
	struct pmc_args *args;
	const struct pmc_args_spec *spec;
	int argc;
	char **argv;
	int i; /* index of the argument being read */
	char *cause;
};

static void strv_push(struct pmc_strv *v, const char *s)
{
	v->items = xrealloc(v->items, (v->n + 1) * sizeof *v->items);
	v->items[v->n++] = s;
}

static void intv_push(struct pmc_intv *v, int64_t value)
{
	v->items = xrealloc(v->items, (v->n + 1) * sizeof *v->items);
	v->items[v->n++] = value;
}

bool pmc_args_is_negative_number(const char *arg)
{
	return arg[0] == '-' &&
	       (isdigit((unsigned char)arg[1]) || (arg[1] == '.' && isdigit((unsigned char)arg[2])));
}

static bool is_flag_value_kind(enum pmc_flag_kind kind)
{
	return kind != PMC_FLAG_BOOL && kind != PMC_FLAG_TOGGLE;
}

static bool name_is(const char *candidate, const char *name, size_t len)
{
	return candidate && strlen(candidate) == len && strncmp(candidate, name, len) == 0;
}

/* The flag called name (len bytes), or "no-" + a toggle's name with *negated set. */
static const struct pmc_flag *find_long(const struct pmc_args_spec *spec, const char *name,
					size_t len, bool *negated)
{
	const struct pmc_flag *f;
	size_t t;

	*negated = false;
	for (t = 0; spec->tables[t]; t++)
		for (f = spec->tables[t]; f->name; f++)
			if (name_is(f->name, name, len) || name_is(f->alias, name, len))
				return f;
	if (len <= 3 || strncmp(name, "no-", 3) != 0)
		return NULL;
	for (t = 0; spec->tables[t]; t++)
		for (f = spec->tables[t]; f->name; f++)
			if (f->kind == PMC_FLAG_TOGGLE && name_is(f->name, name + 3, len - 3)) {
				*negated = true;
				return f;
			}
	return NULL;
}

static const struct pmc_flag *find_short(const struct pmc_args_spec *spec, char c)
{
	const struct pmc_flag *f;
	size_t t;

	for (t = 0; spec->tables[t]; t++)
		for (f = spec->tables[t]; f->name; f++)
			if (f->shorts && strchr(f->shorts, c))
				return f;
	return NULL;
}

/* True when arg would be read as a flag (so it cannot be the value of the previous one). */
static bool is_known_flag(const struct pmc_args_spec *spec, const char *arg)
{
	bool negated;

	if (strcmp(arg, "--") == 0)
		return true;
	if (strncmp(arg, "--", 2) == 0)
		return find_long(spec, arg + 2, strcspn(arg + 2, "="), &negated) != NULL;
	if (arg[0] == '-' && arg[1] && !pmc_args_is_negative_number(arg))
		return find_short(spec, arg[1]) != NULL;
	return false;
}

/* The known long flag closest to name, as "--NAME" (caller frees), or NULL. */
static char *suggest_flag(const struct pmc_args_spec *spec, const char *name)
{
	const struct pmc_flag *f;
	char **cands = NULL;
	const char *best;
	char *out = NULL;
	size_t n = 0, t, i;

	for (t = 0; spec->tables[t]; t++) {
		for (f = spec->tables[t]; f->name; f++) {
			cands = xrealloc(cands, (n + 3) * sizeof *cands);
			cands[n++] = xstrdup(f->name);
			if (f->alias)
				cands[n++] = xstrdup(f->alias);
			if (f->kind == PMC_FLAG_TOGGLE)
				cands[n++] = xasprintf("no-%s", f->name);
		}
	}
	best = pmc_name_closest(name, (const char *const *)cands, n);
	if (best)
		out = xasprintf("--%s", best);
	for (i = 0; i < n; i++)
		free(cands[i]);
	free(cands);
	return out;
}

static int fail(struct parser *p, char *cause)
{
	p->cause = cause;
	return -EINVAL;
}

static int unknown_flag(struct parser *p, const char *shown, const char *name)
{
	char *hint = suggest_flag(p->spec, name);
	int err;

	if (hint)
		err = fail(p, xasprintf("unknown flag '%s' (did you mean '%s'?)", shown, hint));
	else
		err = fail(p, xasprintf("unknown flag '%s'", shown));
	free(hint);
	return err;
}

static int parse_int(const char *text, int64_t *out)
{
	char *end;
	long long v;

	if (!*text || isspace((unsigned char)*text))
		return -EINVAL;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* "0", "0,3", "1,2,255": exit codes into v; -EINVAL on anything else. */
static int parse_codes(const char *text, struct pmc_intv *v)
{
	const char *p = text;
	size_t before = v->n;

	do {
		size_t len = strcspn(p, ",");
		char item[16];
		int64_t code;

		if (len == 0 || len >= sizeof item)
			goto bad;
		memcpy(item, p, len);
		item[len] = '\0';
		if (!isdigit((unsigned char)item[0]) || parse_int(item, &code) < 0 || code > 255)
			goto bad;
		intv_push(v, code);
		p += len;
	} while (*p++ == ',');
	return 0;
bad:
	v->n = before;
	return -EINVAL;
}

static int once(struct parser *p, const struct pmc_flag *f, bool already)
{
	if (already)
		return fail(p, xasprintf("--%s given more than once", f->name));
	return 0;
}

static int set_int(struct parser *p, const struct pmc_flag *f, const char *value)
{
	struct pmc_opt_int *opt = FIELD(p->args, f, struct pmc_opt_int);
	int64_t v;

	if (once(p, f, opt->set) < 0)
		return -EINVAL;
	if (parse_int(value, &v) < 0)
		return fail(p, xasprintf("--%s: invalid number '%s'", f->name, value));
	if (v < f->min || v > f->max)
		return fail(p, xasprintf("--%s: %lld is out of range (%lld to %lld)", f->name,
					 (long long)v, (long long)f->min, (long long)f->max));
	opt->set = true;
	opt->value = v;
	return 0;
}

static int set_duration(struct parser *p, const struct pmc_flag *f, const char *value)
{
	struct pmc_opt_int *opt = FIELD(p->args, f, struct pmc_opt_int);
	int64_t ms;

	if (once(p, f, opt->set) < 0)
		return -EINVAL;
	if (pmc_duration_parse(value, &ms) < 0 || ms > INT32_MAX)
		return fail(p, xasprintf("--%s: invalid duration '%s'", f->name, value));
	opt->set = true;
	opt->value = ms;
	return 0;
}

/* A string value: not empty, and as the flag's check wants it. */
static int check_string(struct parser *p, const struct pmc_flag *f, const char *value)
{
	char *why = NULL;
	int err;

	if (!*value)
		return fail(p, xasprintf("--%s: the value is empty", f->name));
	if (!f->check || f->check(value, &why) == 0)
		return 0;
	err = fail(p, xasprintf("--%s: %s", f->name, why ? why : "invalid value"));
	free(why);
	return err;
}

/* An optional value: value is NULL when the flag stands alone. */
static int set_optional(struct parser *p, const struct pmc_flag *f, const char *value)
{
	struct pmc_opt_str *opt = FIELD(p->args, f, struct pmc_opt_str);

	if (once(p, f, opt->set) < 0 || (value && check_string(p, f, value) < 0))
		return -EINVAL;
	opt->set = true;
	opt->value = value;
	return 0;
}

static int set_value(struct parser *p, const struct pmc_flag *f, const char *value)
{
	const char **str;
	const char *eq;

	switch (f->kind) {
	case PMC_FLAG_STRING:
		str = FIELD(p->args, f, const char *);
		if (once(p, f, *str != NULL) < 0 || check_string(p, f, value) < 0)
			return -EINVAL;
		*str = value;
		return 0;
	case PMC_FLAG_STRINGS:
		if (check_string(p, f, value) < 0)
			return -EINVAL;
		strv_push(FIELD(p->args, f, struct pmc_strv), value);
		return 0;
	case PMC_FLAG_INT:
		return set_int(p, f, value);
	case PMC_FLAG_DURATION:
		return set_duration(p, f, value);
	case PMC_FLAG_KEYVAL:
		eq = strchr(value, '=');
		if (!eq || eq == value)
			return fail(p, xasprintf("--%s: expected KEY=VALUE, got '%s'", f->name, value));
		strv_push(FIELD(p->args, f, struct pmc_strv), value);
		return 0;
	case PMC_FLAG_CODES:
		if (parse_codes(value, FIELD(p->args, f, struct pmc_intv)) < 0)
			return fail(p, xasprintf("--%s: invalid exit code list '%s'", f->name, value));
		return 0;
	case PMC_FLAG_OPTIONAL:
		return set_optional(p, f, value);
	case PMC_FLAG_BOOL:
	case PMC_FLAG_TOGGLE:
		break;
	}
	return fail(p, xasprintf("--%s takes no value", f->name));
}

static void set_switch(struct parser *p, const struct pmc_flag *f, bool negated)
{
	if (f->kind == PMC_FLAG_BOOL) {
		*FIELD(p->args, f, bool) = true;
	} else {
		struct pmc_opt_bool *opt = FIELD(p->args, f, struct pmc_opt_bool);
		opt->set = true;
		opt->value = !negated;
	}
}

/* The value of a flag written without "=": the next argument, unless that is a flag. */
static int take_next(struct parser *p, const struct pmc_flag *f, const char **value)
{
	if (p->i + 1 >= p->argc || is_known_flag(p->spec, p->argv[p->i + 1]))
		return fail(p, xasprintf("--%s needs a value (%s)", f->name,
					 f->value_name ? f->value_name : "VALUE"));
	*value = p->argv[++p->i];
	return 0;
}

/*
 * The value of an optional flag written without "=": the next argument when it
 * does not look like a flag and the flag takes it, else none (NULL).
 */
static const char *take_optional(struct parser *p, const struct pmc_flag *f)
{
	const char *next = p->i + 1 < p->argc ? p->argv[p->i + 1] : NULL;

	if (!next || next[0] == '-' || !*next || (f->takes && !f->takes(next)))
		return NULL;
	p->i++;
	return next;
}

/* --stop-exit-codes 0 3 7: further code lists up to the next flag or other word. */
static void take_more_codes(struct parser *p, const struct pmc_flag *f)
{
	while (p->i + 1 < p->argc &&
	       parse_codes(p->argv[p->i + 1], FIELD(p->args, f, struct pmc_intv)) == 0)
		p->i++;
}

static int parse_long(struct parser *p, const char *arg)
{
	const char *name = arg + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct pmc_flag *f;
	const char *value;
	bool negated;
	char *shown;
	int err;

	f = find_long(p->spec, name, len, &negated);
	if (!f) {
		char *bare = xstrndup(name, len);
		shown = xasprintf("--%s", bare);
		err = unknown_flag(p, shown, bare);
		free(shown);
		free(bare);
		return err;
	}
	if (!is_flag_value_kind(f->kind)) {
		if (eq)
			return fail(p, xasprintf("--%.*s takes no value", (int)len, name));
		set_switch(p, f, negated);
		return 0;
	}
	if (eq)
		value = eq + 1;
	else if (f->kind == PMC_FLAG_OPTIONAL)
		value = take_optional(p, f);
	else if (take_next(p, f, &value) < 0)
		return -EINVAL;
	err = set_value(p, f, value);
	if (err == 0 && !eq && f->kind == PMC_FLAG_CODES)
		take_more_codes(p, f);
	return err;
}

/* "-f", "-fk 2s", "-k2s", "-n=api": a cluster of short flags. */
static int parse_short(struct parser *p, const char *arg)
{
	const struct pmc_flag *f;
	const char *value;
	bool negated;
	size_t j;
	int err;

	/* "-name" is "--name" typed with one dash, not "-n ame". */
	if (arg[2] && find_long(p->spec, arg + 1, strcspn(arg + 1, "="), &negated))
		return fail(p, xasprintf("unknown flag '%.*s' (did you mean '-%.*s'?)",
					 (int)strcspn(arg, "="), arg, (int)strcspn(arg, "="), arg));
	for (j = 1; arg[j]; j++) {
		f = find_short(p->spec, arg[j]);
		if (!f) {
			char shown[3] = { '-', arg[j], '\0' };
			return unknown_flag(p, shown, shown + 1);
		}
		if (!is_flag_value_kind(f->kind)) {
			set_switch(p, f, false);
			continue;
		}
		value = arg + j + 1;
		if (*value == '=')
			value++;
		if (!arg[j + 1] && f->kind == PMC_FLAG_OPTIONAL)
			value = take_optional(p, f);
		else if (!arg[j + 1] && take_next(p, f, &value) < 0)
			return -EINVAL;
		err = set_value(p, f, value);
		if (err == 0 && !arg[j + 1] && f->kind == PMC_FLAG_CODES)
			take_more_codes(p, f);
		return err;
	}
	return 0;
}

static bool is_positional(const char *arg)
{
	return arg[0] != '-' || arg[1] == '\0' || pmc_args_is_negative_number(arg);
}

int pmc_args_parse(struct pmc_args *args, const struct pmc_args_spec *spec, int argc,
		   char **argv, char **cause)
{
	struct parser p = { .args = args, .spec = spec, .argc = argc, .argv = argv };
	bool rest = false;
	int err;

	for (p.i = 0; p.i < argc; p.i++) {
		const char *arg = argv[p.i];

		if (rest) {
			strv_push(spec->script_args ? &args->script_args : &args->pos, arg);
			continue;
		}
		if (spec->stop_at_positional && (is_positional(arg) || strcmp(arg, "--") == 0))
			return p.i;
		if (strcmp(arg, "--") == 0) {
			args->dashdash = true;
			rest = true;
			continue;
		}
		if (is_positional(arg)) {
			strv_push(&args->pos, arg);
			continue;
		}
		err = arg[1] == '-' ? parse_long(&p, arg) : parse_short(&p, arg);
		if (err < 0) {
			*cause = p.cause;
			return err;
		}
	}
	return argc;
}

void pmc_args_free(struct pmc_args *args)
{
	free(args->pos.items);
	free(args->script_args.items);
	free(args->env.items);
	free(args->listen.items);
	free(args->only.items);
	free(args->ignore_watch.items);
	free(args->stop_exit_codes.items);
	memset(args, 0, sizeof *args);
}
