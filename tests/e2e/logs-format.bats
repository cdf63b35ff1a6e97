#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Line formats: --time and --log-date-format prefixes, --log-type json, and
# lines that come in pieces or are very long.

load helper

N=20000

stopped() {
	status_is "$1" stopped
}

# pylines 'EXPR' FILE: EXPR over ls, the lines of FILE (without newlines).
pylines() {
	PMC_E2E_EXPR="$1" python3 -c '
import json, os, re, sys
ls = open(sys.argv[1], "rb").read().decode().split("\n")
assert ls[-1] == "", "no newline at the end"
ls = ls[:-1]
r = eval(os.environ["PMC_E2E_EXPR"])
print(r if isinstance(r, str) else json.dumps(r))' "$2"
}

@test "--time: every line starts with YYYY-MM-DDTHH:mm:ss: and the line follows whole" {
	pmc start log-flood.py --no-autorestart --time -- $N >/dev/null
	wait_until 30 'stopped log-flood'
	local L="$PMC_HOME/logs"
	run -0 python3 "$APPS/log-check.py" --prefix '\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d: ' "$L/log-flood-out.log"
	assert_eq "$output" "out i0 $N"
	run -0 python3 "$APPS/log-check.py" --prefix '\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d: ' "$L/log-flood-error.log"
	assert_eq "$output" "err i0 $N"
}

@test "--log-date-format 'YYYY-MM-DD HH:mm': that prefix on every line" {
	pmc start log-flood.py --no-autorestart --log-date-format "YYYY-MM-DD HH:mm" -- $N >/dev/null
	wait_until 30 'stopped log-flood'
	run -0 python3 "$APPS/log-check.py" --prefix '\d{4}-\d\d-\d\d \d\d:\d\d: ' "$PMC_HOME/logs/log-flood-out.log"
	assert_eq "$output" "out i0 $N"
	# The prefix is today's date (the daemon's local time; TZ is the same here).
	local day
	day=$(date +%Y-%m-%d)
	run -0 pylines 'sorted(set(l[:10] for l in ls))' "$PMC_HOME/logs/log-flood-out.log"
	# A run across midnight may see two days; today is one of them.
	assert_contains "$output" "\"$day\""
}

@test "--time: a line written in two parts with a pause is one line with one prefix" {
	pmc start log-partial.py --time >/dev/null
	local f="$PMC_HOME/logs/log-partial-out.log"
	wait_until 10 'grep -q "done$" "$f" 2>/dev/null'
	run -0 pylines '[re.sub(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d: ", "TS: ", l) for l in ls]' "$f"
	assert_eq "$output" '["TS: part-one part-two", "TS: done"]'
}

@test "--log-type json: every line is an object with message, timestamp, type, app_name, process_id" {
	pmc start log-flood.py --no-autorestart --log-type json -i 2 -- $N >/dev/null
	wait_until 30 '[ "$(jl "sorted(set(p[\"pm2_env\"][\"status\"] for p in d))")" = "[\"stopped\"]" ]'
	local k
	for k in 0 1; do
		run -0 pylines '
[(o["type"], o["app_name"], o["process_id"]) for o in [json.loads(ls[0])]][0] if all(
    set(o) >= {"message", "timestamp", "type", "app_name", "process_id"}
    and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", o["timestamp"])
    and o["message"] == "out i'$k' %d" % (n + 1)
    and o["type"] == "out" and o["app_name"] == "log-flood" and o["process_id"] == '$k'
    for n, o in enumerate(map(json.loads, ls))) and len(ls) == '$N' else "bad"' \
			"$PMC_HOME/logs/log-flood-out-$k.log"
		assert_eq "$output" "[\"out\", \"log-flood\", $k]"
		run -0 pylines '
"ok %d" % len(ls) if all(o["message"] == "err i'$k' %d" % (n + 1) and o["type"] == "err"
    for n, o in enumerate(map(json.loads, ls))) else "bad"' "$PMC_HOME/logs/log-flood-error-$k.log"
		assert_eq "$output" "ok $N"
	done
}

@test "--log-type json: a partial line is one object" {
	pmc start log-partial.py --log-type json >/dev/null
	local f="$PMC_HOME/logs/log-partial-out.log"
	wait_until 10 'grep -q "\"done\"" "$f" 2>/dev/null'
	run -0 pylines '[json.loads(l)["message"] for l in ls]' "$f"
	assert_eq "$output" '["part-one part-two", "done"]'
}

@test "a 1 MB line survives whole, raw and as JSON" {
	pmc start log-bigline.py --name big-raw -- 1048576 >/dev/null
	pmc start log-bigline.py --name big-json --log-type json -- 1048576 >/dev/null
	wait_until 10 'grep -q "^after$" "$PMC_HOME/logs/big-raw-out.log" 2>/dev/null'
	wait_until 10 'grep -q "\"after\"" "$PMC_HOME/logs/big-json-out.log" 2>/dev/null'
	run -0 pylines '[len(ls), len(ls[0]), set(ls[0]) == {"x"}, ls[1]]' "$PMC_HOME/logs/big-raw-out.log"
	assert_eq "$output" '[2, 1048576, true, "after"]'
	run -0 pylines '[len(ls), len(json.loads(ls[0])["message"]), set(json.loads(ls[0])["message"]) == {"x"}, json.loads(ls[1])["message"]]' "$PMC_HOME/logs/big-json-out.log"
	assert_eq "$output" '[2, 1048576, true, "after"]'
}
