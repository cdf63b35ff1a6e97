#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# scale NAME N|+N|-N: new instances join the shared socket, removed ones stop,
# highest index first, survivors untouched; bad counts are refused.

load helper
load cluster-helper

@test "scale N, +N and -N (-1 is a count, not a flag): new instances share the socket, the highest indexes go" {
	local port inode pid
	port=$(free_port)
	pmc start cluster-web.js --name web -i 2 --port "$port" >/dev/null
	wait_until 10 'all_online web 2'
	inode=$(listen_inodes "$port")
	local before
	before=($(pids_of web))

	run -0 pmc scale web 4
	assert_eq "${lines[0]}" "[pmc] web scaled to 4 instances"
	all_online web 4
	assert_eq "$(inst web 'p["pm2_env"]["NODE_APP_INSTANCE"]')" "0 1 2 3"
	assert_eq "$(inst web 'p["pm2_env"]["instances"]')" "4 4 4 4"
	local now
	now=($(pids_of web))
	assert_eq "${now[*]:0:2}" "${before[*]}" "the first two keep their processes"
	for pid in "${now[@]:2}"; do
		assert_eq "$(fd_socket_inode "$pid" 3)" "$inode" "fd 3 of new instance $pid"
		assert_eq "$(proc_env "$pid" LISTEN_PID)" "$pid"
		holds_socket "$pid" "$inode"
	done
	assert_eq "$(proc_env "${now[2]}" NODE_APP_INSTANCE)" 2
	assert_eq "$(proc_env "${now[3]}" NODE_APP_INSTANCE)" 3

	# -1: one fewer; index 3 stops, the others stay as they were.
	run -0 pmc scale web -1
	assert_eq "${lines[0]}" "[pmc] web scaled to 3 instances"
	all_online web 3
	assert_eq "$(pids_of web)" "${now[*]:0:3}"
	assert_eq "$(inst web 'p["pm2_env"]["NODE_APP_INSTANCE"]')" "0 1 2"
	dead "${now[3]}"

	run -0 pmc scale web +2
	assert_eq "${lines[0]}" "[pmc] web scaled to 5 instances"
	all_online web 5
	assert_eq "$(inst web 'p["pm2_env"]["NODE_APP_INSTANCE"]')" "0 1 2 3 4"
	now=($(pids_of web))

	# Down to 1: indexes 4..1 stop, index 0 keeps its process.
	run -0 pmc scale web 1
	assert_eq "${lines[0]}" "[pmc] web scaled to 1 instance"
	assert_eq "$(pids_of web)" "${before[0]}"
	for pid in "${now[@]:1}"; do
		dead "$pid"
	done
	assert_eq "$(jl 'len(d)')" 1
	# The same count again: nothing changes.
	run -0 pmc scale web 1
	assert_eq "$(pids_of web)" "${before[0]}"
	wait_until 10 'http_get "$port" >/dev/null'
	assert_eq "$(http_get "$port" | tr -d '\n')" "${before[0]}"
}

@test "scale: the removed instances stop gracefully and say so in history" {
	local port
	port=$(free_port)
	pmc start cluster-web.js --name web -i 3 --port "$port" >/dev/null
	wait_until 10 'all_online web 3'
	local ids
	ids=($(ids_of web))
	run -0 pmc scale web 1
	# Stopped by the stop signal, drained by the shim: exit code 0, not SIGKILL.
	assert_eq "$(history_json web | pyjson 'sorted((e["pm_id"], e["exit_code"], str(e["signal"])) for e in d if e["kind"] == "exit")' | tr -d ' ')" \
		"[[${ids[1]},0,\"None\"],[${ids[2]},0,\"None\"]]"
	assert_eq "$(history_json web | pyjson '" | ".join(e["reason"] or "" for e in d if e["kind"] == "exit")')" \
		"scaled down | scaled down"
}

@test "scale refuses what it cannot do: unknown app, bad counts, fewer than one" {
	pmc start cluster-web.js --name web -i 2 --port "$(free_port)" >/dev/null
	wait_until 10 'all_online web 2'
	run -1 pmc scale nope 3
	assert_contains "$output" "nope"
	run -2 pmc scale web many
	assert_contains "$output" "many"
	run -2 pmc scale web
	run -1 pmc scale web 0
	assert_contains "$output" "web"
	run -1 pmc scale web -2
	all_online web 2
}

@test "scale under load: growing and shrinking loses no request" {
	local port
	port=$(free_port)
	web_app_at web.js "$port"
	pmc start web.js -i 2 >/dev/null
	wait_until 10 'all_online web 2'
	start_load "$port" --requests-per-conn 20
	load_advance 200
	run -0 pmc scale web 4
	# The new instances asked for the port in listen() and got the same socket.
	local inode pid
	inode=$(listen_inodes "$port")
	for pid in $(pids_of web); do
		holds_socket "$pid" "$inode"
	done
	load_advance 200
	run -0 pmc scale web -2
	load_advance 200
	run -0 pmc scale web +1
	load_advance 200
	stop_load
	assert_no_failures
	all_online web 3
}
