#!/bin/bash
# SPDX-License-Identifier: MIT
# Ignores SIGINT and SIGTERM and forks a grandchild that ignores them too;
# writes "APP_PID GRANDCHILD_PID" to $PIDS_FILE once both exist.
trap '' INT TERM
sleep 100000 &
echo "$$ $!" > "$PIDS_FILE.tmp"
mv "$PIDS_FILE.tmp" "$PIDS_FILE"
echo "ignoring SIGINT as $$, grandchild $!"
wait
