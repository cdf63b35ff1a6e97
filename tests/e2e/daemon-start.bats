#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The daemon on demand: one per PMC_HOME, its files, stale sockets, pmcd's own options.

load helper

# pmcd processes (by /proc/PID/exe) whose environment has PMC_HOME=$1.
pmcd_pids_for_home() {
	local f pid exe
	for f in /proc/[0-9]*/exe; do
		pid=${f#/proc/}
		pid=${pid%/exe}
		exe=$(readlink "$f" 2>/dev/null) || continue
		[ "${exe##*/}" = pmcd ] || continue
		alive "$pid" || continue
		if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "PMC_HOME=$1"; then
			echo "$pid"
		fi
	done
	return 0
}

@test "ping starts the daemon and reports version, protocol and its pid" {
	run -0 pmc ping
	pyjson 'd["msg"]' <<<"$output" | grep -qx pong
	assert_eq "$(pyjson 'd["version"]' <<<"$output")" 0.1.0
	assert_eq "$(pyjson 'd["protocol"]' <<<"$output")" 1
	local pid
	pid=$(pyjson 'd["pid"]' <<<"$output")
	alive "$pid"
	assert_eq "$(tr -dc 0-9 <"$PMC_HOME/pmcd.lock")" "$pid" "pmcd.lock holds the pid"
	assert_eq "$(readlink "/proc/$pid/exe")" "$(readlink -f "$PMC_BUILD_ROOT/daemon/pmcd")"
	# The daemon is detached from the CLI: its own session.
	assert_eq "$(ps -o sid= -p "$pid" | tr -d ' ')" "$pid"
	# A second call talks to the same daemon.
	run -0 pmc ping
	assert_eq "$(pyjson 'd["pid"]' <<<"$output")" "$pid"
}

@test "a missing home is created 0700 with the socket 0600, lock, log, db and logs/" {
	export PMC_HOME="$E2E_WORK/new/home"
	register_home "$PMC_HOME"
	run -0 pmc ping
	assert_eq "$(stat -c %a "$PMC_HOME")" 700
	[ -S "$PMC_HOME/rpc.sock" ]
	assert_eq "$(stat -c %a "$PMC_HOME/rpc.sock")" 600
	[ -f "$PMC_HOME/pmcd.lock" ]
	[ -f "$PMC_HOME/pmcd.log" ]
	[ -f "$PMC_HOME/pmc.db" ]
	[ -d "$PMC_HOME/logs" ]
	daemon_pid >/dev/null
}

@test "ten CLI calls racing on a fresh home start exactly one daemon" {
	local i pids=() fails=0
	for i in $(seq 10); do
		pmc ping >"$E2E_WORK/ping.$i" 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || fails=$((fails + 1))
	done
	assert_eq "$fails" 0 "every racing ping succeeds"
	local dpid
	dpid=$(tr -dc 0-9 <"$PMC_HOME/pmcd.lock")
	for i in $(seq 10); do
		assert_eq "$(pyjson 'd["pid"]' <"$E2E_WORK/ping.$i")" "$dpid" "ping $i"
	done
	assert_eq "$(pmcd_pids_for_home "$PMC_HOME")" "$dpid" "one pmcd for this home"
}

@test "a plain file left at rpc.sock is replaced by the daemon's socket" {
	echo "not a socket" >"$PMC_HOME/rpc.sock"
	run -0 pmc ping
	[ -S "$PMC_HOME/rpc.sock" ]
	assert_eq "$(pyjson 'd["pid"]' <<<"$output")" "$(daemon_pid)"
}

@test "a dead socket left at rpc.sock is replaced" {
	python3 -c 'import os, socket
s = socket.socket(socket.AF_UNIX)
s.bind(os.path.join(os.environ["PMC_HOME"], "rpc.sock"))'
	[ -S "$PMC_HOME/rpc.sock" ]
	run -0 pmc ping
	assert_eq "$(pyjson 'd["pid"]' <<<"$output")" "$(daemon_pid)"
	run -0 pmc ls
}

@test "a stale pmcd.lock holding a dead pid does not stop a new daemon" {
	echo 999999 >"$PMC_HOME/pmcd.lock"
	run -0 pmc ping
	local pid
	pid=$(pyjson 'd["pid"]' <<<"$output")
	alive "$pid"
	assert_eq "$(tr -dc 0-9 <"$PMC_HOME/pmcd.lock")" "$pid"
}

@test "a second pmcd on the same home refuses: another pmcd is running (pid N)" {
	run -0 pmc ping
	local dpid
	dpid=$(daemon_pid)
	run -1 timeout 20 pmcd --foreground
	assert_contains "$output" "another pmcd is running (pid $dpid)"
	# The first daemon is untouched.
	assert_eq "$(daemon_pid)" "$dpid"
	[ -S "$PMC_HOME/rpc.sock" ]
	run -0 pmc ping
	assert_eq "$(pyjson 'd["pid"]' <<<"$output")" "$dpid"
}

@test "pmcd --version and --help" {
	run -0 pmcd --version
	assert_contains "$output" 0.1.0
	run -0 pmcd --help
	assert_contains "$output" --foreground
	assert_contains "$output" --ready-fd
	# Neither starts anything.
	[ ! -e "$PMC_HOME/rpc.sock" ]
	run pmcd --no-such-option
	[ "$status" -ne 0 ]
	[ ! -e "$PMC_HOME/rpc.sock" ]
}

@test "SIGHUP does not stop the daemon or its apps" {
	run -0 pmc start sleeper.sh
	local dpid pid
	dpid=$(daemon_pid)
	pid=$(pid_of sleeper)
	kill -HUP "$dpid"
	run -0 pmc ping
	assert_eq "$(pyjson 'd["pid"]' <<<"$output")" "$dpid"
	assert_eq "$(pid_of sleeper)" "$pid"
	status_is sleeper online
}

@test "a home path too long for sun_path: exit 3, a clear error, nothing bound" {
	# home + "/rpc.sock" is 108 bytes: one more than sun_path can hold.
	local base="$E2E_WORK/" long
	long=$base$(printf 'h%.0s' $(seq $((108 - ${#base} - 9))))
	assert_eq "$((${#long} + 9))" 108
	export PMC_HOME=$long
	register_home "$long"
	run -3 --separate-stderr pmc ping
	# The message shows the whole path, and what to do.
	assert_contains "$stderr" "pmc: "
	assert_contains "$stderr" "$long/rpc.sock"
	assert_contains "$stderr" "PMC_HOME"
	# Nothing bound or started under a truncated path.
	assert_eq "$(find "$E2E_WORK" -type s | wc -l)" 0
	assert_eq "$(pmcd_pids_for_home "$long")" ""
	run -3 pmc ls
}

@test "a home path whose socket fills sun_path exactly works" {
	# home + "/rpc.sock" is 107 bytes, the longest path sun_path holds.
	local base="$E2E_WORK/" home
	home=$base$(printf 'k%.0s' $(seq $((107 - ${#base} - 9))))
	export PMC_HOME=$home
	register_home "$home"
	run -0 pmc ping
	[ -S "$home/rpc.sock" ]
	run -0 pmc start sleeper.sh
	status_is sleeper online
}
