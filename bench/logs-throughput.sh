#!/bin/sh
# SPDX-License-Identifier: MIT
# Log throughput: an app writing N MiB of numbered lines, into its own file and through pmcd.
set -eu
. "$(dirname "$0")/lib.sh"

W=$(cc_helper log-writer)
S=$(cc_helper pipe-splice)
MB=${BENCH_LOG_MB:-200}
RUNS=${BENCH_LOG_RUNS:-7}
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

# Baselines, the same program writing FILE on PMC_HOME's filesystem: "direct", its stdout
# redirected into FILE; "pipe", the physical limit of any collector behind a pipe: its stdout
# a pipe spliced into FILE by the smallest program that can (bench/pipe-splice.c).
baseline_once() { # $1: direct or pipe, $2: file to append the ms to
	_t0=$(now_ns)
	if [ "$1" = direct ]; then
		"$W" write "$MB" >"$WORK/base.log"
	else
		"$W" write "$MB" | "$S" "$WORK/base.log"
	fi
	_t1=$(now_ns)
	echo "$(ms_between "$_t0" "$_t1")" >>"$2"
	"$W" check "$WORK/base.log" "$LINES" >/dev/null || {
		echo "bench logs-throughput: the $1 file is wrong" >&2
		exit 1
	}
	rm -f "$WORK/base.log"
}

# through_once LABEL WRITERS MSFILE [pmc start flags...]: start the writer, time until its out
# log holds everything (size, and the last line when lines carry a prefix), then check every
# line. The check's verdict of the last run is kept in $WORK/LABEL.check.
through_once() {
	_label=$1
	_writers=$2
	_msfile=$3
	shift 3
	_name="w$_label$(wc -l <"$_msfile")"
	_log="$PMC_HOME/logs/$_name-out.log"
	_want=$((BYTES * _writers))
	# One writer: wait for its last line too (a --time prefix makes the file longer).
	# Several into one file: the exact size (no prefix), since either may finish last.
	_seq=$LAST
	[ "$_writers" -eq 1 ] || _seq=-1
	_t0=$(now_ns)
	"$PMC" start "$W" --name "$_name" --no-autorestart "$@" -- write "$MB" >/dev/null
	_t1=$("$W" wait "$_log" "$_want" "$_seq" 300) || exit 1
	echo "$(ms_between "$_t0" "$_t1")" >>"$_msfile"
	_size=$(stat -c %s "$_log")
	if ! _check=$("$W" check "$_log" "$LINES"); then
		echo "bench logs-throughput: $_label: $_log: $_check" >&2
		exit 1
	fi
	echo "last_size=$_size $_check" >"$WORK/$_label.check"
	"$PMC" delete "$_name" >/dev/null
	rm -f "$PMC_HOME/logs/$_name"-*.log
}

"$PMC" ping >/dev/null

# Variants: LABEL WRITE_SIZE WRITERS [flags]. WRITE_SIZE is the app's bytes per write(2):
# 64 KiB (a buffered app at memory speed), 8 KiB (stdio and Python's buffer on a pipe or
# file), 100 (one write a line: console.log, line-buffered printf). Each has its own
# baseline, the same app at the same write size into a file.
variants='raw 65536 1
raw8k 8192 1
rawline 100 1
time 65536 1 --time
merge2 65536 2 --merge-logs -i 2'
sizes='65536 8192 100'

# One warm-up round (first writes into fresh page cache are slower), then RUNS rounds, each
# running the direct writes and every variant back to back, so that a change in the machine's
# load during the benchmark hits both sides alike.
: >"$WORK/warmup.ms"
for size in $sizes; do : >"$WORK/direct$size.ms" && : >"$WORK/pipe$size.ms"; done
echo "$variants" | while read -r label size writers flags; do : >"$WORK/$label.ms"; done
round=0
while [ "$round" -le "$RUNS" ]; do
	for size in $sizes; do
		for kind in direct pipe; do
			out=$WORK/$kind$size.ms
			[ "$round" -gt 0 ] || out=$WORK/warmup.ms
			LOG_WRITER_WRITE=$size baseline_once "$kind" "$out"
		done
	done
	echo "$variants" | while read -r label size writers flags; do
		out=$WORK/$label.ms
		[ "$round" -gt 0 ] || out=$WORK/warmup.ms
		# The daemon hands the app the CLI's environment, so the write size reaches it.
		# shellcheck disable=SC2086 # flags are words
		LOG_WRITER_WRITE=$size through_once "$label" "$writers" "$out" $flags
	done
	round=$((round + 1))
done

runs_of() {
	tr '\n' ' ' <"$1" | sed 's/  */,/g; s/,$//'
}
for size in $sizes; do
	ms=$(median_of "$WORK/direct$size.ms")
	result "logs-throughput direct write=$size: mib=$MB median=${ms}ms" \
		"rate=$(mbs "$BYTES" "$ms")MiB/s runs=$(runs_of "$WORK/direct$size.ms")"
	ms=$(median_of "$WORK/pipe$size.ms")
	result "logs-throughput pipe+splice write=$size: mib=$MB median=${ms}ms" \
		"rate=$(mbs "$BYTES" "$ms")MiB/s runs=$(runs_of "$WORK/pipe$size.ms")"
done
echo "$variants" | while read -r label size writers flags; do
	base=$(mbs "$BYTES" "$(median_of "$WORK/direct$size.ms")")
	piped=$(mbs "$BYTES" "$(median_of "$WORK/pipe$size.ms")")
	ms=$(median_of "$WORK/$label.ms")
	rate=$(mbs "$((BYTES * writers))" "$ms")
	result "logs-throughput pmc $label: write=$size mib=$((MB * writers)) median=${ms}ms" \
		"rate=${rate}MiB/s of_direct=$(awk -v a="$rate" -v b="$base" 'BEGIN { printf "%.0f%%", 100 * a / b }')" \
		"of_pipe=$(awk -v a="$rate" -v b="$piped" 'BEGIN { printf "%.0f%%", 100 * a / b }')" \
		"runs=$(runs_of "$WORK/$label.ms") $(cat "$WORK/$label.check")"
done
