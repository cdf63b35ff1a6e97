#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# kill -9 of one cluster instance under keep-alive load: the daemon restarts it
# on the same socket, the other instances keep their processes and keep
# serving, and the only requests that may fail are the ones on connections the
# killed process held (at most one per client thread, each a connection error).

load helper
load cluster-helper

@test "kill -9 of one instance under load: restarted on the same socket, the others serve on" {
	local port inode victim id k
	port=$(free_port)
	web_app_at web.js "$port"
	pmc start web.js -i 4 >/dev/null
	wait_until 10 'all_online web 4'
	local ids pids
	ids=($(ids_of web))
	pids=($(pids_of web))
	inode=$(listen_inodes "$port")
	# Fresh connections now and then, so that every instance, the restarted
	# one included, gets some of them.
	start_load "$port" --requests-per-conn 20
	phase_load before
	load_advance 300
	wait_until 10 '[ "$(load_stat "len(d[\"phases\"][\"before\"][\"pids\"])")" -ge 2 ]'

	# The instance that served the most so far.
	victim=$(load_stat 'max(d["phases"]["before"]["pids"].items(), key=lambda kv: kv[1])[0]')
	for k in 0 1 2 3; do
		[ "${pids[k]}" = "$victim" ] && id=${ids[k]}
	done
	[ -n "$id" ]
	phase_load killed
	kill -KILL "$victim"
	wait_until 10 'dead "$victim"'
	# Restarted: a new pid for that pm_id, online, restart_time 1, on the same socket.
	local fresh
	wait_until 10 'fresh=$(jl "[p[\"pid\"] for p in d if p[\"pm_id\"] == $id][0]"); [ "$fresh" != 0 ] && [ "$fresh" != "$victim" ]'
	wait_until 10 'all_online web 4'
	assert_eq "$(jl "[p['pm2_env']['restart_time'] for p in d if p['pm_id'] == $id][0]")" 1
	holds_socket "$fresh" "$inode"
	assert_eq "$(listen_inodes "$port")" "$inode" "the listening socket is the same one"
	# The others kept their processes.
	for k in 0 1 2 3; do
		[ "${ids[k]}" = "$id" ] && continue
		assert_eq "$(jl "[p['pid'] for p in d if p['pm_id'] == ${ids[k]}][0]")" "${pids[k]}"
		alive "${pids[k]}"
	done
	load_advance 300
	phase_load after
	# The restarted instance takes its share again.
	wait_until 15 '[ -n "$(load_stat "d[\"phases\"][\"after\"][\"pids\"].get(\"$fresh\", \"\")" 2>/dev/null)" ]'
	load_advance 100
	stop_load

	assert_no_failures 'd["phases"].get("start", {"failed": 0})'
	assert_no_failures 'd["phases"]["before"]'
	assert_no_failures 'd["phases"]["after"]'
	# While it died: failures only on its own connections, one per thread at
	# most, all of them connection errors; every thread was served again.
	local killed='d["phases"]["killed"]'
	[ "$(load_get "$killed[\"failed\"]")" -le 8 ] || { load_get "$killed" >&2; false; }
	assert_eq "$(load_get "$killed[\"failed\"]")" "$(load_get "$killed[\"conn_errors\"]")" "failures that are not connection errors"
	assert_eq "$(load_get "$killed[\"threads_ok\"]")" 8 "threads served after the kill"
	# The survivors served during that phase; the dead pid never again after it.
	local served_after
	served_after=" $(load_get '" ".join(d["phases"]["after"]["pids"])') "
	[[ "$served_after" != *" $victim "* ]]
	local others=0
	for k in 0 1 2 3; do
		[ "${pids[k]}" = "$victim" ] && continue
		[ -n "$(load_get "$killed[\"pids\"].get(\"${pids[k]}\", \"\")")" ] && others=$((others + 1))
	done
	[ "$others" -ge 1 ]
	# History: the kill is recorded with its signal, then the restart.
	assert_eq "$(history_json web | pyjson "[e['signal'] for e in d if e['kind'] == 'exit' and e['pid'] == $victim]")" '["SIGKILL"]'
}
