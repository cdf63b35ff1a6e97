#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# pmc update: the daemon re-executes the installed pmcd in place; apps keep
# their pids, no log line is lost or doubled, cluster ports keep serving; a
# daemon of another protocol is pointed at pmc update.

load helper

setup() {
	_e2e_setup
	# An installed pmcd that can be replaced by a new file, as a package upgrade does.
	mkdir "$E2E_WORK/inst"
	cp "$PMC_BUILD_ROOT/daemon/pmcd" "$E2E_WORK/inst/pmcd"
	export PMC_PMCD="$E2E_WORK/inst/pmcd"
}

# The pid in pmcd.lock while it lives (daemon_pid wants an exe named pmcd, not
# "pmcd (deleted)" as after the file was replaced or removed).
lock_pid() {
	local pid
	pid=$(tr -dc '0-9' <"$PMC_HOME/pmcd.lock") && alive "$pid" && echo "$pid"
}

# The helper finds a daemon by an exe named pmcd: one whose file was removed
# is "pmcd (deleted)", so stop it here first, by its pid, with its apps.
teardown() {
	local pid
	if pid=$(lock_pid) && [[ $(readlink "/proc/$pid/exe") == */pmcd\ \(deleted\) ]]; then
		kill -TERM "$pid"
		wait_until 8 'dead "$pid"' || kill -KILL "$pid"
	fi
	_e2e_teardown
}

install_new_pmcd() {
	cp "$PMC_BUILD_ROOT/daemon/pmcd" "$E2E_WORK/inst/pmcd.new"
	mv "$E2E_WORK/inst/pmcd.new" "$E2E_WORK/inst/pmcd"
}

# Every "seq PID N" line of FILE, per pid: N runs 1, 2, 3… with no gap or repeat.
check_sequence() {
	python3 - "$1" <<'EOF'
import sys
last, bad = {}, []
for line in open(sys.argv[1]):
    w = line.split()
    if len(w) != 3 or w[0] != "seq":
        bad.append("odd line %r" % line)
        continue
    n = int(w[2])
    if n != last.get(w[1], 0) + 1:
        bad.append("pid %s: %d after %d" % (w[1], n, last.get(w[1], 0)))
    last[w[1]] = n
print("; ".join(bad[:5]) if bad else "ok %d" % sum(last.values()))
EOF
}

# The highest N written by pid in FILE.
last_seq() {
	awk -v p="$2" '$1 == "seq" && $2 == p { n = $3 } END { print n + 0 }' "$1"
}

@test "pmc update: same daemon pid and app pids, a new binary, every log line once, ports serve" {
	local port dpid before after f pid n
	port=$(free_port)
	pmc start steady.py --name f -- mark-f --interval 0.002 >/dev/null
	pmc start steady.py --name web -i 2 --port "$port" -- mark-web --interval 0.002 >/dev/null
	wait_until 10 '[ "$(jl "[p[\"pm2_env\"][\"status\"] for p in d]")" = "[\"online\", \"online\", \"online\"]" ]'
	dpid=$(daemon_pid)
	before=$(jl '[p["pid"] for p in d]')
	local started
	started=$(pmc ping | pyjson 'd["started_at"]')
	install_new_pmcd
	[[ $(readlink "/proc/$dpid/exe") == *"(deleted)" ]]
	run -0 pmc update
	assert_contains "$output" "pmcd re-executed"
	assert_eq "$(daemon_pid)" "$dpid"
	# The same pid answers ping as a new daemon image.
	run -0 pmc ping
	assert_eq "$(pyjson 'd["pid"]' <<<"$output")" "$dpid"
	[ "$(pyjson 'd["started_at"]' <<<"$output")" -gt "$started" ]
	# The process runs the new file now.
	[[ $(readlink "/proc/$dpid/exe") != *"(deleted)" ]]
	grep -q "re-executing" "$PMC_HOME/pmcd.log"
	after=$(jl '[p["pid"] for p in d]')
	assert_eq "$after" "$before"
	assert_eq "$(jl '[p["pm2_env"]["status"] for p in d]')" '["online", "online", "online"]'
	[ -n "$(http_get "$port")" ]
	# Lines written after the handoff reach the same files.
	f=$(out_log f)
	pid=$(pid_of f)
	n=$(last_seq "$f" "$pid")
	wait_until 10 '[ "$(last_seq "$f" "$pid")" -gt $((n + 50)) ]'
	# Stopping waits for the pipes to drain: then each file is complete.
	pmc stop all >/dev/null
	for f in "$PMC_HOME"/logs/*-out*.log; do
		run -0 check_sequence "$f"
		[[ $output == ok* ]] || { echo "$f: $output" >&2; false; }
	done
	# Stops after the update still see real exit statuses.
	assert_eq "$(history_json f | pyjson '[e["exit_code"] for e in d if e["kind"] == "exit"][-1]')" 0
}

@test "pmc update twice in a row, with a Node app on its IPC channel and a stopped app" {
	command -v node >/dev/null || skip "node is not installed"
	local port dpid before
	port=$(free_port)
	pmc start cluster-ready.js --name node -i 2 --port "$port" >/dev/null
	pmc start steady.py --name idle -- mark-idle >/dev/null
	pmc stop idle >/dev/null
	pmc start crash.sh --name gaveup --max-restarts 2 -- 1 >/dev/null
	wait_until 10 'status_is gaveup errored'
	local restarts
	restarts=$(restarts_of gaveup)
	wait_until 15 '[ "$(jl "[p[\"pm2_env\"][\"status\"] for p in d if p[\"name\"] == \"node\"]")" = "[\"online\", \"online\"]" ]'
	dpid=$(daemon_pid)
	before=$(jl '[p["pid"] for p in d]')
	run -0 pmc update
	install_new_pmcd
	run -0 pmc update
	assert_eq "$(daemon_pid)" "$dpid"
	assert_eq "$(jl '[p["pid"] for p in d]')" "$before"
	status_is idle stopped
	status_is gaveup errored
	assert_eq "$(restarts_of gaveup)" "$restarts"
	[ -n "$(http_get "$port")" ]
	# The channel still works: a reload needs the replacements' readiness over it.
	run -0 pmc reload node
	[ "$(jl '[p["pid"] for p in d if p["name"] == "node"]')" != "$(pyjson '[p for p in d[:2]]' <<<"$before")" ]
	wait_until 10 '[ "$(jl "[p[\"pm2_env\"][\"status\"] for p in d if p[\"name\"] == \"node\"]")" = "[\"online\", \"online\"]" ]'
}

@test "pmc update when the binary is gone: the old daemon says why and goes on" {
	pmc start steady.py --name f -- mark-f >/dev/null
	local dpid pid
	dpid=$(daemon_pid)
	pid=$(pid_of f)
	rm "$E2E_WORK/inst/pmcd"
	run -1 pmc update
	assert_contains "$output" "cannot run"
	assert_eq "$(lock_pid)" "$dpid"
	assert_eq "$(pid_of f)" "$pid"
	status_is f online
	# Its logs are still read.
	local n
	n=$(last_seq "$(out_log f)" "$pid")
	wait_until 10 '[ "$(last_seq "$(out_log f)" "$pid")" -gt "$n" ]'
}

@test "pmc update with no daemon running starts none" {
	run -3 pmc update
	assert_contains "$output" "no daemon running"
	run daemon_pid
	[ "$status" -ne 0 ]
}

@test "a daemon speaking another protocol is detected and pmc update suggested" {
	local fake
	python3 - "$PMC_HOME/rpc.sock" <<'EOF' &
import json, os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(4)
open(sys.argv[1] + ".ready", "w").close()
for _ in range(4):
    c, _ = s.accept()
    f = c.makefile("rwb")
    line = f.readline()
    if not line:
        continue
    req = json.loads(line)
    f.write(json.dumps({"jsonrpc": "2.0", "id": req["id"], "result": {
        "version": "9.9.9", "protocol": 999, "pid": os.getpid()}}).encode() + b"\n")
    f.flush()
    c.close()
EOF
	fake=$!
	record_pid "$fake"
	wait_until 10 '[ -e "$PMC_HOME/rpc.sock.ready" ]'
	run -3 pmc ls
	assert_contains "$output" "protocol 999"
	assert_contains "$output" "pmc update"
	kill "$fake" 2>/dev/null || true
}

@test "pmc update while an instance is launching: it stays launching, and its READY=1 reaches the new image" {
	local port pid
	port=$(free_port)
	pmc start steady.py --name late --port "$port" --listen-timeout 60s \
		-- mark-late --ready-after 2 >/dev/null 2>&1 &
	wait_until 10 'status_is late launching'
	pid=$(pid_of late)
	run -0 pmc update
	status_is late launching
	# Long before listen_timeout: the new image knows the pid that sends READY=1.
	wait_until 10 'status_is late online'
	assert_eq "$(pid_of late)" "$pid"
	wait
}
