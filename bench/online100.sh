#!/bin/sh
# SPDX-License-Identifier: MIT
# Time to 100 apps online: from the first `pmc start` of a loop of 100 to `jlist` showing 100
# online, against 100 fork+execs of the same app; the same loop with PM2.
set -eu
. "$(dirname "$0")/lib.sh"

N=${BENCH_APPS:-100}
APP=$(make_sleep_app)
FORKEXEC=$(cc_helper baseline-forkexec)

# Baseline: both managers run a .sh app as `bash app.sh`; spawn N of them, each exec confirmed.
base=$("$FORKEXEC" alive "$N" bash "$APP")
result "online100 baseline ($N x fork+exec): $(echo "$base" | awk '{ split($3, t, "="); split($4, p, "="); printf "total=%.3fms per_app=%.3fms", t[2] / 1e6, p[2] / 1e6 }')"

# timed pmc|pm2: the start loop, then poll until all are online; the daemon is already up.
timed() {
	_who=$1
	_t0=$(now_ns)
	_i=0
	while [ "$_i" -lt "$N" ]; do
		if [ "$_who" = pmc ]; then
			"$PMC" start "$APP" --name "a$_i" >/dev/null
		else
			pm2 start "$APP" --name "a$_i" >/dev/null
		fi
		_i=$((_i + 1))
	done
	_t1=$(now_ns)
	wait_until 100 online_is "$N" "$_who" || { echo "bench: $_who: $N apps not online in time" >&2; exit 1; }
	_t2=$(now_ns)
	result "online100 $_who: total=$(ms_between "$_t0" "$_t2")ms start_loop=$(ms_between "$_t0" "$_t1")ms per_start=$(awk -v a="$_t0" -v b="$_t1" -v n="$N" 'BEGIN { printf "%.3fms", (b - a) / 1e6 / n }')"
}

"$PMC" ping >/dev/null
timed pmc
# Each start lists every app (to resolve its target, then to print the table): show that cost.
if command -v hyperfine >/dev/null; then
	hyperfine -N --style none --warmup 5 --runs 50 --export-json "$WORK/ls100.json" \
		"$PMC ls" >/dev/null 2>&1
	result "online100 pmc ls ($N apps): $($STATS hyperfine "$WORK/ls100.json")"
fi

# The daemon's own share: the same starts as requests on one connection, no CLI in between.
"$PMC" kill >/dev/null
rm -rf "${PMC_HOME:?}"/*
"$PMC" ping >/dev/null
t0=$(now_ns)
rpc=$(python3 "$BENCH_DIR/rpc-start.py" "$PMC_HOME/rpc.sock" "$APP" "$N")
wait_until 100 online_is "$N" pmc || { echo "bench: pmc (rpc): $N apps not online in time" >&2; exit 1; }
result "online100 pmc start requests on one connection: $rpc until_online=$(ms_between "$t0" "$(now_ns)")ms"

if have_pm2; then
	pm2 ping >/dev/null 2>&1
	timed pm2
else
	result "online100 pm2: skipped (run bench/setup.sh)"
fi
