#!/bin/bash
# SPDX-License-Identifier: MIT
# chatty.sh [N]: writes "out 1".."out N" to stdout and "err 1".."err N" to stderr, then sleeps.
n=${1:-20}
for ((i = 1; i <= n; i++)); do
	echo "out $i"
	echo "err $i" >&2
done
exec sleep 100000
