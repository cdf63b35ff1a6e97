#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Cluster mode for any language: the examples in Python (socket(fileno=3),
# READY=1 on NOTIFY_SOCKET), C (sd_listen_fds-style parsing, no libsystemd,
# several --listen addresses, TCP and Unix) and shell share one socket among
# their instances, and each sees LISTEN_PID equal to its own pid.

load helper
load cluster-helper

setup() {
	_e2e_setup
	EXAMPLES=$PMC_SOURCE_ROOT/examples
}

# GET / on PORT until every pid in PIDS has answered (fresh connections).
answered_by_all() {
	local port=$1 pids=$2 seen=" " body pid
	local deadline=$(($(now_ms) + 15000))
	while (($(now_ms) < deadline)); do
		body=$(curl -sf --max-time 5 "http://127.0.0.1:$port/") || return 1
		body=${body%$'\n'}
		[[ " $pids " == *" $body "* ]] || { echo "answer '$body' is not from one of $pids" >&2; return 1; }
		[[ "$seen" == *" $body "* ]] || seen="$seen$body "
		for pid in $pids; do
			[[ "$seen" == *" $pid "* ]] || continue 2
		done
		return 0
	done
	echo "only $seen of $pids answered" >&2
	return 1
}

@test "python: socket.socket(fileno=3), READY=1 on NOTIFY_SOCKET, instances share the port" {
	local port pid id inode
	port=$(free_port)
	# A long listen timeout: online quickly means READY=1 was heard.
	run -0 timeout 20 pmc start "$EXAMPLES/cluster-python.py" --name py -i 2 --port "$port" \
		--listen-timeout 60s
	all_online py 2
	inode=$(listen_inodes "$port")
	for pid in $(pids_of py); do
		assert_eq "$(fd_socket_inode "$pid" 3)" "$inode"
		assert_eq "$(proc_env "$pid" LISTEN_PID)" "$pid"
	done
	for id in $(ids_of py); do
		wait_until 10 'grep -q "fd 3 (tcp-$port) is" "$PMC_HOME/logs/py-out-$id.log"'
		grep -q "instance $((id)) ready" "$PMC_HOME/logs/py-out-$id.log"
	done
	answered_by_all "$port" "$(pids_of py)"
	# The app read LISTEN_PID itself and found its own pid.
	run -0 curl -sf --max-time 5 "http://127.0.0.1:$port/env"
	assert_eq "$(pyjson '"same" if d["LISTEN_PID"] == str(d["pid"]) else "differ"' <<<"$output")" same
	assert_eq "$(pyjson 'd["LISTEN_FDNAMES"]' <<<"$output")" "tcp-$port"
	# A graceful stop: exit code 0, no signal.
	run -0 pmc stop py
	assert_eq "$(history_json py | pyjson '[(e["exit_code"], e["signal"]) for e in d if e["kind"] == "exit"]')" \
		'[[0, null], [0, null]]'
}

@test "C: sd_listen_fds-style parsing, two --listen addresses (TCP and Unix), READY=1" {
	local port sock pid id tcp_inode
	port=$(free_port)
	sock=$E2E_WORK/c.sock
	"${CC:-cc}" -O2 -Wall -Werror -o "$E2E_WORK/cluster-c" "$EXAMPLES/cluster-c.c"
	run -0 timeout 20 pmc start "$E2E_WORK/cluster-c" --name cweb -i 2 \
		--listen "tcp://127.0.0.1:$port" --listen "unix:$sock" --listen-timeout 60s
	all_online cweb 2
	[ -S "$sock" ]
	tcp_inode=$(listen_inodes "$port")
	for pid in $(pids_of cweb); do
		assert_eq "$(proc_env "$pid" LISTEN_FDS)" 2
		assert_eq "$(proc_env "$pid" LISTEN_FDNAMES)" "tcp-$port:unix"
		assert_eq "$(proc_env "$pid" LISTEN_PID)" "$pid"
		assert_eq "$(fd_socket_inode "$pid" 3)" "$tcp_inode"
		fd_socket_inode "$pid" 4 >/dev/null
	done
	for id in $(ids_of cweb); do
		wait_until 10 'grep -q "fd 4 is unix (LISTEN_PID [0-9]* is my pid)" "$PMC_HOME/logs/cweb-out-$id.log"'
		grep -q "fd 3 is tcp-$port" "$PMC_HOME/logs/cweb-out-$id.log"
	done
	answered_by_all "$port" "$(pids_of cweb)"
	run -0 curl -sf --max-time 5 --unix-socket "$sock" http://localhost/
	assert_contains " $(pids_of cweb) " " ${output%$'\n'} "
	run -0 curl -sf --max-time 5 --unix-socket "$sock" http://localhost/env
	assert_eq "$(pyjson '"same" if d["LISTEN_PID"] == str(d["pid"]) else "differ"' <<<"$output")" same
	run -0 pmc stop cweb
	assert_eq "$(history_json cweb | pyjson '[(e["exit_code"], e["signal"]) for e in d if e["kind"] == "exit"]')" \
		'[[0, null], [0, null]]'
}

@test "shell: LISTEN_PID checked by the script, answers written by bash, online after --listen-timeout" {
	local port pid id
	port=$(free_port)
	run -0 pmc start "$EXAMPLES/cluster-shell.sh" --name sh-web -i 2 --port "$port" --listen-timeout 300ms
	all_online sh-web 2
	for pid in $(pids_of sh-web); do
		assert_eq "$(proc_env "$pid" LISTEN_PID)" "$pid"
		assert_eq "$(readlink "/proc/$pid/exe")" "$(readlink -f "$(command -v bash)")"
	done
	for id in $(ids_of sh-web); do
		wait_until 10 'grep -q "fd 3 is tcp-$port (LISTEN_PID [0-9]* is my pid)" "$PMC_HOME/logs/sh-web-out-$id.log"'
	done
	answered_by_all "$port" "$(pids_of sh-web)"
	run -0 pmc stop sh-web
	status_is sh-web stopped
}

@test "a program run outside pmc's socket passing refuses to start: LISTEN_PID names another process" {
	"${CC:-cc}" -O2 -Wall -Werror -o "$E2E_WORK/cluster-c" "$EXAMPLES/cluster-c.c"
	run -1 env LISTEN_PID=1 LISTEN_FDS=1 "$E2E_WORK/cluster-c"
	assert_contains "$output" "LISTEN_PID 1"
	run -1 env LISTEN_PID=1 LISTEN_FDS=1 python3 "$EXAMPLES/cluster-python.py"
	assert_contains "$output" "no listening socket was passed"
	run -1 env LISTEN_PID=1 LISTEN_FDS=1 bash "$EXAMPLES/cluster-shell.sh"
	assert_contains "$output" "LISTEN_PID=1"
}
