#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Readiness in cluster mode: launching until ready (the shim saw listen(),
# --wait-ready + process.send('ready'), READY=1, or --listen-timeout when the
# app declares nothing), and --shutdown-with-message.

load helper
load cluster-helper

# Run `pmc start ARGS...` in the background: START_PID, output in START_OUT.
start_in_background() {
	START_OUT=$E2E_WORK/start.out
	pmc start "$@" >"$START_OUT" 2>&1 3>&- &
	START_PID=$!
	record_pid "$START_PID"
}

@test "--wait-ready, no ready message: launching (while serving) until --listen-timeout, then online" {
	local port t0 pid
	port=$(free_port)
	t0=$(now_ms)
	start_in_background cluster-ready.js --name waiter -i 1 --port "$port" --wait-ready --listen-timeout 3s
	wait_until 10 '[ "$(statuses_of waiter 2>/dev/null)" = launching ]'
	pid=$(pids_of waiter)
	[ "$pid" -gt 0 ]
	# It listens already: listening is not readiness when the app promised a message.
	wait_until 10 'log_has waiter "ready-app $pid listening"'
	wait_until 10 'http_get "$port" >/dev/null'
	# Still launching, and start still waiting, until the listen timeout has passed
	# (checked up to 2 s after start, well before the 3 s timeout).
	while (($(now_ms) - t0 < 2000)); do
		assert_eq "$(statuses_of waiter)" launching
		alive "$START_PID"
		sleep 0.1
	done
	wait_until 15 'all_online waiter 1'
	(($(now_ms) - t0 >= 3000))
	wait "$START_PID"
	assert_eq "$(pids_of waiter)" "$pid" "the same process goes online"
	assert_contains "$(<"$START_OUT")" online
}

@test "--wait-ready: process.send('ready') puts it online long before --listen-timeout" {
	local port
	port=$(free_port)
	run -0 timeout 15 env READY_AFTER_MS=300 pmc start cluster-ready.js --name waiter -i 2 --port "$port" \
		--wait-ready --listen-timeout 60s
	all_online waiter 2
	local id
	for id in $(ids_of waiter); do
		grep -q "sends ready" "$PMC_HOME/logs/waiter-out-$id.log"
	done
	assert_eq "$(inst waiter 'p["pm2_env"]["wait_ready"]')" "True True"
}

@test "without --wait-ready a Node instance is online as soon as it listens" {
	local port
	port=$(free_port)
	run -0 timeout 15 pmc start cluster-ready.js --name quick -i 2 --port "$port" --listen-timeout 60s
	all_online quick 2
	http_get "$port" >/dev/null
}

@test "READY=1 on NOTIFY_SOCKET (python): online before --listen-timeout; a silent program waits it out" {
	local port t0
	port=$(free_port)
	run -0 timeout 15 pmc start "$PMC_SOURCE_ROOT/examples/cluster-python.py" --name py -i 2 \
		--port "$port" --listen-timeout 60s
	all_online py 2
	# The same program told by nobody: sleep never says READY=1.
	t0=$(now_ms)
	start_in_background sleep --name mute -i 2 --listen-timeout 2s -- 1000
	wait_until 10 '[ "$(statuses_of mute 2>/dev/null)" = "launching launching" ]'
	wait_until 15 'all_online mute 2'
	(($(now_ms) - t0 >= 2000))
	wait "$START_PID"
}

@test "--shutdown-with-message: the app gets 'shutdown' on process.on('message'), not SIGINT" {
	local port port2 id
	port=$(free_port)
	port2=$(free_port)
	pmc start cluster-shutdown.js --name polite -i 2 --port "$port" --shutdown-with-message >/dev/null
	pmc start cluster-shutdown.js --name plain -i 1 --port "$port2" >/dev/null
	wait_until 10 'all_online polite 2 && all_online plain 1'
	assert_eq "$(inst polite 'p["pm2_env"]["shutdown_with_message"]')" "True True"
	run -0 pmc stop polite plain
	for id in $(ids_of polite); do
		grep -q "got shutdown message" "$PMC_HOME/logs/polite-out-$id.log"
		run -1 grep -q "got SIGINT" "$PMC_HOME/logs/polite-out-$id.log"
	done
	log_has plain "got SIGINT"
	run -1 log_has plain "got shutdown message"
	# Both left on their own, cleanly (no SIGKILL after the kill timeout).
	assert_eq "$(history_json | pyjson 'sorted((e["app"], e["exit_code"], str(e["signal"])) for e in d if e["kind"] == "exit")' | tr -d ' ')" \
		'[["plain",0,"None"],["polite",0,"None"],["polite",0,"None"]]'
}
