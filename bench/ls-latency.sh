#!/bin/sh
# SPDX-License-Identifier: MIT
# `pmc ls` latency with 10 apps (hyperfine), against fork+exec of a C client plus one
# Unix-socket round trip, and `pm2 ls` with 10 apps.
set -eu
. "$(dirname "$0")/lib.sh"

RUNS=${BENCH_RUNS:-300}
PM2_RUNS=${BENCH_PM2_RUNS:-20}
APP=$(make_sleep_app)
SERVER=$(cc_helper baseline-echo-server)
CLIENT=$(cc_helper baseline-roundtrip)

# hyperfine_ms NAME CMD...: -N runs the command without a shell in between.
hyperfine_ms() {
	_name=$1
	shift
	hyperfine -N --style none --warmup "$WARMUP" --runs "$N" \
		--export-json "$WORK/$_name.json" "$*" >/dev/null 2>"$WORK/$_name.err" || {
		cat "$WORK/$_name.err" >&2
		exit 1
	}
	$STATS hyperfine "$WORK/$_name.json"
}

command -v hyperfine >/dev/null || { echo "bench: hyperfine missing (bench/setup.sh)" >&2; exit 2; }

# Baseline: the echo server answers one line per connection, like the daemon would.
mkfifo "$WORK/ready"
"$SERVER" "$WORK/echo.sock" >"$WORK/ready" &
BG_PIDS="$BG_PIDS $!"
read -r _ok <"$WORK/ready"
WARMUP=20 N=$RUNS
result "ls baseline (fork+exec + round trip): $(hyperfine_ms base "$CLIENT" "$WORK/echo.sock")"

"$PMC" ping >/dev/null
for i in 0 1 2 3 4 5 6 7 8 9; do
	"$PMC" start "$APP" --name "a$i" >/dev/null
done
wait_until 30 online_is 10 pmc || { echo "bench: apps not online" >&2; exit 1; }
result "ls pmc ls (10 apps): $(hyperfine_ms pmc "$PMC" ls)"
result "ls pmc jlist (10 apps): $(hyperfine_ms pmcj "$PMC" jlist)"

if have_pm2; then
	for i in 0 1 2 3 4 5 6 7 8 9; do
		pm2 start "$APP" --name "a$i" >/dev/null
	done
	wait_until 60 online_is 10 pm2 || { echo "bench: pm2 apps not online" >&2; exit 1; }
	WARMUP=3 N=$PM2_RUNS
	result "ls pm2 ls (10 apps): $(hyperfine_ms pm2 "$PM2_BIN" ls)"
else
	result "ls pm2 ls: skipped (run bench/setup.sh)"
fi
