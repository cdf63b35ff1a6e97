#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The ls table: aliases, columns, borders, row order and values, colours only on a TTY.

load helper

# table 'EXPR' < ls output: rows is a list of dicts (header -> cell), header the header cells.
table() {
	PMC_E2E_EXPR="$1" python3 -c '
import json, os, sys
lines = [l for l in sys.stdin.read().splitlines() if l.startswith("│")]
cells = [[c.strip() for c in l.strip().strip("│").split("│")] for l in lines]
header = cells[0] if cells else []
rows = [dict(zip(header, c)) for c in cells[1:]]
r = eval(os.environ["PMC_E2E_EXPR"])
print(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False))'
}

# Run a command on a pseudo-terminal; its output goes to stdout.
on_tty() {
	SHELL=/bin/bash script -qec "$*" /dev/null </dev/null
}

@test "ls, list, status, ps and l show the same table" {
	pmc start sleeper.sh --name b >/dev/null
	pmc start quiet.sh --name a >/dev/null
	local ref alias
	run -0 pmc ls
	ref=$(table '[[r[k] for k in ("id", "name", "mode", "pid", "↺", "status", "user")] for r in rows]' <<<"$output")
	for alias in list status ps l; do
		run -0 pmc "$alias"
		assert_eq "$(table '[[r[k] for k in ("id", "name", "mode", "pid", "↺", "status", "user")] for r in rows]' <<<"$output")" "$ref" "pmc $alias"
	done
}

@test "columns, borders, rows sorted by pm_id with their values" {
	pmc start sleeper.sh --name zeta >/dev/null
	pmc start quiet.sh --name alpha >/dev/null
	pmc stop alpha >/dev/null
	run -0 pmc ls
	assert_eq "$(table 'header' <<<"$output")" '["id", "name", "mode", "pid", "uptime", "↺", "status", "cpu", "mem", "user"]'
	assert_eq "${lines[0]:0:1}" "┌"
	assert_eq "${lines[2]:0:1}" "├"
	assert_eq "${lines[-1]:0:1}" "└"
	assert_contains "${lines[0]}" "┬"
	assert_contains "${lines[-1]}" "┴"
	assert_contains "${lines[2]}" "┼"
	assert_eq "$(table '[r["name"] for r in rows]' <<<"$output")" '["zeta", "alpha"]'
	assert_eq "$(table '[r["id"] for r in rows]' <<<"$output")" '["0", "1"]'
	assert_eq "$(table '[r["mode"] for r in rows]' <<<"$output")" '["fork", "fork"]'
	assert_eq "$(table 'rows[0]["pid"]' <<<"$output")" "$(pid_of zeta)"
	assert_eq "$(table '[r["status"] for r in rows]' <<<"$output")" '["online", "stopped"]'
	assert_eq "$(table '[r["↺"] for r in rows]' <<<"$output")" '["0", "0"]'
	assert_eq "$(table '[r["user"] for r in rows]' <<<"$output")" "[\"$(id -un)\", \"$(id -un)\"]"
	# Stopped: pid 0, uptime 0, mem 0b, cpu 0%.
	assert_eq "$(table '[rows[1][k] for k in ("pid", "uptime", "cpu", "mem")]' <<<"$output")" '["0", "0", "0%", "0b"]'
	# Online: PM2 units.
	[[ "$(table 'rows[0]["uptime"]' <<<"$output")" =~ ^[0-9]+[smhD]$ ]]
	[[ "$(table 'rows[0]["cpu"]' <<<"$output")" =~ ^[0-9]+(\.[0-9])?%$ ]]
	[[ "$(table 'rows[0]["mem"]' <<<"$output")" =~ ^[0-9]+(\.[0-9]+)?(b|kb|mb|gb)$ ]]
}

@test "restart count in the ↺ column" {
	pmc start sleeper.sh >/dev/null
	pmc restart sleeper >/dev/null
	pmc restart sleeper >/dev/null
	run -0 pmc ls
	assert_eq "$(table 'rows[0]["↺"]' <<<"$output")" 2
}

@test "an empty list is the header and an empty table" {
	run -0 pmc ls
	assert_eq "$(table 'header' <<<"$output")" '["id", "name", "mode", "pid", "uptime", "↺", "status", "cpu", "mem", "user"]'
	assert_eq "$(table 'len(rows)' <<<"$output")" 0
	assert_eq "${lines[0]:0:1}" "┌"
	assert_eq "${lines[-1]:0:1}" "└"
}

@test "no escape codes when piped, whatever NO_COLOR says" {
	pmc start sleeper.sh >/dev/null
	pmc start crash.sh --no-autorestart >/dev/null
	wait_until 10 'status_is crash stopped'
	run -0 pmc ls
	assert_not_contains "$output" $'\e'
	unset NO_COLOR
	run -0 pmc ls
	assert_not_contains "$output" $'\e'
	run -0 pmc describe sleeper
	assert_not_contains "$output" $'\e'
	run -0 pmc history
	assert_not_contains "$output" $'\e'
}

@test "on a TTY: colours by default, none with NO_COLOR or --no-color" {
	pmc start sleeper.sh >/dev/null
	local out
	unset NO_COLOR
	out=$(on_tty pmc ls)
	assert_contains "$out" "sleeper"
	# online is green.
	assert_contains "$out" $'\e['
	printf '%s' "$out" | grep -qP '\x1b\[[0-9;]*32m *online'
	out=$(NO_COLOR=1 on_tty pmc ls)
	assert_contains "$out" "sleeper"
	assert_not_contains "$out" $'\e'
	out=$(on_tty pmc ls --no-color)
	assert_contains "$out" "sleeper"
	assert_not_contains "$out" $'\e'
	out=$(on_tty pmc --no-color ls)
	assert_not_contains "$out" $'\e'
}

@test "ls --json is the jlist array" {
	pmc start sleeper.sh >/dev/null
	run -0 pmc ls --json
	assert_eq "$(pyjson '[(p["name"], p["pm_id"], p["pid"]) for p in d]' <<<"$output")" "[[\"sleeper\", 0, $(pid_of sleeper)]]"
}

@test "ls with an extra argument or a bad flag is a usage error" {
	run -2 pmc ls extra
	run -2 --separate-stderr pmc ls --bogus
	assert_contains "$stderr" "Try 'pmc help ls'"
}
