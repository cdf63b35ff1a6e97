#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# --version, help, help COMMAND, COMMAND --help, help --commands, ping.

load helper

no_daemon() {
	[ ! -S "$PMC_HOME/rpc.sock" ] && [ -z "$(daemon_pid)" ]
}

@test "--version, -v, -V and version print 0.1.0 without a daemon" {
	local v
	for v in --version -v -V version; do
		run -0 --separate-stderr pmc "$v"
		assert_eq "$output" 0.1.0 "pmc $v"
		assert_eq "$stderr" ""
	done
	no_daemon
}

@test "--version does not talk to a running daemon" {
	pmc ping >/dev/null
	local dpid
	dpid=$(daemon_pid)
	kill -STOP "$dpid"
	run timeout 10 pmc --version
	kill -CONT "$dpid"
	assert_eq "$status" 0
	assert_eq "$output" 0.1.0
}

@test "help lists the commands; help needs no daemon" {
	run -0 pmc help
	local c
	for c in start stop restart delete reset ls jlist describe history logs ping kill help; do
		assert_contains "$output" "$c"
	done
	no_daemon
	run -0 pmc --help
	run -0 pmc -h
}

@test "help start, start --help and start -h are the same and list every start flag" {
	run -0 pmc help start
	local ref=$output f
	for f in --name --cwd --env --interpreter --interpreter-args --node-args --no-autorestart \
		--min-uptime --max-restarts --restart-delay --exp-backoff-restart-delay --kill-timeout \
		--stop-exit-codes --force --json; do
		assert_contains "$ref" "$f"
	done
	run -0 pmc start --help
	assert_eq "$output" "$ref"
	run -0 pmc start -h
	assert_eq "$output" "$ref"
	no_daemon
}

@test "help --commands: every command and alias, one per line" {
	run -0 pmc help --commands
	local c
	for c in start stop restart delete del reset ls list status ps l jlist describe show info \
		desc history logs ping kill help version; do
		printf '%s\n' "$output" | grep -qx -- "$c" || {
			echo "missing command '$c'" >&2
			return 1
		}
	done
	# Every listed word has help.
	while read -r c; do
		run -0 pmc help "$c"
	done <<<"$output"
	no_daemon
}

@test "help of an unknown command is a usage error" {
	run -2 pmc help frobnicate
	assert_contains "$output" frobnicate
}

@test "ping prints msg, version, protocol, pid and started_at as JSON" {
	run -0 --separate-stderr pmc ping
	assert_eq "$(pyjson 'sorted(d)' <<<"$output")" '["msg", "pid", "protocol", "started_at", "version"]'
	assert_eq "$(pyjson '[d["msg"], d["version"], d["protocol"]]' <<<"$output")" '["pong", "0.1.0", 1]'
	assert_eq "$(pyjson 'd["pid"]' <<<"$output")" "$(daemon_pid)"
}
