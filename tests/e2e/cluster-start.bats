#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Cluster mode at start: -i N with --port/--listen binds the address once in the
# daemon and hands it to every instance as fd 3 (LISTEN_FDS, LISTEN_FDNAMES,
# LISTEN_PID = the instance's own pid, PORT); ls/jlist show one row per instance;
# instance counts max/0/-N; an address that cannot be bound fails the start
# cleanly.

load helper
load cluster-helper

@test "start -i 4 --port: one socket bound by the daemon is fd 3 of every instance, with LISTEN_* and PORT" {
	local port inode pid
	port=$(free_port)
	run -0 pmc start cluster-web.js -i 4 --port "$port"
	assert_eq "${lines[0]}" "[pmc] Starting $APPS/cluster-web.js in cluster_mode (4 instances)"
	wait_until 10 'all_online cluster-web 4'
	# Exactly one listening socket on the port, and the daemon holds it.
	run -0 listen_inodes "$port"
	assert_eq "${#lines[@]}" 1 "listening sockets on port $port"
	inode=${lines[0]}
	holds_socket "$(daemon_pid)" "$inode"
	for pid in $(pids_of cluster-web); do
		assert_eq "$(fd_socket_inode "$pid" 3)" "$inode" "fd 3 of $pid"
		assert_eq "$(proc_env "$pid" LISTEN_FDS)" 1
		assert_eq "$(proc_env "$pid" LISTEN_FDNAMES)" "tcp-$port"
		assert_eq "$(proc_env "$pid" LISTEN_PID)" "$pid" "LISTEN_PID of $pid"
		assert_eq "$(proc_env "$pid" PORT)" "$port"
	done
	# The app reads them itself: LISTEN_PID is the pid that answers.
	run -0 curl -sf --max-time 5 "http://127.0.0.1:$port/env"
	assert_eq "$(pyjson '"same" if d["LISTEN_PID"] == str(d["pid"]) else "differ"' <<<"$output")" same
	assert_contains " $(pids_of cluster-web) " " $(pyjson 'd["pid"]' <<<"$output") "
}

@test "ls: mode cluster, one row per instance with its own pid; jlist cluster_mode and NODE_APP_INSTANCE 0..3" {
	local port id pid i=0
	port=$(free_port)
	pmc start cluster-web.js --name web -i 4 --port "$port" >/dev/null
	wait_until 10 'all_online web 4'
	run -0 pmc ls
	local ids pids
	ids=($(ids_of web))
	pids=($(pids_of web))
	assert_eq "${#ids[@]}" 4
	assert_eq "$(tr ' ' '\n' <<<"${pids[*]}" | sort -u | wc -l)" 4 "distinct pids"
	for i in 0 1 2 3; do
		[[ "$output" =~ │\ *${ids[i]}\ *│\ *web\ *│\ *cluster\ *│\ *${pids[i]}\ *│.*online ]] ||
			{ echo "no cluster row for ${ids[i]} / ${pids[i]} in: $output" >&2; return 1; }
	done
	assert_eq "$(inst web 'p["pm2_env"]["exec_mode"]')" "cluster_mode cluster_mode cluster_mode cluster_mode"
	assert_eq "$(inst web 'p["pm2_env"]["NODE_APP_INSTANCE"]')" "0 1 2 3"
	assert_eq "$(inst web 'p["pm2_env"]["instances"]')" "4 4 4 4"
}

@test "every instance gets NODE_APP_INSTANCE, PMC_INSTANCE, pm_id and its own log files NAME-out-ID.log" {
	local port i=0 id pid
	port=$(free_port)
	pmc start cluster-web.js --name web -i 3 --port "$port" >/dev/null
	wait_until 10 'all_online web 3'
	local ids pids
	ids=($(ids_of web))
	pids=($(pids_of web))
	for i in 0 1 2; do
		id=${ids[i]} pid=${pids[i]}
		assert_eq "$(proc_env "$pid" NODE_APP_INSTANCE)" "$i"
		assert_eq "$(proc_env "$pid" PMC_INSTANCE)" "$i"
		assert_eq "$(proc_env "$pid" pm_id)" "$id"
		assert_eq "$(proc_env "$pid" PMC_ID)" "$id"
		assert_eq "$(jl "d[$i]['pm2_env']['pm_out_log_path']")" "$PMC_HOME/logs/web-out-$id.log"
		assert_eq "$(jl "d[$i]['pm2_env']['pm_err_log_path']")" "$PMC_HOME/logs/web-error-$id.log"
		wait_until 10 'grep -q "web $pid listening on $port" "$PMC_HOME/logs/web-out-$id.log"'
	done
	# Each instance writes only to its own file.
	for i in 0 1 2; do
		assert_eq "$(grep -c listening "$PMC_HOME/logs/web-out-${ids[i]}.log")" 1
	done
}

@test "--instance-var INSTANCE_ID: the index under that name instead of NODE_APP_INSTANCE" {
	local port pid idx=0
	port=$(free_port)
	pmc start cluster-web.js --name web -i 2 --port "$port" --instance-var INSTANCE_ID >/dev/null
	wait_until 10 'all_online web 2'
	assert_eq "$(inst web 'p["pm2_env"]["instance_var"]')" "INSTANCE_ID INSTANCE_ID"
	for pid in $(pids_of web); do
		assert_eq "$(proc_env "$pid" INSTANCE_ID)" "$idx"
		assert_eq "$(proc_env "$pid" PMC_INSTANCE)" "$idx"
		run -1 proc_env "$pid" NODE_APP_INSTANCE
		idx=$((idx + 1))
	done
	run -2 pmc start cluster-web.js --name bad -i 2 --instance-var 'A B'
	run -2 pmc start cluster-web.js --name bad -i 2 --instance-var '1X'
	assert_contains "$output" "1X"
	assert_eq "$(names)" "web web"
}

@test "-i max and -i 0: one instance per CPU; -i -1: CPUs - 1, at least 1" {
	local cpus
	cpus=$(getconf _NPROCESSORS_ONLN)
	local less=$((cpus > 1 ? cpus - 1 : 1))
	# A program with no readiness signal: online after --listen-timeout.
	run -0 pmc start sleep --name nmax -i max --listen-timeout 100ms -- 1000
	assert_contains "${lines[0]}" "in cluster_mode ($cpus instance$([ "$cpus" = 1 ] || echo s))"
	run -0 pmc start sleep --name nzero -i 0 --listen-timeout 100ms -- 1000
	run -0 pmc start sleep --name nless -i -1 --listen-timeout 100ms -- 1000
	wait_until 10 'all_online nmax $cpus && all_online nzero $cpus && all_online nless $less'
	assert_eq "$(env_of nmax instances)" "$cpus"
	assert_eq "$(env_of nzero instances)" "$cpus"
	assert_eq "$(env_of nless instances)" "$less"
	assert_eq "$(env_of nless exec_mode)" cluster_mode
	run -2 pmc start sleep --name nbad -i many -- 1000
	assert_contains "$output" "many"
	assert_eq "$(names | tr ' ' '\n' | sort -u | tr '\n' ' ')" "nless nmax nzero "
}

@test "an address held by another process: exit 1 naming it, and nothing is left running" {
	local port free inode
	port=$(free_port)
	python3 -c 'import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
time.sleep(60)' "$port" 3>&- &
	record_pid $!
	wait_until 10 '[ -n "$(listen_inodes "$port")" ]'
	run -1 pmc start cluster-web.js --name web -i 2 --listen "tcp://127.0.0.1:$port"
	assert_contains "$output" "127.0.0.1:$port"
	assert_contains "$output" "in use"
	assert_eq "$(jl 'len(d)')" 0 "apps after the failed start"
	assert_eq "$(children_of "$(daemon_pid)")" "" "processes of the daemon"
	# --port (all addresses) conflicts with it too.
	run -1 pmc start cluster-web.js --name web -i 2 --port "$port"
	assert_contains "$output" "$port"
	assert_contains "$output" "in use"
	assert_eq "$(jl 'len(d)')" 0
	# A second address that fails releases the first one bound for the same start.
	free=$(free_port)
	run -1 pmc start cluster-web.js --name web -i 2 --listen "tcp://127.0.0.1:$free" \
		--listen "tcp://127.0.0.1:$port"
	assert_contains "$output" "127.0.0.1:$port"
	assert_eq "$(jl 'len(d)')" 0
	assert_eq "$(children_of "$(daemon_pid)")" ""
	assert_eq "$(listen_inodes "$free")" "" "nothing may still listen on $free"
	# The daemon is fine and the address can be used once it is free.
	run -0 pmc start cluster-web.js --name web -i 2 --listen "tcp://127.0.0.1:$free"
	wait_until 10 'all_online web 2'
}

@test "an address that cannot be bound (not local, missing directory, privileged port): exit 1 with the cause" {
	local port
	port=$(free_port)
	run -1 pmc start cluster-web.js --name web -i 2 --listen "tcp://192.0.2.1:$port"
	assert_contains "$output" "192.0.2.1:$port"
	assert_contains "$output" "assign requested address"
	run -1 pmc start cluster-web.js --name web -i 2 --listen "unix:$E2E_WORK/no/such/dir/web.sock"
	assert_contains "$output" "$E2E_WORK/no/such/dir/web.sock"
	assert_contains "$output" "No such file or directory"
	if [ "$(id -u)" != 0 ] && [ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null || echo 1024)" -gt 1 ]; then
		run -1 pmc start cluster-web.js --name web -i 2 --listen "tcp://127.0.0.1:1"
		assert_contains "$output" "Permission denied"
	fi
	assert_eq "$(jl 'len(d)')" 0
	assert_eq "$(children_of "$(daemon_pid)")" ""
	run -2 pmc start cluster-web.js --name web -i 2 --listen "bogus://x"
}
