#!/bin/sh
# SPDX-License-Identifier: MIT
# Log throughput: an app writing N MiB of numbered lines, into its own file and through pmcd.
set -eu
. "$(dirname "$0")/lib.sh"

W=$(cc_helper log-writer)
MB=${BENCH_LOG_MB:-200}
RUNS=${BENCH_LOG_RUNS:-3}
LINES=$("$W" lines "$MB")
BYTES=$((LINES * 100))
LAST=$((LINES - 1))

# median_of FILE: nearest-rank median of the numbers in FILE, one a line.
median_of() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# mbs BYTES MS: MiB/s.
mbs() {
	awk -v b="$1" -v ms="$2" 'BEGIN { printf "%.0f", b / 1048576 / (ms / 1000) }'
}

# Baseline: the same program with stdout redirected into a file on PMC_HOME's filesystem.
: >"$WORK/direct.ms"
i=0
while [ "$i" -lt "$RUNS" ]; do
	t0=$(now_ns)
	"$W" write "$MB" >"$WORK/direct.log"
	t1=$(now_ns)
	ms_between "$t0" "$t1" >>"$WORK/direct.ms"
	echo >>"$WORK/direct.ms"
	"$W" check "$WORK/direct.log" "$LINES" >/dev/null || {
		echo "bench logs-throughput: the direct file is wrong" >&2
		exit 1
	}
	rm -f "$WORK/direct.log"
	i=$((i + 1))
done
base_ms=$(median_of "$WORK/direct.ms")
base=$(mbs "$BYTES" "$base_ms")
result "logs-throughput direct: mib=$MB median=${base_ms}ms rate=${base}MiB/s runs=$(tr '\n' ' ' <"$WORK/direct.ms" | sed 's/  */,/g; s/,$//')"

"$PMC" ping >/dev/null

# through LABEL WRITERS [pmc start flags...]: start the writer, time until its out log holds
# everything (size, and the last line when lines carry a prefix), then check every line.
through() {
	_label=$1
	_writers=$2
	shift 2
	: >"$WORK/$_label.ms"
	_check=
	_i=0
	while [ "$_i" -lt "$RUNS" ]; do
		_name="w$_label$_i"
		_log="$PMC_HOME/logs/$_name-out.log"
		_want=$((BYTES * _writers))
		# One writer: wait for its last line too (a --time prefix makes the file longer).
		# Several into one file: the exact size (no prefix), since either may finish last.
		_seq=$LAST
		[ "$_writers" -eq 1 ] || _seq=-1
		_t0=$(now_ns)
		"$PMC" start "$W" --name "$_name" --no-autorestart "$@" -- write "$MB" >/dev/null
		_t1=$("$W" wait "$_log" "$_want" "$_seq" 300) || exit 1
		ms_between "$_t0" "$_t1" >>"$WORK/$_label.ms"
		echo >>"$WORK/$_label.ms"
		_size=$(stat -c %s "$_log")
		if ! _check=$("$W" check "$_log" "$LINES"); then
			echo "bench logs-throughput: $_label: $_log: $_check" >&2
			exit 1
		fi
		"$PMC" delete "$_name" >/dev/null
		rm -f "$PMC_HOME/logs/$_name"-*.log
		_i=$((_i + 1))
	done
	_ms=$(median_of "$WORK/$_label.ms")
	_rate=$(mbs "$((BYTES * _writers))" "$_ms")
	result "logs-throughput pmc $_label: mib=$((MB * _writers)) median=${_ms}ms rate=${_rate}MiB/s" \
		"of_direct=$(awk -v a="$_rate" -v b="$base" 'BEGIN { printf "%.0f%%", 100 * a / b }')" \
		"runs=$(tr '\n' ' ' <"$WORK/$_label.ms" | sed 's/  */,/g; s/,$//')" \
		"last_size=$_size $_check"
}

through raw 1
through time 1 --time
through merge2 2 --merge-logs -i 2
