#!/bin/bash
# SPDX-License-Identifier: MIT
# runtime-app.sh [ORPHANS]: one line on stdout and one on stderr, then runs until
# SIGINT ("got INT", exit 0). With ORPHANS (a file), leaves a 1 s orphan behind and
# writes its pid there, then keeps leaving short-lived orphans, counting them in
# ORPHANS.count: a supervisor must reap them.
trap 'echo "got INT"; exit 0' INT
echo "hello out"
echo "hello err" >&2
if [ -n "$1" ]; then
	(sleep 1 & echo $! >"$1.tmp" && mv "$1.tmp" "$1")
	n=0
	while :; do
		(sleep 0.01 &)
		n=$((n + 1))
		echo "$n" >"$1.count"
		sleep 0.05
	done
fi
while :; do sleep 0.1; done
