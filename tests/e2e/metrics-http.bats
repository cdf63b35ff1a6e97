#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The opt-in Prometheus endpoint: GET /metrics in the text format, started from
# pmcd.conf or `pmc metrics --listen`, strict about requests, and never able to
# hold the daemon's loop.

load helper

setup() {
	_e2e_setup
	PORT=$(free_port)
	printf 'metrics_interval = 200ms\nmetrics_listen = 127.0.0.1:%s\n' "$PORT" \
		>"$PMC_HOME/pmcd.conf"
}

# Raw bytes to the endpoint; prints the status line (or "closed" when none came).
raw_request() {
	python3 - "$PORT" "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
data = b""
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
except (ConnectionResetError, socket.timeout):
    pass
print(data.split(b"\r\n", 1)[0].decode() if data else "closed")
PY
}

@test "GET /metrics: every instance with name, pm_id and instance labels and plausible values" {
	pmc start quiet.sh --name web -i 2 >/dev/null
	pmc start crash.sh --name boom --max-restarts 1 -- 3 >/dev/null
	wait_until 10 'status_is boom errored'
	wait_until 10 '[ "$(jl "app(\"web\")[\"monit\"][\"memory\"]")" -gt 0 ]'
	run -0 curl -sf --max-time 5 -D "$E2E_WORK/headers" "http://127.0.0.1:$PORT/metrics"
	grep -qi '^content-type: text/plain; version=0.0.4' "$E2E_WORK/headers"
	run -0 python3 -c '
import re, sys
text = sys.argv[1]
line = re.compile(r"^([a-z_]+)\{name=\"([^\"]*)\",pm_id=\"(\d+)\",instance=\"(\d+)\"\} (\S+)$")
types, samples = {}, {}
for l in text.splitlines():
    if l.startswith("# TYPE "):
        _, _, name, kind = l.split()
        types[name] = kind
        continue
    if l.startswith("# HELP ") or not l:
        continue
    m = line.match(l)
    assert m, "bad line %r" % l
    samples[(m[1], m[2], int(m[4]))] = float(m[5])
want = {"pmc_up": "gauge", "pmc_process_cpu_seconds_total": "counter",
        "pmc_process_resident_memory_bytes": "gauge", "pmc_process_restarts_total": "counter",
        "pmc_process_uptime_seconds": "gauge"}
for name, kind in want.items():
    assert types.get(name) == kind, (name, types)
for i in (0, 1):
    up = samples[("pmc_up", "web", i)]
    mem = samples[("pmc_process_resident_memory_bytes", "web", i)]
    assert up == 1, up
    assert 100_000 < mem < 1 << 30, mem
    assert samples[("pmc_process_restarts_total", "web", i)] == 0
    assert 0 < samples[("pmc_process_uptime_seconds", "web", i)] < 600
    assert 0 <= samples[("pmc_process_cpu_seconds_total", "web", i)] < 60
assert samples[("pmc_up", "boom", 0)] == 0
assert samples[("pmc_process_restarts_total", "boom", 0)] == int(sys.argv[2])
assert samples[("pmc_process_resident_memory_bytes", "boom", 0)] == 0
assert samples[("pmc_process_uptime_seconds", "boom", 0)] == 0
' "$output" "$(restarts_of boom)" || { echo "$output"; false; }
	# HEAD: the headers only.
	run -0 curl -sfI --max-time 5 "http://127.0.0.1:$PORT/metrics"
	assert_contains "$output" "200 OK"
	run -0 pmc metrics
	assert_contains "$output" "http://127.0.0.1:$PORT/metrics"
	assert_contains "$output" "every 200ms"
}

@test "other paths are 404, other methods 405, malformed and oversized requests are refused" {
	run -0 pmc ping
	wait_until 5 'curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$PORT/metrics"'
	assert_eq "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/")" 404
	assert_eq "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/metricsx")" 404
	assert_eq "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/metrics?x=1")" 200
	assert_eq "$(curl -s -o /dev/null -w '%{http_code}' -X POST -d x "http://127.0.0.1:$PORT/metrics")" 405
	assert_eq "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "http://127.0.0.1:$PORT/metrics")" 405
	assert_eq "$(raw_request 'garbage\r\n\r\n')" "HTTP/1.1 400 Bad Request"
	assert_eq "$(raw_request 'GET /metrics HTTP/1.1\r\nHost x\r\n\r\n')" "HTTP/1.1 400 Bad Request"
	assert_eq "$(raw_request "GET /metrics HTTP/1.1\\r\\nX-Big: $(printf 'a%.0s' {1..9000})\\r\\n\\r\\n")" \
		"HTTP/1.1 431 Request Header Fields Too Large"
	assert_eq "$(raw_request "GET /$(printf 'a%.0s' {1..2000}) HTTP/1.1\\r\\n\\r\\n")" \
		"HTTP/1.1 431 Request Header Fields Too Large"
	# Pipelined requests get one response, then the connection closes.
	assert_eq "$(raw_request 'GET /metrics HTTP/1.1\r\n\r\nGET /metrics HTTP/1.1\r\n\r\n')" "HTTP/1.1 200 OK"
	run -0 pmc ping
	run -0 curl -sf --max-time 5 -o /dev/null "http://127.0.0.1:$PORT/metrics"
}

@test "slow and idle scrapers neither block the daemon nor hold connections forever" {
	run -0 pmc ping
	wait_until 5 'curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$PORT/metrics"'
	# 40 connections (over the limit) that send half a request and never read.
	python3 - "$PORT" "$E2E_WORK/slow.ready" <<'PY' &
import socket, sys, time
conns = []
for _ in range(40):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
    conns.append(s)
open(sys.argv[2], "w").close()
time.sleep(30)
PY
	local slow=$!
	wait_until 10 '[ -e "$E2E_WORK/slow.ready" ]'
	# The daemon answers at once, however many scrapers hang.
	run -0 timeout 5 pmc ping
	run -0 timeout 5 pmc ls
	# The request deadline closes the half-open connections; scraping works again.
	wait_until 15 'curl -sf --max-time 1 -o /dev/null "http://127.0.0.1:$PORT/metrics"'
	kill "$slow" 2>/dev/null || true
	wait "$slow" 2>/dev/null || true
	# An idle connection (nothing sent) is closed by the server, not kept.
	run -0 python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(15)
t = time.monotonic()
assert s.recv(1) == b""
print(round(time.monotonic() - t))
' "$PORT"
	run -0 timeout 5 pmc ping
}

@test "pmc metrics --listen moves the endpoint, --stop ends it, bad addresses are refused" {
	local other
	other=$(free_port)
	run -0 pmc metrics --listen "127.0.0.1:$other"
	assert_contains "$output" "http://127.0.0.1:$other/metrics"
	run -0 curl -sf --max-time 5 -o /dev/null "http://127.0.0.1:$other/metrics"
	run curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$PORT/metrics"
	[ "$status" -ne 0 ]
	run -0 pmc metrics --json
	assert_contains "$output" "\"listen\":\"127.0.0.1:$other\""
	run -0 pmc metrics --stop
	assert_contains "$output" "No /metrics endpoint"
	run curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$other/metrics"
	[ "$status" -ne 0 ]
	run pmc metrics --listen "example.com:80"
	[ "$status" -ne 0 ]
	assert_contains "$output" "invalid address"
	run pmc metrics --listen "127.0.0.1:$other" --stop
	[ "$status" -ne 0 ]
	# A port in use is a clear error, and the daemon carries on.
	python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
__import__("os").rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(20)' "$E2E_WORK/held.port" &
	local holder=$!
	wait_until 5 '[ -s "$E2E_WORK/held.port" ]'
	run pmc metrics --listen "127.0.0.1:$(<"$E2E_WORK/held.port")"
	kill "$holder" 2>/dev/null || true
	wait "$holder" 2>/dev/null || true
	[ "$status" -ne 0 ]
	assert_contains "$output" "cannot listen"
	run -0 pmc ping
}
