#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Stopping whole process groups (SIGINT, then SIGKILL after kill_timeout), no
# zombies left, and `pmc kill` taking every app and the daemon down.

load helper

# Start ignore-int.sh as NAME with extra flags; sets APP and GRANDCHILD pids.
start_stubborn() {
	local name=$1
	shift
	export PIDS_FILE="$E2E_WORK/$name.pids"
	run -0 pmc start ignore-int.sh --name "$name" "$@"
	wait_until 10 '[ -s "$PIDS_FILE" ]'
	read -r APP GRANDCHILD <"$PIDS_FILE"
	record_pid "$APP"
	record_pid "$GRANDCHILD"
	assert_eq "$(pid_of "$name")" "$APP"
	alive "$GRANDCHILD"
	# The grandchild is in the app's process group.
	assert_eq "$(ps -o pgid= -p "$GRANDCHILD" | tr -d ' ')" "$APP"
}

# True when nothing accepts connections on rpc.sock.
sock_refuses() {
	python3 -c 'import os, socket, sys
try:
    socket.socket(socket.AF_UNIX).connect(os.path.join(os.environ["PMC_HOME"], "rpc.sock"))
except OSError:
    sys.exit(0)
sys.exit(1)'
}

@test "every app leads its own session and process group" {
	pmc start sleeper.sh >/dev/null
	local pid
	pid=$(pid_of sleeper)
	assert_eq "$(ps -o pgid= -p "$pid" | tr -d ' ')" "$pid"
	assert_eq "$(ps -o sid= -p "$pid" | tr -d ' ')" "$pid"
}

@test "stop kills an app that ignores SIGINT, and its grandchild, after --kill-timeout" {
	start_stubborn stubborn --kill-timeout 500ms
	run -0 pmc stop stubborn
	dead "$APP"
	dead "$GRANDCHILD"
	status_is stubborn stopped
	assert_eq "$(pid_of stubborn)" 0
	assert_eq "$(env_of stubborn exit_signal)" SIGKILL
	local dpid
	dpid=$(daemon_pid)
	wait_until 10 '[ -z "$(zombies_of "$dpid")" ]'
}

@test "a well-behaved app stops on SIGINT" {
	pmc start sleeper.sh >/dev/null
	local pid
	pid=$(pid_of sleeper)
	run -0 pmc stop sleeper
	dead "$pid"
	assert_eq "$(env_of sleeper exit_signal)" SIGINT
	status_is sleeper stopped
}

@test "restart and delete also take the whole group down" {
	start_stubborn stubborn -k 300ms
	local old=$APP oldgc=$GRANDCHILD
	run -0 pmc restart stubborn
	dead "$old"
	dead "$oldgc"
	wait_until 10 '[ -s "$PIDS_FILE" ] && [ "$(cut -d" " -f1 "$PIDS_FILE")" != "$old" ]'
	read -r APP GRANDCHILD <"$PIDS_FILE"
	record_pid "$APP"
	record_pid "$GRANDCHILD"
	assert_eq "$(pid_of stubborn)" "$APP"
	run -0 pmc delete stubborn
	dead "$APP"
	dead "$GRANDCHILD"
	assert_eq "$(jl 'd')" '[]'
}

@test "no zombie children of pmcd after crashes, stops and restarts" {
	pmc start crash.sh --name c1 --max-restarts 3 >/dev/null
	pmc start sleeper.sh >/dev/null
	start_stubborn stubborn -k 200ms
	wait_until 20 'status_is c1 errored'
	pmc restart sleeper >/dev/null
	pmc stop all >/dev/null
	local dpid
	dpid=$(daemon_pid)
	wait_until 10 '[ -z "$(zombies_of "$dpid")" ]'
	# Nothing of ours is left running under the daemon.
	assert_eq "$(children_of "$dpid")" ""
}

@test "pmc kill: apps stopped, daemon gone, socket closed, lock released" {
	pmc start sleeper.sh >/dev/null
	start_stubborn stubborn -k 300ms
	local dpid p1
	dpid=$(daemon_pid)
	p1=$(pid_of sleeper)
	run -0 pmc kill
	assert_contains "$output" "[pmc] All apps stopped"
	assert_contains "$output" "[pmc] Daemon stopped"
	dead "$dpid"
	dead "$p1"
	dead "$APP"
	dead "$GRANDCHILD"
	sock_refuses
	# Nobody holds pmcd.lock any more.
	run -0 python3 -c 'import fcntl, os
f = open(os.path.join(os.environ["PMC_HOME"], "pmcd.lock"), "a")
fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
print("free")'
	assert_eq "$output" free
}

@test "pmc kill with no daemon says so, exits 0, and starts none" {
	run -0 --separate-stderr pmc kill
	assert_contains "$stderr$output" "pmc: no daemon running"
	[ ! -S "$PMC_HOME/rpc.sock" ]
	run daemon_pid
	assert_eq "$output" ""
	# And again after a kill.
	pmc ping >/dev/null
	pmc kill >/dev/null
	run -0 pmc kill
	assert_contains "$output" "no daemon running"
}

@test "SIGTERM to pmcd stops its apps and the daemon" {
	pmc start sleeper.sh >/dev/null
	start_stubborn stubborn -k 300ms
	local dpid p1
	dpid=$(daemon_pid)
	p1=$(pid_of sleeper)
	kill -TERM "$dpid"
	wait_until 10 'dead "$dpid"'
	dead "$p1"
	dead "$APP"
	dead "$GRANDCHILD"
}
