#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# An app with no graceful-shutdown handler of its own loses no request in
# flight when its instances are reloaded, scaled down or stopped: each slow
# request (2.5 s) that an instance had accepted is answered in full, and the
# instance then exits by itself (code 0, not SIGKILL after the kill timeout).

load helper
load cluster-helper

# Slow requests started by PID so far (from the app's own log lines).
slow_count() {
	cat "$PMC_HOME"/logs/web-out-*.log 2>/dev/null | grep -c "slow request started in $1$" || true
}

# Fire slow requests (one connection each) at PORT until every pid in PIDS
# has one in progress; SLOW_DIR holds code.N and body.N per request. On a
# machine so slow that a request ended first, wait for them and try again.
slow_requests_on_all() {
	local port=$1 pids=$2 attempt
	for attempt in 1 2 3; do
		slow_attempt "$port" "$pids" && return 0
		wait "${SLOW_PIDS[@]}" || true
	done
	echo "could not get a slow request in flight on each of $pids" >&2
	return 1
}

slow_attempt() {
	local port=$1 pids=$2 n=0 pid missing
	declare -A base=()
	for pid in $pids; do
		base[$pid]=$(slow_count "$pid")
	done
	SLOW_DIR=$(mktemp -d "$E2E_WORK/slow.XXXXXX")
	SLOW_PIDS=()
	while ((n < 40)); do
		n=$((n + 1))
		curl -s -o "$SLOW_DIR/body.$n" -w '%{http_code}' --max-time 20 \
			"http://127.0.0.1:$port/slow?ms=2500" >"$SLOW_DIR/code.$n" 3>&- &
		SLOW_PIDS+=($!)
		record_pid $!
		# Give the request time to be logged before deciding to fire another.
		sleep 0.05
		missing=
		for pid in $pids; do
			(($(slow_count "$pid") > base[$pid])) || missing=$pid
		done
		[ -z "$missing" ] || continue
		# All still in flight: the operation that follows meets them.
		for pid in "${SLOW_PIDS[@]}"; do
			alive "$pid" || return 1
		done
		return 0
	done
	return 1
}

# Every slow request ended with 200 and the pid of one of PIDS.
slow_requests_answered() {
	local pids=$1 n code body
	wait "${SLOW_PIDS[@]}" || true
	for n in $(seq 1 "${#SLOW_PIDS[@]}"); do
		code=$(<"$SLOW_DIR/code.$n")
		body=$(tr -d '\n' <"$SLOW_DIR/body.$n" 2>/dev/null)
		[ "$code" = 200 ] || { echo "slow request $n: status '$code', body '$body'" >&2; return 1; }
		[[ " $pids " == *" $body "* ]] || { echo "slow request $n answered by '$body', not one of $pids" >&2; return 1; }
	done
}

# Exit events of PIDS (space separated) in history: all code 0, no signal.
exited_cleanly() {
	history_json web >"$E2E_WORK/events.json"
	python3 - "$E2E_WORK/events.json" $1 <<'EOF2'
import json, sys
want = sorted(int(p) for p in sys.argv[2:])
got = [(e["pid"], e["exit_code"], e["signal"]) for e in json.load(open(sys.argv[1]))
       if e["kind"] == "exit" and e["pid"] in want]
assert sorted(p for p, _, _ in got) == want, (got, want)
assert all(c == 0 and s is None for _, c, s in got), got
EOF2
}

setup() {
	_e2e_setup
	PORT=$(free_port)
	pmc start cluster-web.js --name web -i 2 --port "$PORT" --kill-timeout 6s >/dev/null
	wait_until 10 'all_online web 2'
	OLD=$(pids_of web)
}

@test "reload: the requests in flight on every old instance are answered, then they exit cleanly" {
	slow_requests_on_all "$PORT" "$OLD"
	# Two at a time: both old instances are stopped while their requests run.
	run -0 pmc reload web --parallel 2
	slow_requests_answered "$OLD"
	exited_cleanly "$OLD"
	all_online web 2
}

@test "scale down: the request in flight on the removed instance is answered" {
	local removed=${OLD##* }
	slow_requests_on_all "$PORT" "$OLD"
	run -0 pmc scale web 1
	slow_requests_answered "$OLD"
	exited_cleanly "$removed"
	assert_eq "$(pids_of web)" "${OLD%% *}"
}

@test "stop: the requests in flight are answered before the instances exit" {
	slow_requests_on_all "$PORT" "$OLD"
	run -0 pmc stop web
	slow_requests_answered "$OLD"
	exited_cleanly "$OLD"
	assert_eq "$(statuses_of web)" "stopped stopped"
}
