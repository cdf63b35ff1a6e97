#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# pmc logs without --nostream: follows the apps' output as it is written,
# across restarts and rotations, until SIGINT.

load helper

# follow OUTFILE ARGS..: runs `pmc logs ARGS..` in the background with SIGINT
# at its default (a background job of a script would ignore it); sets FPID.
# Its standard error goes to OUTFILE.err.
follow() {
	local out=$1
	shift
	python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' pmc logs "$@" >"$out" 2>"$out.err" 3>&- &
	FPID=$!
	record_pid "$FPID"
}

# Stops the follower with SIGINT; its exit status must be 0.
stop_follow() {
	kill -INT "$FPID"
	local rc=0
	wait "$FPID" || rc=$?
	assert_eq "$rc" 0 "exit status of pmc logs after SIGINT"
}

# The highest I of "PREFIXtick PID I" lines in FILE for PID (0 if none).
last_tick() {
	python3 -c 'import re, sys
n = 0
for l in open(sys.argv[1], errors="replace"):
    m = re.fullmatch(re.escape(sys.argv[2]) + r"tick " + sys.argv[3] + r" (\d+)\n", l)
    if m:
        n = max(n, int(m.group(1)))
print(n)' "$1" "$2" "$3"
}

ticks_past() {
	(($(last_tick "$1" "$2" "$3") > $4))
}

@test "new lines appear prefixed ID|NAME, across a restart; SIGINT ends it with 0" {
	pmc start log-tick.py >/dev/null
	pmc start sleeper.sh >/dev/null
	local pid1 pid2 F="$E2E_WORK/follow.txt"
	pid1=$(pid_of log-tick)
	follow "$F" log-tick
	wait_until 10 'ticks_past "$F" "0|log-tick | " $pid1 0'
	local seen
	seen=$(last_tick "$F" "0|log-tick | " $pid1)
	# Lines written after the follower started keep coming.
	wait_until 10 'ticks_past "$F" "0|log-tick | " $pid1 $((seen + 5))'
	pmc restart log-tick >/dev/null
	wait_until 10 '[ "$(pid_of log-tick)" != "$pid1" ] && [ "$(pid_of log-tick)" != 0 ]'
	pid2=$(pid_of log-tick)
	wait_until 10 'ticks_past "$F" "0|log-tick | " $pid2 5'
	stop_follow
	# Only the followed app, every line prefixed (the header lines aside).
	run -0 python3 -c 'import re, sys
for l in open(sys.argv[1]):
    l = l.rstrip("\n")
    if not l or re.fullmatch(r"==> .* <==|\(no output yet in .*\)", l):
        continue
    if not l.startswith("0|log-tick | "):
        print("unexpected line %r" % l)' "$F"
	assert_eq "$output" ""
}

@test "following goes on across a rotation" {
	pmc start log-tick.py --log-max-size 2K -- 0.01 >/dev/null
	local pid F="$E2E_WORK/follow.txt" L="$PMC_HOME/logs"
	pid=$(pid_of log-tick)
	follow "$F" log-tick
	wait_until 10 'ticks_past "$F" "0|log-tick | " $pid 0'
	wait_until 20 '[ -f "$L/log-tick-out.log.2" ]'
	local seen
	seen=$(last_tick "$F" "0|log-tick | " $pid)
	wait_until 20 '[ -f "$L/log-tick-out.log.4" ]'
	wait_until 10 'ticks_past "$F" "0|log-tick | " $pid $((seen + 300))'
	stop_follow
	# What the follower printed is every line from its first one, once, in order.
	run -0 python3 -c 'import re, sys
ns = [int(m.group(1)) for m in (re.fullmatch(r"0\|log-tick \| tick \d+ (\d+)\n", l) for l in open(sys.argv[1])) if m]
# The tail printed first may overlap with the stream; from the first streamed
# line on, the numbers go up by one.
k = max(i for i in range(1, len(ns)) if ns[i] <= ns[i - 1]) if any(ns[i] <= ns[i - 1] for i in range(1, len(ns))) else 0
s = ns[k:]
print("ok" if s == list(range(s[0], s[0] + len(s))) else "gap or repeat in %r" % s[:50])' "$F"
	assert_eq "$output" ok
}

@test "--raw: no prefix; --json: one object per line" {
	pmc start log-tick.py >/dev/null
	local pid F="$E2E_WORK/raw.txt" J="$E2E_WORK/json.txt"
	pid=$(pid_of log-tick)
	follow "$F" log-tick --raw
	wait_until 10 'ticks_past "$F" "" $pid 3'
	stop_follow
	run -1 grep -c '|' "$F"
	assert_eq "$output" 0
	follow "$J" log-tick --json
	wait_until 10 'grep -q "\"message\":\"tick $pid " "$J"'
	local seen
	seen=$(last_tick "$PMC_HOME/logs/log-tick-out.log" "" $pid)
	wait_until 10 'grep -q "\"message\":\"tick $pid $((seen + 3))\"" "$J"'
	stop_follow
	run -0 python3 -c 'import json, re, sys
bad = 0
n = 0
for l in open(sys.argv[1]):
    o = json.loads(l)
    if not (o["app_name"] == "log-tick" and o["process_id"] == 0 and o["type"] in ("out", "err")
            and isinstance(o["timestamp"], str) and isinstance(o["message"], str)):
        bad += 1
    if re.fullmatch(r"tick \d+ \d+", o["message"]) and o["type"] == "out":
        n += 1
print(bad, n > 3)' "$J"
	assert_eq "$output" "0 True"
}

@test "without a target, pmcd's own lines come live too, as PMC lines, once each" {
	pmc start sleeper.sh >/dev/null
	local F="$E2E_WORK/all.txt"
	follow "$F"
	wait_until 10 'grep -q "^PMC *| .*app \[sleeper:0\] start" "$F"'
	# A line the daemon logs after the follower started reaches it as it is logged.
	pmc start log-tick.py >/dev/null
	wait_until 10 'grep -q "^PMC *| .*app \[log-tick:1\] start" "$F"'
	stop_follow
	run -0 grep -c "app \[log-tick:1\] start" "$F"
	assert_eq "$output" 1
	run -0 grep -c "app \[sleeper:0\] start" "$F"
	assert_eq "$output" 1
	# One stream asked for: the daemon's lines are not part of it.
	follow "$E2E_WORK/out.txt" --out
	wait_until 10 'grep -q "^1|log-tick | tick" "$E2E_WORK/out.txt"'
	pmc restart sleeper >/dev/null
	# The restarted sleeper's first line comes after the daemon logged its start.
	wait_until 10 '(($(grep -c "^0|sleeper *| sleeper [0-9]* up" "$E2E_WORK/out.txt") >= 2))'
	stop_follow
	run -1 grep -c "^PMC" "$E2E_WORK/out.txt"
}
