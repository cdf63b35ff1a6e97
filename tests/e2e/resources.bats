#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The daemon does not leak: fds and zombies over hundreds of restarts.

load helper

@test "300 crash restarts leave the daemon's fd count unchanged and no zombie" {
	# `false` exits 1 at once; with --min-uptime 0 every run counts as stable,
	# so it is restarted forever.
	pmc start false --name fast --min-uptime 0 --max-restarts 100000 >/dev/null
	local dpid base
	dpid=$(daemon_pid)
	wait_until 30 '[ "$(restarts_of fast)" -ge 5 ]'
	pmc stop fast >/dev/null
	status_is fast stopped
	wait_until 10 '[ -z "$(children_of "$dpid")" ]'
	base=$(fd_count "$dpid")
	pmc restart fast >/dev/null
	wait_until 120 '[ "$(restarts_of fast)" -ge 300 ]'
	status_is fast errored && return 1
	pmc stop fast >/dev/null
	status_is fast stopped
	wait_until 10 '[ -z "$(zombies_of "$dpid")" ]'
	wait_until 10 '[ -z "$(children_of "$dpid")" ]'
	# The stop's client connection may take a moment to be closed.
	wait_until 10 '[ "$(fd_count "$dpid")" -le "$base" ]'
	assert_eq "$(fd_count "$dpid")" "$base"
	assert_eq "$(daemon_pid)" "$dpid"
}
