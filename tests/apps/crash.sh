#!/bin/bash
# SPDX-License-Identifier: MIT
# crash.sh [CODE|SIGNAL] [DELAY]: runs DELAY seconds (default 0), then exits with
# CODE (default 1) or, when given a signal name such as KILL, dies of that signal.
code=${1:-1}
delay=${2:-0}
echo "crash run $$"
if [ "$delay" != 0 ]; then
	sleep "$delay"
fi
echo "crashing with $code" >&2
case $code in
[0-9]*) exit "$code" ;;
*) kill -s "$code" $$ ;;
esac
