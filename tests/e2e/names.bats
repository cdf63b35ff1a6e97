#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# App names become file names: [A-Za-z0-9._-]{1,64}, not starting with '.'.
# Anything else is refused before a file is created.

load helper

setup() {
	_e2e_setup
	pmc ping >/dev/null
	ESCAPE="pmc-e2e-escape-$$"
}

snapshot() {
	(cd "$PMC_HOME" && find . -path ./logs -prune -o -print | grep -v '^\./pmc\.db' | sort)
	ls "$PMC_HOME/logs"
	(cd "$E2E_WORK" && find . | sort)
	ls -d /tmp/"$ESCAPE"* 2>/dev/null || true
}

# Starting with NAME is refused with exit 1 or 2, and no file appears.
refused() {
	local before after
	before=$(snapshot)
	run --separate-stderr pmc start sleeper.sh --name "$1"
	if [ "$status" != 1 ] && [ "$status" != 2 ]; then
		echo "exit $status for name '$1'" >&2
		return 1
	fi
	assert_contains "$stderr" "pmc: "
	assert_eq "$(jl 'len(d)')" 0 "no app for name '$1'"
	after=$(snapshot)
	assert_eq "$after" "$before" "files for name '$1'"
}

@test "path-like names are refused" {
	refused "../x"
	refused "../../$ESCAPE"
	refused "a/b"
	refused "/abs"
	refused ".."
}

@test "hidden, spaced, empty and exotic names are refused" {
	refused ".hidden"
	refused "a b"
	refused ""
	refused "tab	name"
	refused "new
line"
	refused "naïve"
	refused 'semi;colon'
}

@test "64 characters are accepted, 65 refused" {
	local n64 n65
	n64=$(printf 'n%.0s' $(seq 64))
	n65=${n64}x
	refused "$n65"
	run -0 pmc start sleeper.sh --name "$n64"
	assert_eq "$(names)" "$n64"
	assert_eq "$(out_log "$n64")" "$PMC_HOME/logs/$n64-out.log"
	wait_until 10 '[ -s "$PMC_HOME/logs/$n64-out.log" ]'
}

@test "every allowed character class works" {
	run -0 pmc start sleeper.sh --name "A-z_0.9"
	assert_eq "$(names)" "A-z_0.9"
	status_is "A-z_0.9" online
	run -0 pmc stop "A-z_0.9"
}

@test "invalid names on the raw socket are refused with -32002" {
	run -0 python3 -c '
import json, os, socket
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(os.path.join(os.environ["PMC_HOME"], "rpc.sock"))
f = s.makefile("rwb")
for i, name in enumerate(["../x", ".hidden", "a b", "x" * 65, ""]):
    app = {"name": name, "script": "sleeper.sh", "cwd": os.getcwd()}
    f.write(json.dumps({"jsonrpc": "2.0", "id": i, "method": "start", "params": {"app": app}}).encode() + b"\n")
    f.flush()
    r = json.loads(f.readline())
    assert r.get("error", {}).get("code") == -32002, (name, r)
print("ok")'
	assert_eq "$output" ok
	assert_eq "$(jl 'len(d)')" 0
	[ ! -e "$PMC_HOME/x-out.log" ]
}
