#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The store outlives the daemon: apps, counters and history survive `pmc kill`
# and SIGTERM; delete forgets an app.

load helper

@test "after pmc kill the next daemon lists the same apps, stopped, with counters and history" {
	pmc start sleeper.sh --name api --max-restarts 9 --kill-timeout 700ms --env K=v -- --x 1 >/dev/null
	pmc start quiet.sh --name jobs >/dev/null
	pmc restart api >/dev/null
	pmc restart api >/dev/null
	pmc restart jobs >/dev/null
	local dpid hist before
	dpid=$(daemon_pid)
	hist=$(history_json --limit 10000 | pyjson '[[e["id"], e["kind"], e["app"]] for e in d]')
	before=$(jl '[[p["pm_id"], p["name"], p["pm2_env"]["restart_time"], p["pm2_env"]["pm_exec_path"],
		p["pm2_env"]["args"], p["pm2_env"]["max_restarts"], p["pm2_env"]["kill_timeout"],
		p["pm2_env"]["env_keys"], p["pm2_env"]["created_at"]] for p in d]')
	run -0 pmc kill
	dead "$dpid"
	# A new daemon starts on demand.
	assert_eq "$(jl '[p["pm2_env"]["status"] for p in d]')" '["stopped", "stopped"]'
	[ "$(daemon_pid)" != "$dpid" ]
	assert_eq "$(jl '[[p["pm_id"], p["name"], p["pm2_env"]["restart_time"], p["pm2_env"]["pm_exec_path"],
		p["pm2_env"]["args"], p["pm2_env"]["max_restarts"], p["pm2_env"]["kill_timeout"],
		p["pm2_env"]["env_keys"], p["pm2_env"]["created_at"]] for p in d]')" "$before"
	assert_eq "$(jl '[p["pid"] for p in d]')" '[0, 0]'
	# The old history is intact (newer events may follow it).
	PMC_E2E_OLD=$hist run -0 python3 -c '
import json, os, sys
old = json.loads(os.environ["PMC_E2E_OLD"])
new = json.loads(sys.stdin.read())
new = [[e["id"], e["kind"], e["app"]] for e in new]
assert new[:len(old)] == old, (old, new)
print("ok")' <<<"$(history_json --limit 10000)"
	assert_eq "$output" ok
	# They start again as they were.
	run -0 pmc restart all
	assert_eq "$(jl '[p["pm2_env"]["status"] for p in d]')" '["online", "online"]'
	assert_eq "$(jl 'app("api")["pm2_env"]["args"]')" '["--x", "1"]'
}

@test "SIGTERM to pmcd: the next daemon brings the apps back online" {
	pmc start sleeper.sh >/dev/null
	pmc start quiet.sh >/dev/null
	pmc stop quiet >/dev/null
	local dpid p0
	dpid=$(daemon_pid)
	p0=$(pid_of sleeper)
	kill -TERM "$dpid"
	wait_until 10 'dead "$dpid"'
	dead "$p0"
	run -0 pmc ping
	wait_until 10 'status_is sleeper online'
	[ "$(pid_of sleeper)" != "$p0" ]
	alive "$(pid_of sleeper)"
	# What was stopped stays stopped.
	status_is quiet stopped
}

@test "delete forgets an app, also for the next daemon; its name is free again" {
	pmc start sleeper.sh --name gone >/dev/null
	pmc start quiet.sh --name kept >/dev/null
	run -0 pmc delete gone
	assert_eq "$(names)" kept
	pmc kill >/dev/null
	assert_eq "$(names)" kept
	run -0 pmc start quiet.sh --name gone
	assert_eq "$(names)" "kept gone"
	assert_eq "$(env_of gone pm_exec_path)" "$APPS/quiet.sh"
	assert_eq "$(restarts_of gone)" 0
}

@test "pm_ids are kept across daemons and a new app does not take a live one" {
	pmc start sleeper.sh --name a >/dev/null
	pmc start sleeper.sh --name b >/dev/null
	pmc delete a >/dev/null
	pmc kill >/dev/null
	pmc start sleeper.sh --name c >/dev/null
	assert_eq "$(jl 'app("b")["pm_id"]')" 1
	[ "$(jl 'app("c")["pm_id"]')" != 1 ]
	assert_eq "$(names)" "$(jl '" ".join(p["name"] for p in sorted(d, key=lambda p: p["pm_id"]))')"
}
