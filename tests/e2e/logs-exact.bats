#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Log files hold every line an app wrote, once and in order, up to its exit;
# merged instances never mix two lines into one.

load helper

N=200000

# Every instance of NAME has stopped (the flood apps exit 0, no autorestart).
all_stopped() {
	[ "$(jl "' '.join(sorted(set(p['pm2_env']['status'] for p in d if p['name'] == '$1')))")" = stopped ]
}

check() {
	python3 "$APPS/log-check.py" "$@"
}

@test "4 instances, out and error: every line once, in order, to the last one" {
	pmc start log-flood.py -i 4 --no-autorestart -- $N >/dev/null
	wait_until 60 'all_stopped log-flood'
	local k L="$PMC_HOME/logs"
	for k in 0 1 2 3; do
		run -0 check "$L/log-flood-out-$k.log"
		assert_eq "$output" "out i$k $N"
		run -0 check "$L/log-flood-error-$k.log"
		assert_eq "$output" "err i$k $N"
	done
}

@test "--merge-logs: one file per stream, every line whole and once" {
	pmc start log-flood.py -i 4 --merge-logs --no-autorestart -- $N >/dev/null
	wait_until 60 'all_stopped log-flood'
	local L="$PMC_HOME/logs"
	run -0 ls "$L"
	assert_eq "$output" "log-flood-error.log
log-flood-out.log"
	run -0 check "$L/log-flood-out.log"
	assert_eq "$output" "out i0 $N
out i1 $N
out i2 $N
out i3 $N"
	run -0 check "$L/log-flood-error.log"
	assert_eq "$output" "err i0 $N
err i1 $N
err i2 $N
err i3 $N"
}

@test "-l: the combined file has both streams of each instance, whole and once" {
	pmc start log-flood.py -i 2 -l --no-autorestart -- $N >/dev/null
	wait_until 60 'all_stopped log-flood'
	local k L="$PMC_HOME/logs"
	for k in 0 1; do
		run -0 check "$L/log-flood-$k.log"
		assert_eq "$output" "err i$k $N
out i$k $N"
	done
}
