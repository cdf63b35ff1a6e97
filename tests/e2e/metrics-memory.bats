#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The sampler: CPU and memory of every instance and its process tree in jlist and
# describe, and --max-memory-restart restarting an instance whose tree stays above it.

load helper

setup() {
	_e2e_setup
	# Sample fast so the tests take a few seconds, not minutes.
	printf 'metrics_interval = 200ms\n' >"$PMC_HOME/pmcd.conf"
}

@test "an app that grows past --max-memory-restart is restarted, and the history says why and how big" {
	# A shell wrapper around the grower: the limit applies to the whole tree.
	pmc start "sh -c 'python3 mem-grow.py 120 8; echo done'" --name grow \
		--max-memory-restart 40M >/dev/null
	pmc start mem-grow.py --name small --max-memory-restart 500M -- 24 8 >/dev/null
	wait_until 15 '[ "$(restarts_of grow)" -ge 1 ]'
	assert_eq "$(env_of grow max_memory_restart)" 41943040
	run -0 python3 -c '
import json, re, sys
ev = json.loads(sys.argv[1])
exits = [e for e in ev if e["kind"] == "exit"]
restarts = [e for e in ev if e["kind"] == "restart"]
assert exits and restarts, ev
e = exits[0]
assert e["reason"].startswith("max_memory_restart: rss "), e
rss = int(re.search(r"\((\d+) bytes\)", e["reason"]).group(1))
assert rss > 40 << 20, e
assert rss < 400 << 20, e
# Graceful: the stop signal ended it, not SIGKILL.
assert e["signal"] in ("SIGINT", None), e
assert restarts[0]["reason"] == e["reason"], restarts
print(e["reason"])
' "$(history_json grow)"
	assert_contains "$output" "above 40.0mb"
	# The app under its limit held its memory and was left alone.
	wait_until 10 '[ "$(jl "app(\"small\")[\"monit\"][\"memory\"]")" -gt $((20 << 20)) ]'
	assert_eq "$(restarts_of small)" 0
	# The restarted one runs again (a new pid) and is sampled again.
	wait_until 10 'status_is grow online'
}

@test "jlist and describe report the tree: processes, CPU percent and memory of the last minute" {
	pmc start "sh -c 'python3 mem-grow.py 16 8 & while :; do :; done'" --name busy >/dev/null
	wait_until 10 '[ "$(jl "app(\"busy\")[\"monit\"][\"processes\"]")" -ge 2 ]'
	wait_until 10 '[ "$(jl "app(\"busy\")[\"monit\"][\"memory\"]")" -gt $((16 << 20)) ]'
	run -0 python3 -c '
import json, sys
d = json.loads(sys.argv[1])
m = d["processes"][0]["monit"]
assert m["memory"] >= m["pid_memory"] > 0, m
assert m["processes"] >= 2, m
# The busy loop burns about one CPU; the sampler sees most of it.
assert 20 <= m["cpu"] <= 250, m
lm = m["last_minute"]
assert lm["samples"] >= 2 and lm["interval_ms"] == 200, lm
for k in ("cpu", "memory", "pid_cpu", "pid_memory"):
    s = lm[k]
    assert 0 <= s["current"] <= s["max"] and s["avg"] <= s["max"], (k, s)
h = m["history"]
assert len(h) == lm["samples"], (len(h), lm)
assert [x["at"] for x in h] == sorted(x["at"] for x in h), h
assert h[-1]["memory"] == m["memory"], (h[-1], m)
' "$(pmc describe busy --json)"
	run -0 pmc describe busy
	assert_contains "$output" "memory (tree)"
	assert_contains "$output" " avg, "
	assert_contains "$output" "processes"
	run -0 pmc ls
	assert_contains "$output" "mb"
	# A stopped app reads 0, not a stale sample.
	pmc stop busy >/dev/null
	assert_eq "$(jl "app(\"busy\")[\"monit\"][\"memory\"]")" 0
}

@test "--max-memory-restart and metrics_interval reject bad values" {
	run pmc start mem-grow.py --max-memory-restart lots
	[ "$status" -ne 0 ]
	assert_contains "$output" "--max-memory-restart"
	assert_contains "$output" "invalid size"
	run -0 pmc ls
	printf 'metrics_interval = 5ms\n' >"$PMC_HOME/pmcd.conf"
	pmc kill >/dev/null
	run -0 pmc ping
	wait_until 5 'grep -q "metrics_interval must be" "$PMC_HOME/pmcd.log"'
	run -0 pmc metrics --json
	assert_contains "$output" '"interval_ms":1000'
}
