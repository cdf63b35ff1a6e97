#!/bin/sh
# SPDX-License-Identifier: MIT
# Spread over instances: 4 instances of an unchanged Node HTTP app share one listening socket;
# the share of responses of the busiest and the least busy instance with a new connection per
# request, and with keep-alive connections (spread per connection), and the daemon's CPU time
# meanwhile; pmc, then PM2's cluster mode.
set -eu
. "$(dirname "$0")/lib.sh"
. "$BENCH_DIR/lib-cluster.sh"

SECS=${BENCH_SPREAD_SECS:-10}
KA_RUNS=${BENCH_SPREAD_KA_RUNS:-3}
[ "$SECS" -ge 8 ] || { echo "bench: BENCH_SPREAD_SECS must be at least 8" >&2; exit 2; }
need_wrk
PORT=$(free_port)
APP=$(make_node_app "$PORT")

# measure NAME SECONDS [wrk flags]: one wrk run (2 threads, 8 connections); one result line.
measure() {
	_name=$1 _secs=$2
	shift 2
	_pids=$(instance_pids "$MGR")
	_dpid=$(daemon_pid "$MGR")
	_c0=$(cpu_ticks "$_dpid")
	_t0=$(now_ns)
	wrk_start "$WORK/wrk-$MGR-$_name" "$_secs" 8 "$@"
	# Keep-alive connections that no longer get answers, near the end (wrk never counts them).
	_stalled=
	if [ $# -eq 0 ]; then
		sleep_until $((_t0 + (_secs * 1000 - 2500) * 1000000))
		_stalled=" stalled_at_end=$(stalled_conns)"
	fi
	wrk_wait
	_t1=$(now_ns)
	_c1=$(cpu_ticks "$_dpid")
	# shellcheck disable=SC2086
	result "spread $MGR $_name: $($STATS spread "$WORK/wrk-$MGR-$_name" $_pids) $($STATS wrk "$WORK/wrk-$MGR-$_name" | sed 's/ p50=.*//')$_stalled daemon_cpu=$(cpu_share "$_c0" "$_c1" "$_t0" "$_t1")"
}

run() {
	MGR=$1
	cluster_up "$MGR" "$APP"
	# A new connection per request: the server answers "Connection: close", wrk reconnects.
	measure close "$SECS" -H 'Connection: close'
	# Keep-alive: 8 connections for the whole run, so the spread is that of 8 accepts;
	# each run opens 8 new ones.
	_i=1
	while [ "$_i" -le "$KA_RUNS" ]; do
		measure "keepalive#$_i" $((SECS / 2))
		_i=$((_i + 1))
	done
	cluster_down "$MGR"
}

run pmc
if have_pm2; then
	run pm2
else
	result "spread pm2: skipped (run bench/setup.sh)"
fi
