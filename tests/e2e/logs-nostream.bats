#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# logs --nostream: the last N lines of each app's out and error logs, prefixed.

load helper

# sections 'EXPR' < logs output: s maps each `==> PATH <==` to its non-empty lines.
sections() {
	PMC_E2E_EXPR="$1" python3 -c '
import json, os, re, sys
s, cur = {}, None
for l in sys.stdin.read().splitlines():
    m = re.fullmatch(r"==> (.*) <==", l)
    if m:
        cur = s.setdefault(m.group(1), [])
    elif cur is not None and l.strip():
        cur.append(l)
r = eval(os.environ["PMC_E2E_EXPR"])
print(r if isinstance(r, str) else json.dumps(r))'
}

# "PREFIXout A" .. "PREFIXout B" as a JSON list.
seq_json() {
	python3 -c 'import json, sys
p, w, a, b = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
print(json.dumps(["%s%s %d" % (p, w, i) for i in range(a, b + 1)]))' "$@"
}

setup() {
	_e2e_setup
	pmc start chatty.sh -- 20 >/dev/null
	OUT="$PMC_HOME/logs/chatty-out.log"
	ERR="$PMC_HOME/logs/chatty-error.log"
	wait_until 10 'grep -qx "out 20" "$OUT" 2>/dev/null && grep -qx "err 20" "$ERR" 2>/dev/null'
}

@test "--lines 5 --nostream: the last 5 lines of out and error, prefixed ID|NAME|" {
	run -0 pmc logs chatty --lines 5 --nostream
	assert_eq "$(sections 'sorted(s)' <<<"$output")" "[\"$ERR\", \"$OUT\"]"
	assert_eq "$(sections "s['$OUT']" <<<"$output")" "$(seq_json '0|chatty | ' out 16 20)"
	assert_eq "$(sections "s['$ERR']" <<<"$output")" "$(seq_json '0|chatty | ' err 16 20)"
}

@test "the default is 15 lines; a pm_id works as target" {
	run -0 pmc logs 0 --nostream
	assert_eq "$(sections "s['$OUT']" <<<"$output")" "$(seq_json '0|chatty | ' out 6 20)"
	assert_eq "$(sections "s['$ERR']" <<<"$output")" "$(seq_json '0|chatty | ' err 6 20)"
}

@test "--raw drops the prefix; --out and --err pick one file" {
	run -0 pmc logs chatty --lines 3 --nostream --raw
	assert_eq "$(sections "s['$OUT']" <<<"$output")" "$(seq_json '' out 18 20)"
	run -0 pmc logs chatty --lines 2 --nostream --out
	assert_eq "$(sections 'sorted(s)' <<<"$output")" "[\"$OUT\"]"
	assert_eq "$(sections "s['$OUT']" <<<"$output")" "$(seq_json '0|chatty | ' out 19 20)"
	run -0 pmc logs chatty --lines 2 --nostream --err
	assert_eq "$(sections 'sorted(s)' <<<"$output")" "[\"$ERR\"]"
	assert_eq "$(sections "s['$ERR']" <<<"$output")" "$(seq_json '0|chatty | ' err 19 20)"
}

@test "more lines asked than written gives them all" {
	run -0 pmc logs chatty --lines 1000 --nostream
	assert_eq "$(sections "s['$OUT']" <<<"$output")" "$(seq_json '0|chatty | ' out 1 20)"
}

@test "an app with no output says so" {
	pmc start quiet.sh >/dev/null
	run -0 pmc logs quiet --nostream
	assert_contains "$output" "(no output yet in $PMC_HOME/logs/quiet-out.log)"
	assert_contains "$output" "(no output yet in $PMC_HOME/logs/quiet-error.log)"
	assert_not_contains "$output" "out 20"
}

@test "without a target: every app's logs" {
	pmc start sleeper.sh >/dev/null
	wait_until 10 'grep -q "sleeper .* up" "$PMC_HOME/logs/sleeper-out.log" 2>/dev/null'
	run -0 pmc logs --nostream --lines 1
	assert_eq "$(sections "s['$OUT']" <<<"$output")" '["0|chatty  | out 20"]'
	assert_eq "$(sections "s['$PMC_HOME/logs/sleeper-out.log'][0].split(' ')[0]" <<<"$output")" "1|sleeper"
}

@test "logs of an unknown app: exit 1; a bad --lines: exit 2" {
	run -1 pmc logs chaty --nostream
	assert_contains "$output" "did you mean 'chatty'"
	run -2 pmc logs chatty --lines abc --nostream
}
