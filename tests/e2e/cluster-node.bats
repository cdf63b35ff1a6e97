#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Unchanged Node apps in cluster mode with no flag but -i: the preloaded shim
# gets the daemon's one listening socket for whatever listen() asks (a
# hard-coded port, an express-style app.listen), connections reach several
# instances, and a second app asking for a held address gets EADDRINUSE in
# its own listen().

load helper
load cluster-helper

# Distinct pids that answered, from fresh connections, until there are two.
spread_over_two() {
	start_load "$1" --requests-per-conn 1
	wait_until 15 '[ "$(load_stat "len(d[\"pids\"])" 2>/dev/null || echo 0)" -ge 2 ]'
	stop_load
	assert_no_failures
}

@test "a hard-coded port, no flag but -i 4: cluster mode on the daemon's socket, connections reach several pids" {
	local port inode pid
	port=$(free_port)
	web_app_at web.js "$port"
	run -0 pmc start web.js -i 4
	assert_eq "${lines[0]}" "[pmc] Starting $APPS/web.js in cluster_mode (4 instances)"
	wait_until 10 'all_online web 4'
	assert_eq "$(inst web 'p["pm2_env"]["exec_mode"]')" "cluster_mode cluster_mode cluster_mode cluster_mode"
	# One socket: the daemon bound it when the first instance asked, every
	# instance listens on that very socket (no instance bound its own).
	run -0 listen_inodes "$port"
	assert_eq "${#lines[@]}" 1 "listening sockets on $port"
	inode=${lines[0]}
	holds_socket "$(daemon_pid)" "$inode"
	for pid in $(pids_of web); do
		holds_socket "$pid" "$inode"
		# No address was declared: nothing systemd-style is passed.
		run -1 proc_env "$pid" LISTEN_FDS
	done
	spread_over_two "$port"
	local served
	served=$(load_get '" ".join(sorted(d["pids"]))')
	for pid in $served; do
		assert_contains " $(pids_of web) " " $pid "
	done
}

@test "an instance that loses the race for a connection is not left blocked in accept()" {
	local port pid
	port=$(free_port)
	web_app_at web.js "$port"
	pmc start web.js -i 4 >/dev/null
	wait_until 10 'all_online web 4'
	# A connection wakes every idle instance; the ones that lose the race must
	# get EAGAIN and go back to their event loop, not sleep in accept(2) (where
	# their keep-alive clients, timers and stop signal would wait for the next
	# connection). Many fresh connections at once make such races likely.
	start_load "$port" --requests-per-conn 1
	stop_load_after_ok 300
	assert_no_failures
	sleep 0.2 # let every woken instance finish its attempt
	for pid in $(pids_of web); do
		[ "$(cat "/proc/$pid/wchan")" != inet_csk_accept ] ||
			{ echo "instance $pid sleeps in accept(2) on the shared socket" >&2; return 1; }
	done
	# Keep-alive clients on every instance are served without new connections.
	start_load "$port" --duration 2
	stop_load_after_ok 300
	assert_no_failures
}

@test "an express-style app.listen(3000), written by hand, runs unchanged with -i 2" {
	local port
	port=$(free_port)
	sed "s/3000/$port/g" "$APPS/cluster-express.js" >"$APPS/express.js"
	run -0 pmc start express.js -i 2
	wait_until 10 'all_online express 2'
	wait_until 10 'http_get "$port" >/dev/null'
	assert_contains " $(pids_of express) " " $(http_get "$port" | tr -d '\n') "
	spread_over_two "$port"
	wait_until 10 'log_has express "listening on $port"'
}

@test "process.env.PORT from --env, one instance per listen(): the same socket for both instances" {
	local port inode
	port=$(free_port)
	run -0 pmc start cluster-web.js --name web -i 2 --env PORT="$port"
	wait_until 10 'all_online web 2'
	inode=$(listen_inodes "$port")
	[ -n "$inode" ]
	for pid in $(pids_of web); do
		holds_socket "$pid" "$inode"
	done
	wait_until 10 'http_get "$port" >/dev/null'
}

@test "a second app asking for a held address gets EADDRINUSE in its own listen()" {
	local port
	port=$(free_port)
	pmc start cluster-web.js --name first -i 2 --env PORT="$port" >/dev/null
	wait_until 10 'all_online first 2'
	# An app with an error handler sees the error, as plain Node reports it.
	run -0 pmc start cluster-inuse.js --name careful -i 2 --env PORT="$port" --listen-timeout 300ms
	wait_until 10 'all_online careful 2'
	local id
	for id in $(ids_of careful); do
		wait_until 10 'grep -q "listen error EADDRINUSE syscall listen port $port" "$PMC_HOME/logs/careful-out-$id.log"'
	done
	# An app without one crashes with the uncaught error, as plain Node does.
	run -0 pmc start cluster-web.js --name careless -i 1 --exec-mode cluster --env PORT="$port" \
		--no-autorestart
	wait_until 10 'status_is careless stopped'
	assert_eq "$(env_of careless exit_code)" 1
	wait_until 10 'log_has careless "EADDRINUSE" err'
	# The holder keeps its socket and serves alone.
	local body
	for _ in 1 2 3 4 5 6; do
		body=$(http_get "$port" | tr -d '\n')
		assert_contains " $(pids_of first) " " $body "
	done
	all_online first 2
}
