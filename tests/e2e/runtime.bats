#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# pmc-runtime / pmc runtime: pmcd in the foreground for containers: the apps' logs on
# stdout/stderr, orphans reaped (as PID 1 or a subreaper), SIGTERM as a graceful stop,
# exit statuses that say what happened.

load helper

# Start the runtime in the background with ARGS: RT is its pid, OUT and ERR its output.
runtime_bg() {
	OUT="$E2E_WORK/rt.out"
	ERR="$E2E_WORK/rt.err"
	pmc-runtime "$@" >"$OUT" 2>"$ERR" &
	RT=$!
	record_pid "$RT"
}

# Until the runtime's daemon took the home: a pmc call before that would start a
# daemon of its own, and the runtime's would then refuse to run.
runtime_up() {
	wait_until 10 'grep -q "^\[pmc\] Starting" "$OUT"'
}

# A failed test shows what the runtime printed.
teardown() {
	if [ -z "${BATS_TEST_COMPLETED:-}" ] && [ -n "${ERR:-}" ]; then
		echo "# --- runtime stdout (last lines) ---" >&2
		tail -n 20 "$OUT" >&2 2>/dev/null
		echo "# --- runtime stderr (last lines) ---" >&2
		tail -n 40 "$ERR" >&2 2>/dev/null
	fi
	_e2e_teardown
}

# Wait for the runtime to end; RC is its exit status.
runtime_wait() {
	wait_until 30 '! alive $RT'
	RC=0
	wait "$RT" || RC=$?
}

@test "logs on stdout and stderr with prefixes; pmc ping and ls work; SIGTERM stops gracefully" {
	runtime_bg runtime-app.sh --name web -i 2
	wait_until 10 'grep -qxF "1|web | hello out" "$OUT"'
	wait_until 10 'grep -qxF "0|web | hello out" "$OUT"'
	wait_until 10 'grep -qxF "0|web | hello err" "$ERR"'
	! grep -q "hello err" "$OUT"
	! grep -q "hello out" "$ERR"
	# The daemon's own lines are on stderr once, not in the apps' stream.
	! grep -q "^PMC |" "$OUT"
	grep -q "info: app \[web:0\] start" "$ERR"
	# The normal socket: an exec readiness probe works.
	run -0 pmc ping
	wait_until 10 'status_is web online'
	local pids
	pids=$(jl '" ".join(str(p["pid"]) for p in d)')
	kill -TERM "$RT"
	runtime_wait
	assert_eq "$RC" 0
	# Graceful: each app got its stop signal and said so.
	assert_eq "$(grep -cxF "0|web | got INT" "$OUT")" 1
	assert_eq "$(grep -cxF "1|web | got INT" "$OUT")" 1
	for pid in $pids; do ! alive "$pid"; done
	! daemon_pid
	grep -q "stopping every app" "$ERR"
}

@test "--raw prints the lines as the app wrote them; pmc runtime is the same command" {
	OUT="$E2E_WORK/rt.out"
	ERR="$E2E_WORK/rt.err"
	pmc runtime runtime-app.sh --raw >"$OUT" 2>"$ERR" &
	RT=$!
	record_pid "$RT"
	wait_until 10 'grep -qxF "hello out" "$OUT"'
	wait_until 10 'grep -qxF "hello err" "$ERR"'
	kill -INT "$RT"
	runtime_wait
	assert_eq "$RC" 0
	grep -qxF "got INT" "$OUT"
}

@test "every app stayed down: the runtime exits with the app's exit code" {
	runtime_bg crash.sh --name job --no-autorestart -- 7
	runtime_wait
	assert_eq "$RC" 7
	grep -q "every app stayed down" "$ERR"
	grep -qxF "0|job | crashing with 7" "$ERR"
	! daemon_pid
}

@test "a crash loop that ends errored exits non-zero; a clean end exits 0; --no-auto-exit stays" {
	runtime_bg crash.sh --name loop --max-restarts 2 -- KILL
	runtime_wait
	assert_eq "$RC" 137
	runtime_bg crash.sh --name once --no-autorestart -- 0
	runtime_wait
	assert_eq "$RC" 0
	runtime_bg crash.sh --name kept --no-autorestart --no-auto-exit -- 3
	runtime_up
	wait_until 10 'status_is kept stopped'
	sleep 4 # longer than the three checks that would end it
	alive "$RT"
	kill -TERM "$RT"
	runtime_wait
	assert_eq "$RC" 0
}

@test "orphans are reaped: the daemon adopts the apps', the runtime the daemon's" {
	runtime_bg runtime-app.sh -- "$E2E_WORK/orphan"
	wait_until 10 '[ -s "$E2E_WORK/orphan" ]'
	local orphan dpid app
	orphan=$(<"$E2E_WORK/orphan")
	dpid=$(daemon_pid)
	wait_until 5 '[ "$(proc_ppid "$orphan")" = "$dpid" ]'
	# It exits after a second and must not stay a zombie.
	wait_until 10 '[ ! -e "/proc/$orphan" ]'
	wait_until 10 '[ "$(cat "$E2E_WORK/orphan.count")" -ge 30 ]'
	[ "$(zombies_of "$dpid" | wc -l)" -le 2 ]
	[ "$(zombies_of "$RT" | wc -l)" -eq 0 ]
	# The daemon dies: the runtime reaps it, says how, and exits 1.
	app=$(pid_of runtime-app)
	record_pid "$app"
	kill -KILL "$dpid"
	runtime_wait
	assert_eq "$RC" 1
	grep -q "pmcd killed by Killed" "$ERR"
}

@test "as PID 1 of a new PID namespace: reaps orphans, stops on SIGTERM, exits 0" {
	unshare --pid --fork --mount-proc true 2>/dev/null || skip "unshare --pid is not permitted here"
	OUT="$E2E_WORK/rt.out"
	ERR="$E2E_WORK/rt.err"
	unshare --pid --fork --mount-proc "$PMC_BUILD_ROOT/cmd/pmc-runtime" runtime-app.sh -- \
		"$E2E_WORK/orphan" >"$OUT" 2>"$ERR" &
	local unshare_pid=$! init
	record_pid "$unshare_pid"
	wait_until 10 '[ -n "$(children_of "$unshare_pid")" ]'
	init=$(children_of "$unshare_pid")
	record_pid "$init"
	grep -q "^NSpid:.*[[:space:]]1$" "/proc/$init/status"
	wait_until 10 'grep -qxF "0|runtime-app | hello out" "$OUT"'
	wait_until 15 '[ "$(cat "$E2E_WORK/orphan.count" 2>/dev/null)" -ge 30 ]'
	# Thirty orphans have exited by now: none may be left a zombie.
	[ "$(zombies_of "$init" | wc -l)" -le 2 ]
	run -0 pmc ping
	kill -TERM "$init"
	wait_until 30 '! alive $unshare_pid'
	local rc=0
	wait "$unshare_pid" || rc=$?
	assert_eq "$rc" 0
	grep -qxF "0|runtime-app | got INT" "$OUT"
}

@test "a start that fails ends the runtime with its status, and pmcd with it" {
	run -1 pmc-runtime missing.js
	assert_contains "$output" "script not found"
	! daemon_pid
	run -2 pmc-runtime sleeper.sh --cron-restart "bad"
	assert_contains "$output" "invalid cron expression"
}

@test "a second runtime in the same home is refused" {
	runtime_bg sleeper.sh
	runtime_up
	wait_until 10 'status_is sleeper online'
	run -3 pmc-runtime sleeper.sh --name other
	assert_contains "$output" "another pmcd is running"
	kill -TERM "$RT"
	runtime_wait
	assert_eq "$RC" 0
}

@test "an ecosystem file goes through the same path as pmc start FILE" {
	cat >"$E2E_WORK/eco.json" <<-JSON
		{"apps": [
		  {"name": "one", "script": "$APPS/runtime-app.sh", "watch": ["$APPS"],
		   "cron_restart": "0 4 * * *"},
		  {"name": "two", "script": "$APPS/runtime-app.sh"}
		]}
	JSON
	runtime_bg "$E2E_WORK/eco.json"
	wait_until 10 'grep -qxF "0|one | hello out" "$OUT"'
	wait_until 10 'grep -qxF "1|two | hello out" "$OUT"'
	assert_eq "$(env_of one watching)" true
	assert_eq "$(env_of one cron_restart)" "0 4 * * *"
	kill -TERM "$RT"
	runtime_wait
	assert_eq "$RC" 0
	grep -qxF "1|two | got INT" "$OUT"
}
