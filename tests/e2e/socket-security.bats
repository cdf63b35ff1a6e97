#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Who may talk to the daemon: file modes, and SO_PEERCRED against another uid.

load helper

@test "rpc.sock is a socket with mode 0600 owned by us, in a 0700 home" {
	run -0 pmc ping
	[ -S "$PMC_HOME/rpc.sock" ]
	assert_eq "$(stat -c '%a %u' "$PMC_HOME/rpc.sock")" "600 $(id -u)"
	assert_eq "$(stat -c %a "$PMC_HOME")" 700
}

@test "a client of another uid is closed without an answer; the daemon keeps going" {
	[ "$(id -u)" = 0 ] || skip "needs root to switch to nobody"
	run -0 pmc start sleeper.sh
	local dpid pid logsize
	dpid=$(daemon_pid)
	pid=$(pid_of sleeper)
	logsize=$(stat -c %s "$PMC_HOME/pmcd.log")
	# Open the way to the socket for this test only, to reach the SO_PEERCRED check.
	chmod 0711 "$PMC_HOME"
	chmod 0666 "$PMC_HOME/rpc.sock"
	run setpriv --reuid=nobody --regid=nogroup --clear-groups /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
try:
    s.connect(sys.argv[1])
except OSError as e:
    print("connect failed: %s" % e)
    sys.exit(2)
try:
    s.sendall(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"list\"}\n")
except OSError:
    pass
data = b""
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
except ConnectionResetError:
    pass
except socket.timeout:
    print("still open after 10 s")
    sys.exit(1)
print("closed" if not data else "answered: %r" % data[:300])
' "$PMC_HOME/rpc.sock"
	assert_eq "$output" closed
	assert_eq "$status" 0
	# Still the same daemon with the same app.
	chmod 0700 "$PMC_HOME"
	run -0 pmc ping
	assert_eq "$(pyjson 'd["pid"]' <<<"$output")" "$dpid"
	assert_eq "$(pid_of sleeper)" "$pid"
	status_is sleeper online
	# The refusal is logged, with the uid.
	run -0 tail -c +$((logsize + 1)) "$PMC_HOME/pmcd.log"
	assert_contains "$output" 65534
}

@test "a client of the same uid gets answers on the raw socket" {
	run -0 pmc ping
	run -0 python3 -c '
import json, os, socket
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(os.path.join(os.environ["PMC_HOME"], "rpc.sock"))
s.sendall(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n")
buf = b""
while not buf.endswith(b"\n"):
    buf += s.recv(4096)
r = json.loads(buf)
assert r["id"] == 1 and r["jsonrpc"] == "2.0", r
res = r["result"]
assert res["version"] == "0.1.0" and res["protocol"] == 1, res
assert res["home"] == os.environ["PMC_HOME"], res
assert isinstance(res["pid"], int) and isinstance(res["uptime_ms"], int) and res["uptime_ms"] >= 0, res
print("ok")
'
	assert_eq "$output" ok
}
