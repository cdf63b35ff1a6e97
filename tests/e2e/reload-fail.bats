#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Reloads that cannot succeed: a new version that crashes on start or never
# becomes ready makes `pmc reload` exit 1 naming the instance and the cause,
# every old instance keeps serving (0 failed requests under load) and history
# records reload_failed; a second reload of the same app is refused while one
# runs; in fork mode without a shared socket, reload is a restart and says so.

load helper
load cluster-helper

# A 4-instance unchanged Node app on a hard-coded port, under load.
start_web_under_load() {
	PORT=$(free_port)
	web_app_at web.js "$PORT"
	pmc start web.js -i 4 "$@" >/dev/null
	wait_until 10 'all_online web 4'
	IDS=($(ids_of web))
	OLD=$(pids_of web)
	start_load "$PORT"
	load_advance 300
}

# The old generation is intact: same pids, online, never restarted.
old_ones_intact() {
	local p
	assert_eq "$(pids_of web)" "$OLD" "pids after the failed reload"
	all_online web 4
	assert_eq "$(inst web 'p["pm2_env"]["restart_time"]')" "0 0 0 0"
	for p in $OLD; do
		alive "$p"
	done
}

@test "a new version that crashes on start: reload exits 1 naming instance and cause, old ones keep serving" {
	start_web_under_load
	cp web.js web-good.js
	printf '%s\n' "console.error('new version: cannot start');" 'process.exit(3);' >web.js
	run -1 pmc reload web
	# The first replacement fails; no other instance is touched.
	assert_contains "$output" "web:${IDS[0]} failed"
	assert_contains "$output" "instance ${IDS[0]}"
	assert_contains "$output" "exited with code 3"
	assert_contains "$output" "old processes keep running"
	assert_not_contains "$output" "replaced"
	assert_not_contains "$output" "web:${IDS[1]} new pid"
	old_ones_intact
	load_advance 200
	stop_load
	assert_no_failures
	# History says what happened and which process failed.
	local ev
	ev=$(history_json web | pyjson '[e for e in d if e["kind"] == "reload_failed"]')
	assert_eq "$(pyjson 'len(d)' <<<"$ev")" 1
	assert_eq "$(pyjson 'd[0]["pm_id"]' <<<"$ev")" "${IDS[0]}"
	assert_contains "$(pyjson 'd[0]["reason"]' <<<"$ev")" "exited with code 3"
	local failed_pid
	failed_pid=$(pyjson 'd[0]["pid"]' <<<"$ev")
	[ "$failed_pid" -gt 0 ]
	assert_contains "$output" "new pid $failed_pid"
	dead "$failed_pid"
	run -0 pmc history web
	assert_contains "$output" reload_failed
	# Not stuck: with the good version back, the next reload succeeds.
	cp web-good.js web.js
	run -0 pmc reload web
	assert_contains "$output" "[pmc] web reloaded"
	all_online web 4
	local fresh
	fresh=$(pids_of web)
	for p in $OLD; do
		[[ " $fresh " != *" $p "* ]]
	done
}

@test "a new version that never listens: reload exits 1 after --listen-timeout, old ones keep serving" {
	start_web_under_load --listen-timeout 1500ms
	printf '%s\n' "console.log('new version: busy, never listens');" 'setInterval(() => {}, 1000);' >web.js
	run -1 pmc reload web
	assert_contains "$output" "instance ${IDS[0]}"
	assert_contains "$output" "not ready within 1500 ms"
	assert_not_contains "$output" "replaced"
	local new_pid
	new_pid=$(sed -n "s/^\[pmc\] web:${IDS[0]} new pid \([0-9]*\) launching.*/\1/p" <<<"$output")
	[ -n "$new_pid" ]
	# The replacement that never became ready is stopped, not left running.
	wait_until 10 'dead "$new_pid"'
	old_ones_intact
	load_advance 200
	stop_load
	assert_no_failures
	assert_eq "$(history_json web | pyjson '[(e["pm_id"], e["pid"]) for e in d if e["kind"] == "reload_failed"]' | tr -d ' ')" \
		"[[${IDS[0]},$new_pid]]"
}

@test "a reload while another reload of the same app runs is refused with exit 1" {
	local port
	port=$(free_port)
	# Each replacement takes 0.6 s to say ready: the first reload lasts a while.
	READY_AFTER_MS=600 pmc start cluster-ready.js --name slow -i 2 --port "$port" --wait-ready \
		--listen-timeout 10s >/dev/null
	wait_until 10 'all_online slow 2'
	pmc reload slow >"$E2E_WORK/first.out" 2>&1 3>&- &
	local first=$!
	record_pid "$first"
	wait_until 10 'grep -q "launching" "$E2E_WORK/first.out"'
	run -1 pmc reload slow
	assert_contains "$output" "slow"
	assert_contains "$output" "already being reloaded"
	run -1 pmc scale slow 3
	assert_contains "$output" "slow"
	wait "$first"
	assert_contains "$(<"$E2E_WORK/first.out")" "[pmc] slow reloaded"
	all_online slow 2
	# Once done, reloading again is fine.
	run -0 pmc reload slow --parallel 2
}

@test "fork mode without a shared socket: reload is a restart, and the CLI says so" {
	pmc start sleeper.sh >/dev/null
	local p0
	p0=$(pid_of sleeper)
	run -0 pmc reload sleeper
	assert_contains "$output" "reload is a restart"
	assert_contains "$output" "[pmc] sleeper restarted"
	wait_until 10 'status_is sleeper online'
	[ "$(pid_of sleeper)" != "$p0" ]
	dead "$p0"
	assert_eq "$(restarts_of sleeper)" 1
	assert_eq "$(env_of sleeper exec_mode)" fork_mode
}

@test "reload all: cluster apps roll, fork apps restart" {
	local port
	port=$(free_port)
	pmc start cluster-web.js --name web -i 2 --port "$port" >/dev/null
	pmc start sleeper.sh >/dev/null
	wait_until 10 'all_online web 2 && status_is sleeper online'
	local old
	old=$(pids_of web)
	run -0 pmc reload all
	assert_contains "$output" "[pmc] web reloaded"
	assert_contains "$output" "[pmc] sleeper restarted (fork mode: reload is a restart)"
	all_online web 2
	for p in $old; do
		[[ " $(pids_of web) " != *" $p "* ]]
	done
	run -1 pmc reload nope
	assert_contains "$output" "nope"
}
