#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Rotation under a flood: no line lost, repeated or split; retention, gzip and
# date-stamped names.

load helper

N=100000

stopped() {
	status_is "$1" stopped
}

check() {
	python3 "$APPS/log-check.py" "$@"
}

# The rotated files of FILE (FILE.1, FILE.2..) oldest first, then FILE.
numbered_oldest_first() {
	local f=$1 n
	n=$(find "${f%/*}" -maxdepth 1 -name "${f##*/}.*" | wc -l)
	while ((n > 0)); do
		if [ -e "$f.$n.gz" ]; then echo "$f.$n.gz"; else echo "$f.$n"; fi
		n=$((n - 1))
	done
	echo "$f"
}

@test "--log-max-size 64K --log-retain 50: the rotated files and the log hold every line once, in order" {
	pmc start log-flood.py --no-autorestart --log-max-size 64K --log-retain 50 -- $N >/dev/null
	wait_until 60 'stopped log-flood'
	local L="$PMC_HOME/logs" f
	[ -f "$L/log-flood-out.log.2" ]
	[ ! -e "$L/log-flood-out.log.51" ]
	for f in $(numbered_oldest_first "$L/log-flood-out.log"); do
		# No file passes the maximum size: every write is far smaller.
		(($(stat -c %s "$f") <= 65536))
	done
	run -0 check $(numbered_oldest_first "$L/log-flood-out.log")
	assert_eq "$output" "out i0 $N"
	run -0 check $(numbered_oldest_first "$L/log-flood-error.log")
	assert_eq "$output" "err i0 $N"
}

@test "--log-retain 3: only .1 .2 .3 are kept, each whole lines of consecutive numbers" {
	pmc start log-flood.py --no-autorestart --log-max-size 64K --log-retain 3 -- $N >/dev/null
	wait_until 60 'stopped log-flood'
	local L="$PMC_HOME/logs"
	run -0 ls "$L"
	assert_eq "$output" "log-flood-error.log
log-flood-error.log.1
log-flood-error.log.2
log-flood-error.log.3
log-flood-out.log
log-flood-out.log.1
log-flood-out.log.2
log-flood-out.log.3"
	# The kept files are the newest: they end with the last line.
	run -0 tail -n 1 "$L/log-flood-out.log"
	assert_eq "$output" "out i0 $N"
	# Consecutive: .3 .2 .1 and the log continue each other.
	run -0 python3 "$APPS/log-check.py" --prefix '' /dev/stdin < <(
		cat "$L/log-flood-out.log.3" "$L/log-flood-out.log.2" "$L/log-flood-out.log.1" "$L/log-flood-out.log" |
			python3 -c 'import sys
ls = sys.stdin.read().splitlines()
first = int(ls[0].split()[2])
for l in ls:
    s, t, i = l.split()
    print(s, t, int(i) - first + 1)')
	assert_eq "$output" "out i0 $(($(wc -l <"$L/log-flood-out.log.3") + $(wc -l <"$L/log-flood-out.log.2") + $(wc -l <"$L/log-flood-out.log.1") + $(wc -l <"$L/log-flood-out.log")))"
}

@test "--log-compress: rotated files become .gz that hold whole lines, every line once" {
	pmc start log-flood.py --no-autorestart --log-max-size 64K --log-retain 50 --log-compress -- $N >/dev/null
	wait_until 60 'stopped log-flood'
	local L="$PMC_HOME/logs"
	# Compression runs in the background: wait until no plain rotated file is left.
	wait_until 20 '[ -z "$(find "$L" -name "*.log.[0-9]*" ! -name "*.gz")" ]'
	[ -f "$L/log-flood-out.log.1.gz" ]
	[ -f "$L/log-flood-out.log.2.gz" ]
	run -0 check $(numbered_oldest_first "$L/log-flood-out.log")
	assert_eq "$output" "out i0 $N"
	run -0 check $(numbered_oldest_first "$L/log-flood-error.log")
	assert_eq "$output" "err i0 $N"
}

@test "--log-rotate-names date: NAME-YYYYMMDD-HHMMSS[-n].log, every line once in order" {
	pmc start log-flood.py --no-autorestart --log-max-size 64K --log-retain 50 --log-rotate-names date -- $N >/dev/null
	wait_until 60 'stopped log-flood'
	local L="$PMC_HOME/logs"
	run -0 python3 -c '
import os, re, sys
d = sys.argv[1]
pat = re.compile(r"log-flood-out-(\d{8})-(\d{6})(?:-(\d+))?\.log")
rot = []
for n in os.listdir(d):
    if n.startswith("log-flood-out") and n != "log-flood-out.log":
        m = pat.fullmatch(n)
        if not m:
            sys.exit("unexpected name " + n)
        rot.append(((m.group(1), m.group(2), int(m.group(3) or 0)), n))
if len(rot) < 2:
    sys.exit("only %d rotated files" % len(rot))
for k, n in sorted(rot):
    print(os.path.join(d, n))
print(os.path.join(d, "log-flood-out.log"))' "$L"
	local files=$output
	run -0 check $files
	assert_eq "$output" "out i0 $N"
}
