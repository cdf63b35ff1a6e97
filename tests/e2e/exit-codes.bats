#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Exit codes: 0 ok, 1 the daemon said no, 2 usage, 3 no daemon to talk to
# (cannot start, unreachable, protocol mismatch) with a message naming pmcd.log.

load helper

# A fake daemon on rpc.sock: MODE "proto99" answers every request with a pong
# of protocol 99; "hangup" closes every connection at once.
fake_daemon() {
	python3 -c '
import json, os, socket, sys
mode = sys.argv[1]
path = os.path.join(os.environ["PMC_HOME"], "rpc.sock")
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(16)
open(path + ".ready", "w").close()
while True:
    c, _ = s.accept()
    if mode == "hangup":
        c.close()
        continue
    f = c.makefile("rwb")
    for line in f:
        req = json.loads(line)
        res = {"version": "9.9.9", "protocol": 99, "pid": os.getpid(),
               "home": os.environ["PMC_HOME"], "uptime_ms": 1}
        f.write(json.dumps({"jsonrpc": "2.0", "id": req.get("id"), "result": res}).encode() + b"\n")
        f.flush()
    c.close()
' "$1" >/dev/null 2>&1 &
	FAKE=$!
	record_pid "$FAKE"
	wait_until 10 '[ -e "$PMC_HOME/rpc.sock.ready" ]'
}

@test "0: commands that succeed" {
	run -0 pmc ping
	run -0 pmc ls
	run -0 pmc jlist
	run -0 pmc history
	run -0 pmc start sleeper.sh
	run -0 pmc stop sleeper
	run -0 pmc --version
	run -0 pmc help
}

@test "1: the daemon reported an error" {
	run -1 pmc stop nosuch
	run -1 pmc start nosuch.js
	pmc start sleeper.sh >/dev/null
	run -1 pmc start sleeper.sh
	run -1 pmc describe nosuch
}

@test "2: usage errors say so and point at help" {
	run -2 --separate-stderr pmc frobnicate
	assert_contains "$stderr" "pmc: "
	assert_contains "$stderr" frobnicate
	assert_contains "$stderr" "Try 'pmc help"
	run -2 --separate-stderr pmc --bogus-global ls
	assert_contains "$stderr" "pmc: "
	run -2 --separate-stderr pmc stop
	assert_contains "$stderr" "Try 'pmc help stop'."
	run -2 --separate-stderr pmc ping extra
	run -2 --separate-stderr pmc jlist extra
	run -2 --separate-stderr pmc logs --lines x --nostream
	run -2 --separate-stderr pmc start sleeper.sh --kill-timeout abc
	assert_eq "${stderr_lines[0]}" "pmc: --kill-timeout: invalid duration 'abc'"
	# None of them started an app.
	assert_eq "$(jl 'len(d)')" 0
}

@test "3: a pmcd that exits at once (PMC_PMCD=/bin/false)" {
	export PMC_PMCD=/bin/false
	run -3 --separate-stderr pmc ping
	assert_contains "$stderr" "pmc: the daemon did not start: "
	assert_contains "$stderr" "(see $PMC_HOME/pmcd.log)"
	assert_eq "$output" ""
	run -3 pmc ls
	[ ! -S "$PMC_HOME/rpc.sock" ]
}

@test "3: a pmcd that cannot be executed" {
	export PMC_PMCD="$E2E_WORK/no/such/pmcd"
	run -3 --separate-stderr pmc ls
	assert_contains "$stderr" "pmc: the daemon did not start: "
	assert_contains "$stderr" "$PMC_HOME/pmcd.log"
}

@test "3: the daemon's own error line is shown" {
	cat >"$E2E_WORK/fake-pmcd" <<'EOF'
#!/bin/bash
# Reports a start failure on the readiness fd, as pmcd does.
[ "$1" = --ready-fd ] || exit 9
echo "error: disk on fire" >&"$2"
exit 1
EOF
	chmod 755 "$E2E_WORK/fake-pmcd"
	export PMC_PMCD="$E2E_WORK/fake-pmcd"
	run -3 --separate-stderr pmc ping
	assert_eq "$stderr" "pmc: the daemon did not start: disk on fire (see $PMC_HOME/pmcd.log)"
}

@test "3: PMC_HOME is a regular file" {
	echo "not a directory" >"$E2E_WORK/homefile"
	export PMC_HOME="$E2E_WORK/homefile"
	run -3 --separate-stderr pmc ping
	assert_contains "$stderr" "pmc: "
	assert_contains "$stderr" "$E2E_WORK/homefile"
	assert_eq "$(cat "$E2E_WORK/homefile")" "not a directory"
	run -3 pmc ls
}

@test "3: the daemon speaks another protocol" {
	fake_daemon proto99
	run -3 --separate-stderr pmc ping
	assert_eq "$stderr" 'pmc: daemon speaks protocol 99, this pmc speaks 1: run `pmc update` to re-execute the installed pmcd with the apps kept running (or `pmc kill` and retry)'
	kill "$FAKE"
}

@test "3: the daemon hangs up without answering" {
	fake_daemon hangup
	run -3 --separate-stderr pmc ping
	assert_contains "$stderr" "pmc: "
	kill "$FAKE"
}
