#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# A log file that cannot be written: the app goes on, the error is shown and
# logged a bounded number of times, and logging resumes once the path works.

load helper

dropped_over() {
	(($(env_of "$1" log_dropped) > $2))
}

@test "-o /dev/full under a flood: the app stays online, the error is shown and logged a few times" {
	pmc start log-flood.py -o /dev/full -- 2000 loop >/dev/null
	wait_until 10 'status_is log-flood online'
	local pid
	pid=$(pid_of log-flood)
	# Several MB dropped means many thousands of failed writes.
	wait_until 30 'dropped_over log-flood 4000000'
	run -0 env_of log-flood log_error
	assert_eq "$output" "cannot write to log file /dev/full: No space left on device"
	run -0 env_of log-flood status
	assert_eq "$output" online
	run -0 pid_of log-flood
	assert_eq "$output" "$pid"
	run -0 pmc describe log-flood
	assert_contains "$output" "cannot write to log file /dev/full: No space left on device"
	run -0 timeout 10 pmc ping
	assert_contains "$output" '"msg":"pong"'
	local n
	n=$(grep -c '/dev/full' "$PMC_HOME/pmcd.log")
	((n >= 1 && n <= 5)) || {
		echo "pmcd.log mentions /dev/full $n times" >&2
		false
	}
	# The error stream is unaffected: it still gets every line, in order
	# (the app ends its batch on SIGINT).
	pmc stop log-flood >/dev/null
	run -0 python3 "$APPS/log-check.py" "$PMC_HOME/logs/log-flood-error.log"
	assert_contains "$output" "err i0 "
}

@test "a log directory replaced by a file: error reported; logging resumes when it is a directory again" {
	local D="$E2E_WORK/ld"
	mkdir "$D"
	pmc start log-tick.py -o "$D/out.log" >/dev/null
	wait_until 10 'grep -q "^tick " "$D/out.log" 2>/dev/null'
	local pid
	pid=$(pid_of log-tick)
	rm -rf "$D"
	echo "not a directory" >"$D"
	wait_until 10 '[ "$(env_of log-tick log_error)" = "cannot open log file $D/out.log: Not a directory" ]'
	wait_until 10 'dropped_over log-tick 0'
	run -0 pmc describe log-tick
	assert_contains "$output" "cannot open log file $D/out.log: Not a directory"
	run -0 timeout 10 pmc ping
	run -0 grep -c "cannot open log file $D/out.log: Not a directory" "$PMC_HOME/pmcd.log"
	assert_eq "$output" 1
	rm -f "$D"
	mkdir "$D"
	# New lines appear in a new file, from the same process.
	wait_until 10 'grep -q "^tick $pid " "$D/out.log" 2>/dev/null'
	wait_until 10 '[ "$(env_of log-tick log_error)" = null ]'
	# The count of dropped bytes stays.
	dropped_over log-tick 0
	run -0 grep -c "log file $D/out.log works again (" "$PMC_HOME/pmcd.log"
	assert_eq "$output" 1
	run -0 pid_of log-tick
	assert_eq "$output" "$pid"
	run -0 status_of log-tick
	assert_eq "$output" online
}
