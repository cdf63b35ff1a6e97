#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Hostile or broken clients on the raw socket: the daemon answers with the
# standard errors, closes what it must, and keeps serving with its apps intact.

load helper

setup() {
	# helper's setup, then one supervised app to check after every case.
	_e2e_setup
	pmc start sleeper.sh >/dev/null
	DPID=$(daemon_pid)
	APP_PID=$(pid_of sleeper)
	alive "$APP_PID"
}

# The daemon is the same process, answers ping, and still runs its app.
daemon_intact() {
	run -0 pmc ping
	assert_eq "$(pyjson 'd["pid"]' <<<"$output")" "$DPID" "same daemon"
	assert_eq "$(pid_of sleeper)" "$APP_PID" "same app pid"
	status_is sleeper online
	alive "$APP_PID"
}

rpc_case() {
	run timeout 60 python3 "$BATS_TEST_DIRNAME/rpc_cases.py" "$1"
	assert_eq "$output" ok
	assert_eq "$status" 0
}

@test "garbage lines get -32700 and the connection stays usable" {
	rpc_case garbage
	daemon_intact
}

@test "well-formed JSON that is not a request gets -32600" {
	rpc_case invalid-request
	daemon_intact
}

@test "truncated JSON then EOF: no result, the connection ends" {
	rpc_case truncated-eof
	daemon_intact
}

@test "params of the wrong type get -32602 naming the param" {
	rpc_case wrong-types
	daemon_intact
}

@test "an unknown method gets -32601 with the request's id" {
	rpc_case unknown-method
	daemon_intact
}

@test "params as an array or a string are refused and do nothing" {
	rpc_case params-array
	daemon_intact
}

@test "notifications get no answer; pipelined requests are answered in order" {
	rpc_case notification
	rpc_case pipelined
	daemon_intact
}

@test "a line just under 1 MiB is answered" {
	rpc_case big-line-ok
	daemon_intact
}

@test "a 10 MB line gets 'request too large' and the connection is closed" {
	local before after
	before=$(awk '/^VmRSS/ {print $2}' "/proc/$DPID/status")
	rpc_case huge-line
	daemon_intact
	# The daemon did not buffer the 10 MB: its RSS grew by less than 4 MiB.
	after=$(awk '/^VmRSS/ {print $2}' "/proc/$DPID/status")
	[ $((after - before)) -lt 4096 ]
}

@test "clients that vanish mid-line or before reading the answer" {
	rpc_case vanish
	daemon_intact
}

@test "200 connections opened and dropped leave no fd behind" {
	local base
	base=$(fd_count "$DPID")
	rpc_case many-connections
	daemon_intact
	wait_until 10 '[ "$(fd_count "$DPID")" -le "$base" ]'
}
