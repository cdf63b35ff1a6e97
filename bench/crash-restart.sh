#!/bin/sh
# SPDX-License-Identifier: MIT
# Crash → new pid: an app that exits at once is restarted with restart_delay 0; the time from
# one run's exit to the next run's start, against fork+exec+wait of the same program in a loop.
set -eu
. "$(dirname "$0")/lib.sh"

SAMPLES=${BENCH_SAMPLES:-1000}
CRASH=$(cc_helper crash-app)
FORKEXEC=$(cc_helper baseline-forkexec)

lines() {
	[ -f "$1" ] && wc -l <"$1" || echo 0
}

enough() {
	[ "$(lines "$WORK/stamps")" -ge "$SAMPLES" ]
}

# Baseline: the same program, fork+exec'd and waited for by a tight C loop.
loop=$("$FORKEXEC" serial "$SAMPLES" "$CRASH" "$WORK/base-stamps")
per_iter=$(echo "$loop" | sed -n 's/.*per_iter_ns=\([0-9]*\).*/\1/p')
result "crash baseline (fork+exec+wait loop): per_iter=$(awk -v n="$per_iter" 'BEGIN { printf "%.3fms", n / 1e6 }') exit->start $($STATS gaps "$WORK/base-stamps")"

# pmc: unlimited restarts (max-restarts 0), no delay, every run counts as stable.
"$PMC" ping >/dev/null
t0=$(now_ns)
"$PMC" start "$CRASH" --name crash --min-uptime 0 --max-restarts 0 --restart-delay 0 \
	-- "$WORK/stamps" >/dev/null
wait_until 100 enough || { echo "bench: only $(lines "$WORK/stamps") runs within 100 s" >&2; exit 1; }
t1=$(now_ns)
runs=$(lines "$WORK/stamps")
"$PMC" stop crash >/dev/null
result "crash pmc app clock exit->start: $($STATS gaps "$WORK/stamps")"
"$PMC" history crash --json --limit 10000 >"$WORK/history.json"
result "crash pmc history exit->start: $($STATS history "$WORK/history.json")"
result "crash pmc cycle: runs=$runs wall=$(ms_between "$t0" "$t1")ms per_cycle=$(awk -v r="$runs" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3fms", (b - a) / 1e6 / r }')"

# PM2, started the same way.
enough_pm2() {
	[ "$(lines "$WORK/pm2-stamps")" -ge "$PM2_SAMPLES" ]
}
PM2_SAMPLES=${BENCH_PM2_SAMPLES:-200}
if have_pm2; then
	pm2 ping >/dev/null 2>&1
	t0=$(now_ns)
	# PM2 has no --min-uptime flag; a huge max_restarts keeps it restarting all the same.
	pm2 start "$CRASH" --name crash --interpreter none --max-restarts 1000000 \
		--restart-delay 0 -- "$WORK/pm2-stamps" >/dev/null
	wait_until 100 enough_pm2 || { echo "bench: PM2 ran it $(lines "$WORK/pm2-stamps") times within 100 s" >&2; exit 1; }
	t1=$(now_ns)
	runs=$(lines "$WORK/pm2-stamps")
	pm2 stop crash >/dev/null
	result "crash pm2 app clock exit->start: $($STATS gaps "$WORK/pm2-stamps")"
	result "crash pm2 cycle: runs=$runs wall=$(ms_between "$t0" "$t1")ms per_cycle=$(awk -v r="$runs" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3fms", (b - a) / 1e6 / r }')"
else
	result "crash pm2: skipped (run bench/setup.sh)"
fi
