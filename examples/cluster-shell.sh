#!/bin/bash
# SPDX-License-Identifier: MIT
# Cluster mode from a shell script: pmc binds the address once and passes the
# listening socket to every instance as fd 3 (LISTEN_FDS, LISTEN_PID), so the
# instances share one port:
#
#   pmc start examples/cluster-shell.sh -i 2 --port 3000 --listen-timeout 500ms
#   curl http://127.0.0.1:3000/       # the pid of the instance that answered
#
# The shell checks what it was given and writes the HTTP answers itself; a
# shell has no accept(), so a one-line python3 helper accepts one connection
# on fd 3, puts it on stdin/stdout and runs this script again to answer it.
# A shell cannot send READY=1 on NOTIFY_SOCKET either: pmc marks the instance
# online after --listen-timeout (the socket listens from the start anyway).
set -u

if [ "${1:-}" = --answer ]; then
	# stdin/stdout are the connection; $2 is the pid of the instance. A stop
	# signal (inherited as ignored) does not cut the answer short.
	IFS=' ' read -r method path _ || exit 0
	while IFS= read -r line; do
		line=${line%$'\r'}
		[ -z "$line" ] && break
	done
	case "$method $path" in
	"GET /") body="$2" status="200 OK" ;;
	*) body="not found" status="404 Not Found" ;;
	esac
	printf 'HTTP/1.0 %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s\n' \
		"$status" $((${#body} + 1)) "$body"
	exit 0
fi

# As sd_listen_fds(3): the sockets are ours only when LISTEN_PID is our pid.
if [ "${LISTEN_PID:-}" != "$$" ] || [ "${LISTEN_FDS:-0}" -lt 1 ]; then
	echo "cluster-shell: no listening socket for pid $$ (LISTEN_PID=${LISTEN_PID:-unset}," \
		"LISTEN_FDS=${LISTEN_FDS:-unset}): run me with pmc start ... --port PORT" >&2
	exit 1
fi
echo "pid $$: fd 3 is ${LISTEN_FDNAMES%%:*} (LISTEN_PID $LISTEN_PID is my pid)," \
	"instance ${NODE_APP_INSTANCE:-?}"

accept_one='
import os, signal, socket, sys
for sig in (signal.SIGINT, signal.SIGTERM):
    signal.signal(sig, lambda *unused: sys.exit(0))  # stop waiting, quietly
listener = socket.socket(fileno=3)
conn, _ = listener.accept()
for sig in (signal.SIGINT, signal.SIGTERM):
    signal.signal(sig, signal.SIG_IGN)  # this connection is answered in any case
listener.detach()  # fd 3 stays open for the next round
os.dup2(conn.fileno(), 0)
os.dup2(conn.fileno(), 1)
conn.close()
os.execv(sys.argv[1], sys.argv[1:])
'

# A stop signal ends the loop once the connection in progress is answered.
stop=0
trap 'stop=1' INT TERM
while [ "$stop" = 0 ]; do
	python3 -c "$accept_one" "$BASH" "$0" --answer "$$" || [ "$stop" = 1 ] || sleep 0.1
done
echo "pid $$: stopping"
