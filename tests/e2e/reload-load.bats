#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Rolling reloads under continuous keep-alive load (tests/e2e/loadclient.py, 8
# threads on loopback, at most 20 s): an unchanged 4-instance Node app (its
# handler takes ~5 ms) is reloaded three times with 0 failed requests and 0
# connection errors, every instance replaced, progress printed; --parallel K.

load helper
load cluster-helper

# Every pid of FIRST (a word list) differs from every pid of SECOND.
disjoint() {
	local p
	for p in $1; do
		[[ " $2 " != *" $p "* ]] || { echo "pid $p is in both '$1' and '$2'" >&2; return 1; }
	done
}

# True once the load has been answered by at least one pid of PIDS.
load_reached() {
	local p served
	served=" $(load_stat '" ".join(d["pids"])' 2>/dev/null) "
	for p in $1; do
		[[ "$served" == *" $p "* ]] && return 0
	done
	return 1
}

@test "three rolling reloads under load: 0 failed requests, 0 connection errors, every instance replaced" {
	local port round id k
	port=$(free_port)
	web_app_at web.js "$port"
	pmc start web.js -i 4 >/dev/null
	wait_until 10 'all_online web 4'
	local ids first prev now
	ids=($(ids_of web))
	first=$(pids_of web)
	prev=($first)
	start_load "$port"
	load_advance 300
	for round in 1 2 3; do
		run -0 pmc reload web
		now=($(pids_of web))
		# Progress, instance by instance: new pid launching, ready, replaced.
		for k in 0 1 2 3; do
			id=${ids[k]}
			assert_contains "$output" "[pmc] web:$id new pid ${now[k]} launching"
			assert_contains "$output" "[pmc] web:$id ready"
			assert_contains "$output" "[pmc] web:$id replaced (old pid ${prev[k]})"
			dead "${prev[k]}"
		done
		assert_eq "${lines[${#lines[@]} - 1]}" "[pmc] web reloaded"
		all_online web 4
		assert_eq "$(ids_of web)" "${ids[*]}" "pm_ids stay"
		assert_eq "$(inst web 'p["pm2_env"]["restart_time"]')" "$round $round $round $round"
		disjoint "${prev[*]}" "${now[*]}"
		prev=("${now[@]}")
		load_advance 100
	done
	# The last generation serves too.
	wait_until 10 'load_reached "${prev[*]}"'
	stop_load
	assert_no_failures
	assert_eq "$(load_get 'd["conn_errors"]')" 0
	assert_eq "$(load_get 'd["threads_ok"]')" 8 "every client thread succeeded"
	# Connections reached several processes, old and new.
	[ "$(load_get 'len(d["pids"])')" -ge 2 ]
	disjoint "$first" "${prev[*]}"
}

@test "reload --parallel 2 under load: two replacements at a time, still 0 failed requests" {
	local port
	port=$(free_port)
	web_app_at web.js "$port"
	pmc start web.js -i 4 >/dev/null
	wait_until 10 'all_online web 4'
	local ids old
	ids=($(ids_of web))
	old=$(pids_of web)
	start_load "$port"
	load_advance 300
	run -0 pmc reload web --parallel 2
	# The first two progress lines launch two different instances before any is ready.
	[[ "${lines[0]}" =~ ^\[pmc\]\ web:${ids[0]}\ new\ pid\ [0-9]+\ launching$ ]]
	[[ "${lines[1]}" =~ ^\[pmc\]\ web:${ids[1]}\ new\ pid\ [0-9]+\ launching$ ]]
	assert_eq "$(grep -c ' replaced (old pid ' <<<"$output")" 4
	all_online web 4
	disjoint "$old" "$(pids_of web)"
	wait_until 10 'load_reached "$(pids_of web)"'
	stop_load
	assert_no_failures
	run -2 pmc reload web --parallel 0
	run -2 pmc reload web --parallel x
}
