#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Raw output moves from the pipe to the file in the kernel until someone needs
# its lines (a follower); switching between the two ways loses, repeats or cuts
# nothing, and a follower that stops reading is dropped, not waited for.

load helper

all_stopped() {
	[ "$(jl "' '.join(sorted(set(p['pm2_env']['status'] for p in d if p['name'] == '$1')))")" = stopped ]
}

check() {
	python3 "$APPS/log-check.py" "$@"
}

# Every line of FILE is whole ("out TAG I"), but the first, which may be the end of a line
# whose start was in the file before the follower came, and the last, cut by the kill.
whole_lines() {
	python3 -c 'import re, sys
lines = open(sys.argv[1], errors="replace").readlines()[1:-1]
bad = [l for l in lines if not re.fullmatch(r"out i\d+ \d+\n", l)]
print(bad[:3])
sys.exit(1 if bad else 0)' "$1"
}

@test "followers joining and leaving a flood: the file holds every line once, in order" {
	local n=400000 round out
	pmc start log-flood.py --name flood --no-autorestart -- $n >/dev/null
	for round in 1 2 3; do
		out="$E2E_WORK/follow-$round.txt"
		pmc logs flood --raw --out --lines 0 >"$out" 2>/dev/null 3>&- &
		local fpid=$!
		record_pid "$fpid"
		# Until it has seen some lines, or the app is already done.
		wait_until 20 "[ -s '$out' ] || all_stopped flood"
		kill "$fpid"
		wait "$fpid" || true
		[ ! -s "$out" ] || whole_lines "$out"
	done
	wait_until 60 'all_stopped flood'
	run -0 check "$PMC_HOME/logs/flood-out.log"
	assert_eq "$output" "out i0 $n"
	run -0 check "$PMC_HOME/logs/flood-error.log"
	assert_eq "$output" "err i0 $n"
}

@test "a follower that stops reading is dropped after its limit; the app finishes and its file is exact" {
	local n=1500000
	pmc ping >/dev/null
	# A client that asks to follow every app and never reads its socket.
	python3 -c 'import os, socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(os.path.join(os.environ["PMC_HOME"], "rpc.sock"))
s.sendall(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"logs\",\"params\":{\"follow\":true}}\n")
time.sleep(120)' &
	local cpid=$!
	record_pid "$cpid"
	pmc start log-flood.py --name flood --no-autorestart -- $n >/dev/null
	wait_until 60 'all_stopped flood'
	run -0 grep -c 'dropping a log follower' "$PMC_HOME/pmcd.log"
	run -0 check "$PMC_HOME/logs/flood-out.log"
	assert_eq "$output" "out i0 $n"
	run -0 check "$PMC_HOME/logs/flood-error.log"
	assert_eq "$output" "err i0 $n"
	run -0 timeout 10 pmc ping
	assert_contains "$output" '"msg":"pong"'
}
