# SPDX-License-Identifier: MIT
# Shared helpers for the benchmark scripts (sourced): paths, a private home, deadlines, cleanup.
# shellcheck shell=sh

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
BUILD=${PMC_BUILD:-/tmp/build-bench}
PMC=${PMC_BIN:-$BUILD/cmd/pmc}
PM2_BIN=$BENCH_DIR/.pm2-install/node_modules/.bin/pm2
STATS="python3 $BENCH_DIR/stats.py"

if [ ! -x "$PMC" ]; then
	echo "bench: $PMC not found; build first:" >&2
	echo "  meson setup $BUILD --buildtype=release && ninja -C $BUILD" >&2
	exit 2
fi
# pmc finds pmcd beside itself; remember where, to recognise the daemon's pid.
PMCD=${PMC_PMCD:-$(dirname "$PMC")/../daemon/pmcd}
PMCD=$(cd "$(dirname "$PMCD")" && pwd -P)/$(basename "$PMCD")
export PMC_PMCD="$PMCD"

# A private work dir with a short path (socket paths are limited to 108 bytes).
WORK=$(mktemp -d /tmp/pmcb.XXXXXX)
chmod 700 "$WORK"
PMC_HOME=$WORK/h
PM2_HOME=$WORK/p
export PMC_HOME PM2_HOME NO_COLOR=1
mkdir -m 700 "$PMC_HOME"
BG_PIDS=

have_pm2() {
	[ -x "$PM2_BIN" ] && [ -z "${BENCH_NO_PM2:-}" ]
}

pm2() {
	"$PM2_BIN" "$@"
}

now_ns() {
	date +%s%N
}

# ms between two now_ns values, with three decimals.
ms_between() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e6 }'
}

# wait_until SECONDS CMD...: poll CMD every 20 ms until it succeeds; 1 if the deadline passes.
wait_until() {
	_limit=$1
	shift
	_end=$(($(date +%s) + _limit))
	while ! "$@"; do
		[ "$(date +%s)" -lt "$_end" ] || return 1
		sleep 0.02
	done
}

# cc_helper NAME: compile bench/NAME.c into the work dir once; prints the binary's path.
cc_helper() {
	[ -x "$WORK/$1" ] ||
		${CC:-cc} -O2 -std=c11 -Wall -Wextra -D_GNU_SOURCE -o "$WORK/$1" "$BENCH_DIR/$1.c" || exit 2
	echo "$WORK/$1"
}

# The tiny long-lived app both managers supervise: a shell script that becomes `sleep`.
make_sleep_app() {
	printf '#!/bin/sh\nexec sleep 100000\n' >"$WORK/app.sh"
	chmod +x "$WORK/app.sh"
	echo "$WORK/app.sh"
}

# "RSS (anon A)" of a pid in MiB: anon is the part not backed by files (heap, stacks, caches).
rss_line() {
	awk '/^VmRSS:/ { r = $2 } /^RssAnon:/ { a = $2 }
		END { printf "%.2fMiB(anon=%.2fMiB)", r / 1024, a / 1024 }' "/proc/$1/status"
}

pmcd_pid() {
	"$PMC" ping | sed -n 's/.*"pid":\([0-9]*\).*/\1/p'
}

pmc_online() {
	"$PMC" jlist >"$WORK/jlist" 2>/dev/null
	$STATS online "$WORK/jlist"
}

pm2_online() {
	pm2 jlist >"$WORK/pm2-jlist" 2>/dev/null
	$STATS online "$WORK/pm2-jlist"
}

# online_is N pmc|pm2: true when exactly N apps are online.
online_is() {
	[ "$("$2"_online)" -eq "$1" ]
}

# The pid of the PM2 God Daemon of this PM2_HOME.
pm2_daemon_pid() {
	cat "$PM2_HOME/pm2.pid"
}

# True when pid $1 runs the executable $2 (guards against a recycled pid).
pid_runs() {
	[ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$2" ]
}

# Stop everything this script started, by pid or through its own home; never by name.
cleanup() {
	_rc=$?
	trap - EXIT INT TERM
	# Best effort from here on: one failed step must not skip the others.
	set +e
	for _p in $BG_PIDS; do
		kill "$_p" 2>/dev/null
		wait "$_p" 2>/dev/null
	done
	if [ -S "$PMC_HOME/rpc.sock" ]; then
		timeout 60 "$PMC" kill >/dev/null 2>&1
	fi
	_p=$(cat "$PMC_HOME/pmcd.lock" 2>/dev/null)
	if [ -n "$_p" ] && pid_runs "$_p" "$PMCD"; then
		kill "$_p"
	fi
	if [ -f "$PM2_HOME/pm2.pid" ]; then
		_p=$(cat "$PM2_HOME/pm2.pid")
		timeout 60 "$PM2_BIN" kill >/dev/null 2>&1
		if [ -n "$_p" ] && kill -0 "$_p" 2>/dev/null &&
			grep -qF "$PM2_HOME" "/proc/$_p/cmdline" 2>/dev/null; then
			kill "$_p"
		fi
	fi
	rm -rf "$WORK"
	exit "$_rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The result line each script ends with: "bench NAME: key=value ...".
result() {
	echo "bench $*"
}
