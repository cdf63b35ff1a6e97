#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Crash handling: restarts with a new pid, delays, exponential backoff, errored
# after max_restarts (also when the loop starts late), stop exit codes, no autorestart.

load helper

@test "a crash is restarted with a new pid and restart_time + 1" {
	# Runs 0.5 s, exits 2: stable with --min-uptime 200ms.
	pmc start crash.sh --name crasher --min-uptime 200ms -- 2 0.5 >/dev/null
	local p0 p1
	p0=$(pid_of crasher)
	wait_until 10 '[ "$(restarts_of crasher)" -ge 1 ]'
	wait_until 10 'p1=$(pid_of crasher); [ "$p1" != 0 ] && [ "$p1" != "$p0" ]'
	dead "$p0"
	assert_eq "$(env_of crasher exit_code)" 2
	wait_until 10 '[ "$(restarts_of crasher)" -ge 2 ]'
	[ "$(pid_of crasher)" != "$p1" ]
	assert_eq "$(env_of crasher unstable_restarts)" 0
	pmc stop crasher >/dev/null
}

@test "--restart-delay 2s: waiting restart in jlist and ls, then online again" {
	pmc start crash.sh --name slow --restart-delay 2s -- 1 0.2 >/dev/null
	wait_until 10 'status_is slow "waiting restart"'
	assert_eq "$(restarts_of slow)" 0
	run -0 pmc ls
	assert_contains "$output" "waiting"
	wait_until 10 '[ "$(restarts_of slow)" = 1 ]'
	pmc stop slow >/dev/null
	status_is slow stopped
}

@test "stop cancels a pending restart" {
	pmc start crash.sh --name slow --restart-delay 1m -- 1 >/dev/null
	wait_until 10 'status_is slow "waiting restart"'
	run -0 pmc stop slow
	status_is slow stopped
	assert_eq "$(restarts_of slow)" 0
}

@test "--exp-backoff-restart-delay 300: prev_restart_delay 300, 450, 675, 1012; history gaps as long" {
	# Delays of 300 ms and more: each value stays visible long enough to be polled
	# even on a loaded machine.
	pmc start crash.sh --name backoff --exp-backoff-restart-delay 300 --max-restarts 50 -- 1 >/dev/null
	local seen=" " v
	collect() {
		v=$(env_of backoff prev_restart_delay)
		[[ "$seen" == *" $v "* ]] || seen="$seen$v "
		[[ "$seen" == *" 1012 "* ]]
	}
	wait_until 30 collect
	pmc stop backoff >/dev/null
	# Values seen in order, each from PM2's sequence (floor(prev * 1.5)).
	PMC_E2E_SEEN=$seen run -0 python3 -c '
import os
seen = [int(x) for x in os.environ["PMC_E2E_SEEN"].split() if x != "0"]
want = [300, 450, 675, 1012]
assert seen == [w for w in want if w in seen] and seen[-1] == 1012 and len(seen) >= 2, seen
print("ok")'
	assert_eq "$output" ok
	# And the restarts really waited that long: exit to restart, in the history.
	run -0 python3 -c '
import json, sys
ev = json.load(sys.stdin)["events"]
gaps = []
for a, b in zip(ev, ev[1:]):
    if a["kind"] == "exit" and b["kind"] == "restart":
        gaps.append(b["at"] - a["at"])
want = [300, 450, 675, 1012]
assert len(gaps) >= 3 and all(g >= w - 1 for g, w in zip(gaps, want)), gaps
print("ok")' < <(pmc history backoff --json --limit 100)
	assert_eq "$output" ok
}

@test "a crash loop ends errored after --max-restarts 3" {
	pmc start crash.sh --name loop --max-restarts 3 -- 1 >/dev/null
	wait_until 20 'status_is loop errored'
	assert_eq "$(pid_of loop)" 0
	assert_eq "$(env_of loop exit_code)" 1
	# PM2: restarts until the 3rd unstable run, which errors it.
	assert_eq "$(restarts_of loop)" 2
	# And it stays errored.
	run -0 pmc ls
	assert_contains "$output" errored
	run -0 pmc restart loop
	run -0 pmc stop loop
}

@test "a crash loop that begins long after start still ends errored" {
	export FLAG="$E2E_WORK/crash-now" STABLE_SECONDS=0.4
	pmc start flaky.sh --min-uptime 300ms --max-restarts 3 >/dev/null
	# Stable runs (0.4 s >= 300 ms) are restarted without end...
	wait_until 20 '[ "$(restarts_of flaky)" -ge 5 ]'
	assert_eq "$(env_of flaky unstable_restarts)" 0
	local before
	before=$(restarts_of flaky)
	# ...then it crashes at once: errored after 3 unstable runs.
	touch "$FLAG"
	wait_until 20 'status_is flaky errored'
	local after
	after=$(restarts_of flaky)
	[ "$after" -ge $((before + 2)) ]
	[ "$after" -le $((before + 4)) ]
}

@test "--stop-exit-codes: a listed exit code stops the app, another restarts it" {
	pmc start crash.sh --name three --stop-exit-codes 3 -- 3 >/dev/null
	wait_until 10 'status_is three stopped'
	assert_eq "$(restarts_of three)" 0
	assert_eq "$(env_of three exit_code)" 3
	pmc start crash.sh --name four --stop-exit-codes 3 --min-uptime 0 --max-restarts 1000 -- 4 0.1 >/dev/null
	wait_until 10 '[ "$(restarts_of four)" -ge 1 ]'
	pmc stop four >/dev/null
	assert_eq "$(history_json three | pyjson '[(e["exit_code"], bool(e["reason"])) for e in d if e["kind"] == "exit"]')" '[[3, true]]'
}

@test "--no-autorestart: a crash leaves the app stopped" {
	pmc start crash.sh --name once --no-autorestart -- 5 >/dev/null
	wait_until 10 'status_is once stopped'
	assert_eq "$(restarts_of once)" 0
	assert_eq "$(env_of once exit_code)" 5
	assert_eq "$(pid_of once)" 0
	# A clean exit with autorestart on is restarted like any other.
	pmc start crash.sh --name clean --min-uptime 0 --max-restarts 1000 -- 0 0.1 >/dev/null
	wait_until 10 '[ "$(restarts_of clean)" -ge 1 ]'
	pmc stop clean >/dev/null
}

@test "a restart of an errored app runs it again (and the loop errors it again)" {
	pmc start crash.sh --name loop --max-restarts 2 -- 1 >/dev/null
	wait_until 20 'status_is loop errored'
	run -0 pmc restart loop
	wait_until 20 'status_is loop errored'
	pmc stop loop >/dev/null
	status_is loop stopped
}
