#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# stop / restart / delete / reset by name, by id, `all`, several at once, and
# unknown targets with "did you mean".

load helper

setup() {
	_e2e_setup
	# pm_ids 0, 1, 2
	pmc start sleeper.sh --name api >/dev/null
	pmc start sleeper.sh --name web >/dev/null
	pmc start quiet.sh --name jobs >/dev/null
	P_API=$(pid_of api)
	P_WEB=$(pid_of web)
	P_JOBS=$(pid_of jobs)
}

statuses() {
	jl '" ".join(p["pm2_env"]["status"] for p in d)'
}

@test "ids are 0, 1, 2 in start order and everything is online" {
	assert_eq "$(jl '[(p["pm_id"], p["name"]) for p in d]')" '[[0, "api"], [1, "web"], [2, "jobs"]]'
	assert_eq "$(statuses)" "online online online"
}

@test "stop by name: only that app stops; pid 0; table printed" {
	run -0 pmc stop api
	assert_contains "$output" "┌"
	[[ "$output" =~ │\ *0\ *│\ *api\ *│.*stopped ]]
	assert_eq "$(statuses)" "stopped online online"
	assert_eq "$(pid_of api)" 0
	dead "$P_API"
	assert_eq "$(pid_of web)" "$P_WEB"
}

@test "stop by id, and several mixed targets at once" {
	run -0 pmc stop 1
	assert_eq "$(statuses)" "online stopped online"
	dead "$P_WEB"
	run -0 pmc stop api 2
	assert_eq "$(statuses)" "stopped stopped stopped"
	dead "$P_API"
	dead "$P_JOBS"
	# Stopping a stopped app is fine.
	run -0 pmc stop api
	assert_eq "$(statuses)" "stopped stopped stopped"
}

@test "stop all, then restart all" {
	run -0 pmc stop all
	assert_eq "$(statuses)" "stopped stopped stopped"
	dead "$P_API"
	dead "$P_WEB"
	dead "$P_JOBS"
	run -0 pmc restart all
	assert_eq "$(statuses)" "online online online"
	# A restart of a stopped app does not count as a restart.
	assert_eq "$(jl '[p["pm2_env"]["restart_time"] for p in d]')" '[0, 0, 0]'
	assert_eq "$(jl 'len(set(p["pid"] for p in d) & {'"$P_API, $P_WEB, $P_JOBS"'})')" 0
}

@test "restart a running app: new pid, restart_time + 1, old pid gone" {
	run -0 pmc restart web
	assert_contains "$output" "┌"
	local p
	p=$(pid_of web)
	[ "$p" != "$P_WEB" ]
	alive "$p"
	dead "$P_WEB"
	assert_eq "$(restarts_of web)" 1
	assert_eq "$(statuses)" "online online online"
	run -0 pmc restart 1 api
	assert_eq "$(jl '[p["pm2_env"]["restart_time"] for p in d]')" '[1, 2, 0]'
	assert_eq "$(pid_of jobs)" "$P_JOBS"
}

@test "delete by name, by id (del alias), then all" {
	run -0 pmc delete web
	assert_eq "$(names)" "api jobs"
	dead "$P_WEB"
	run -0 pmc del 0
	assert_eq "$(names)" jobs
	dead "$P_API"
	run -0 pmc delete all
	assert_eq "$(jl 'd')" '[]'
	dead "$P_JOBS"
	# A new app gets a fresh id, never a reused live one.
	run -0 pmc start sleeper.sh --name again
	assert_eq "$(names)" again
}

@test "reset zeroes restart_time and renews created_at" {
	pmc restart api >/dev/null
	pmc restart api >/dev/null
	assert_eq "$(restarts_of api)" 2
	local created pid
	created=$(env_of api created_at)
	pid=$(pid_of api)
	run -0 pmc reset api
	assert_eq "$(restarts_of api)" 0
	assert_eq "$(env_of api unstable_restarts)" 0
	[ "$(env_of api created_at)" -ge "$created" ]
	# reset does not touch the process.
	assert_eq "$(pid_of api)" "$pid"
	status_is api online
	run -0 pmc reset all
}

@test "an unknown name: exit 1 with did you mean" {
	run -1 --separate-stderr pmc stop apii
	assert_eq "$stderr" "pmc: no app named 'apii' (did you mean 'api'?)"
	assert_not_contains "$output" "┌"
	run -1 --separate-stderr pmc restart wbe
	assert_eq "$stderr" "pmc: no app named 'wbe' (did you mean 'web'?)"
	run -1 --separate-stderr pmc delete zzzzzzzzzzzz
	assert_eq "$stderr" "pmc: no app named 'zzzzzzzzzzzz'"
	run -1 pmc reset apii
	run -1 pmc describe apii
	assert_contains "$output" "did you mean 'api'"
	# Nothing was touched.
	assert_eq "$(statuses)" "online online online"
	assert_eq "$(jl '[p["pid"] for p in d]')" "[$P_API, $P_WEB, $P_JOBS]"
}

@test "an unknown id is an error too" {
	run -1 pmc stop 42
	assert_contains "$output" "42"
	assert_eq "$(statuses)" "online online online"
}

@test "all with no apps: exit 1, no apps" {
	pmc delete all >/dev/null
	run -1 --separate-stderr pmc stop all
	assert_contains "$stderr" "no apps"
	run -1 pmc restart all
	run -1 pmc delete all
}

@test "no target is a usage error" {
	local verb
	for verb in stop restart delete reset; do
		run -2 --separate-stderr pmc "$verb"
		assert_contains "$stderr" "Try 'pmc help $verb'"
	done
	assert_eq "$(statuses)" "online online online"
}
