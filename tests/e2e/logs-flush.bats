#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# pmc flush empties log files; pmc reloadLogs and SIGUSR2 reopen moved files.

load helper

setup() {
	_e2e_setup
	pmc start log-tick.py >/dev/null
	pmc start chatty.sh -- 20 >/dev/null
	L="$PMC_HOME/logs"
	wait_until 10 'grep -q "^tick " "$L/log-tick-out.log" 2>/dev/null'
	wait_until 10 'grep -qx "err 20" "$L/chatty-error.log" 2>/dev/null'
	TPID=$(pid_of log-tick)
}

size() {
	stat -c %s "$1"
}

# The number of the last tick line in FILE (0 if none).
last_tick() {
	local l
	l=$(tail -n 1 "$1" 2>/dev/null)
	echo "${l##* }" | tr -dc 0-9 | sed 's/^$/0/'
}

@test "pmc flush NAME empties that app's files only" {
	run -0 pmc flush chatty
	assert_eq "$(size "$L/chatty-out.log")" 0
	assert_eq "$(size "$L/chatty-error.log")" 0
	# The other app's log still has its lines.
	grep -qx "tick $TPID 1" "$L/log-tick-out.log"
	# The files stay in use: new lines go on at the start of the empty file.
	run -0 pmc flush log-tick
	wait_until 10 'grep -q "^tick $TPID " "$L/log-tick-out.log"'
	run -1 grep -qx "tick $TPID 1" "$L/log-tick-out.log"
	# No hole of zero bytes where the old content was.
	run -0 python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); print(d.count(b"\0"))' "$L/log-tick-out.log"
	assert_eq "$output" 0
}

@test "pmc reloadLogs: after mv NAME-out.log away, new lines go to a new NAME-out.log" {
	mv "$L/log-tick-out.log" "$E2E_WORK/moved.log"
	run -0 pmc reloadLogs
	wait_until 10 '[ -s "$L/log-tick-out.log" ]'
	local first moved_last
	wait_until 10 'grep -q "^tick $TPID " "$L/log-tick-out.log"'
	first=$(head -n 1 "$L/log-tick-out.log")
	moved_last=$(last_tick "$E2E_WORK/moved.log")
	# The new file starts where the moved one ended (no line lost or repeated).
	assert_eq "$first" "tick $TPID $((moved_last + 1))"
	run -0 pid_of log-tick
	assert_eq "$output" "$TPID"
}

@test "SIGUSR2 to pmcd does the same" {
	local dpid first moved_last
	dpid=$(daemon_pid)
	mv "$L/log-tick-out.log" "$E2E_WORK/moved.log"
	kill -USR2 "$dpid"
	wait_until 10 'grep -q "^tick $TPID " "$L/log-tick-out.log" 2>/dev/null'
	first=$(head -n 1 "$L/log-tick-out.log")
	moved_last=$(last_tick "$E2E_WORK/moved.log")
	assert_eq "$first" "tick $TPID $((moved_last + 1))"
	run -0 daemon_pid
	assert_eq "$output" "$dpid"
	run -0 timeout 10 pmc ping
}
