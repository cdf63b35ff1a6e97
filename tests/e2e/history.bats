#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# history [TARGET] [--limit N] [--json]: every start, exit, restart and stop, with
# exit codes, signals, run times and reasons, oldest first.

load helper

@test "a crash loop: each exit with its code, a reason and a run time; oldest first" {
	pmc start crash.sh --name boom --max-restarts 3 -- 7 >/dev/null
	wait_until 20 'status_is boom errored'
	local ev restarts
	restarts=$(restarts_of boom)
	ev=$(history_json boom)
	PMC_E2E_RESTARTS=$restarts run -0 python3 -c '
import json, os, sys
ev = json.loads(sys.stdin.read())
restarts = int(os.environ["PMC_E2E_RESTARTS"])
errors = []
keys = {"id", "at", "app", "pm_id", "pid", "kind", "exit_code", "signal", "runtime_ms", "reason"}
for e in ev:
    if not keys <= set(e):
        errors.append("missing keys %s in %r" % (keys - set(e), e))
ids = [e["id"] for e in ev]
if ids != sorted(ids) or len(set(ids)) != len(ids):
    errors.append("ids not ascending: %r" % ids)
ats = [e["at"] for e in ev]
if ats != sorted(ats):
    errors.append("times not ascending: %r" % ats)
if {e["app"] for e in ev} != {"boom"} or {e["pm_id"] for e in ev} != {0}:
    errors.append("other apps or ids: %r" % ev)
kinds = [e["kind"] for e in ev]
if kinds[0] != "start":
    errors.append("first event is %r" % kinds[0])
if kinds[-1] != "errored":
    errors.append("last event is %r" % kinds[-1])
exits = [e for e in ev if e["kind"] == "exit"]
if len(exits) != restarts + 1:
    errors.append("%d exits for %d restarts" % (len(exits), restarts))
for e in exits:
    if e["exit_code"] != 7 or e["signal"] is not None:
        errors.append("exit code/signal %r" % e)
    if not (isinstance(e["runtime_ms"], int) and e["runtime_ms"] >= 0):
        errors.append("runtime %r" % e)
    if not (isinstance(e["reason"], str) and e["reason"]):
        errors.append("no reason: %r" % e)
    if not (isinstance(e["pid"], int) and e["pid"] > 0):
        errors.append("no pid: %r" % e)
if len({e["pid"] for e in exits}) != len(exits):
    errors.append("every run has its own pid: %r" % exits)
print("\n".join(errors) or "ok")
' <<<"$ev"
	assert_eq "$output" ok
}

@test "a death by signal is recorded with the signal name and no exit code" {
	pmc start crash.sh --name killed --no-autorestart -- KILL >/dev/null
	wait_until 10 'status_is killed stopped'
	assert_eq "$(history_json killed | pyjson '[(e["exit_code"], e["signal"]) for e in d if e["kind"] == "exit"]')" '[[null, "SIGKILL"]]'
	assert_eq "$(env_of killed exit_signal)" SIGKILL
	assert_eq "$(jl 'app("killed")["pm2_env"]["exit_code"]')" null
}

@test "a stop by the user is recorded: the exit by SIGINT, with a reason saying so" {
	pmc start sleeper.sh >/dev/null
	local pid
	pid=$(pid_of sleeper)
	pmc stop sleeper >/dev/null
	local ev
	ev=$(history_json sleeper)
	assert_eq "$(pyjson '[e["kind"] for e in d]' <<<"$ev")" '["start", "exit"]'
	assert_eq "$(pyjson '[(e["pid"], e["exit_code"], e["signal"]) for e in d if e["kind"] == "exit"]' <<<"$ev")" "[[$pid, null, \"SIGINT\"]]"
	assert_contains "$(pyjson '[e["reason"] for e in d if e["kind"] == "exit"][0]' <<<"$ev")" "user"
	assert_eq "$(env_of sleeper exit_signal)" SIGINT
	# Stopping a pending restart is a "stop" of its own.
	pmc start crash.sh --name later --restart-delay 1m >/dev/null
	wait_until 10 'status_is later "waiting restart"'
	pmc stop later >/dev/null
	assert_eq "$(history_json later | pyjson '[e["kind"] for e in d][-1]')" stop
}

@test "--limit N gives the N newest events, oldest first; the table has N rows" {
	pmc start sleeper.sh >/dev/null
	pmc restart sleeper >/dev/null
	pmc restart sleeper >/dev/null
	pmc stop sleeper >/dev/null
	local all
	all=$(history_json)
	[ "$(pyjson 'len(d)' <<<"$all")" -ge 5 ]
	assert_eq "$(history_json --limit 3 | pyjson '[e["id"] for e in d]')" "$(pyjson '[e["id"] for e in d][-3:]' <<<"$all")"
	assert_eq "$(history_json sleeper --limit 1 | pyjson 'len(d)')" 1
	run -0 pmc history --limit 2
	assert_eq "$(grep -c '^│' <<<"$output")" 3
	run -2 pmc history --limit abc
	run -2 pmc history --limit
}

@test "the history table has its columns" {
	pmc start crash.sh --name boom --no-autorestart -- 7 >/dev/null
	wait_until 10 'status_is boom stopped'
	run -0 pmc history
	local header
	header=$(grep -m1 '^│' <<<"$output" | tr -s ' ' | sed 's/^│ //; s/ │$//')
	assert_eq "$header" "time │ app │ id │ pid │ event │ exit │ signal │ ran │ reason"
	assert_contains "$output" boom
	[[ "$output" =~ │\ *exit\ *│\ *7\ *│ ]]
}

@test "a target filters by app; a deleted app's history is kept, reset is recorded" {
	pmc start sleeper.sh --name a >/dev/null
	pmc start sleeper.sh --name b >/dev/null
	pmc reset b >/dev/null
	assert_eq "$(history_json a | pyjson 'sorted(set(e["app"] for e in d))')" '["a"]'
	assert_eq "$(history_json 1 | pyjson 'sorted(set(e["app"] for e in d))')" '["b"]'
	assert_eq "$(history_json b | pyjson '[e["kind"] for e in d][-1]')" reset
	pmc delete a >/dev/null
	local ev
	ev=$(history_json)
	assert_eq "$(pyjson '[e["kind"] for e in d if e["app"] == "a"][-1]' <<<"$ev")" delete
	assert_eq "$(pyjson '[e["kind"] for e in d if e["app"] == "a"][0]' <<<"$ev")" start
}
