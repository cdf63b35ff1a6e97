#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# jlist: one JSON line in PM2's shape, exact defaults, and never an env value.

load helper

@test "jlist with no apps is [] on one line" {
	run -0 --separate-stderr pmc jlist
	assert_eq "$output" "[]"
	assert_eq "$stderr" ""
}

@test "jlist has PM2's keys, types and default values" {
	local before after
	before=$(now_ms)
	pmc start sleeper.sh >/dev/null
	after=$(now_ms)
	run -0 pmc jlist
	assert_eq "${#lines[@]}" 1
	PMC_E2E_BEFORE=$before PMC_E2E_AFTER=$after PMC_E2E_APPS=$APPS run -0 python3 -c '
import json, os, sys
d = json.loads(sys.stdin.read())
home, apps = os.environ["PMC_HOME"], os.environ["PMC_E2E_APPS"]
before, after = int(os.environ["PMC_E2E_BEFORE"]), int(os.environ["PMC_E2E_AFTER"])
errors = []
def eq(what, got, want):
    if got != want or type(got) != type(want):
        errors.append("%s: got %r, want %r" % (what, got, want))
assert isinstance(d, list) and len(d) == 1, d
p = d[0]
for k in ("pid", "name", "pm_id", "monit", "pm2_env"):
    if k not in p:
        errors.append("missing top-level key " + k)
eq("name", p["name"], "sleeper")
eq("pm_id", p["pm_id"], 0)
if not (isinstance(p["pid"], int) and p["pid"] > 0):
    errors.append("pid %r" % p["pid"])
eq("monit keys", sorted(p["monit"]), ["cpu", "memory"])
if not isinstance(p["monit"]["memory"], int):
    errors.append("monit.memory not an int: %r" % p["monit"]["memory"])
if not isinstance(p["monit"]["cpu"], (int, float)):
    errors.append("monit.cpu not a number: %r" % p["monit"]["cpu"])
e = p["pm2_env"]
want = {
    "name": "sleeper", "namespace": "default", "status": "online", "restart_time": 0,
    "unstable_restarts": 0, "exec_mode": "fork_mode", "instances": 1,
    "pm_exec_path": apps + "/sleeper.sh", "pm_cwd": apps, "exec_interpreter": "bash",
    "args": [], "interpreter_args": [], "exit_code": None, "exit_signal": None,
    "pm_out_log_path": home + "/logs/sleeper-out.log",
    "pm_err_log_path": home + "/logs/sleeper-error.log",
    "pm_id": 0, "NODE_APP_INSTANCE": 0, "autorestart": True, "min_uptime": 1000,
    "max_restarts": 16, "restart_delay": 0, "exp_backoff_restart_delay": 0,
    "prev_restart_delay": 0, "kill_timeout": 1600, "kill_signal": "SIGINT",
    "stop_exit_codes": [], "username": "root" if os.getuid() == 0 else os.environ.get("USER"),
    "env_keys": [], "last_error": None,
}
for k, v in want.items():
    if k not in e:
        errors.append("missing pm2_env key " + k)
    else:
        eq(k, e[k], v)
for k in ("merge_logs",):
    if not isinstance(e.get(k), bool):
        errors.append("%s not a bool: %r" % (k, e.get(k)))
for k in ("pm_uptime", "created_at"):
    if not (isinstance(e.get(k), int) and before - 1000 <= e[k] <= after + 1000):
        errors.append("%s %r not within the start call [%d, %d]" % (k, e.get(k), before, after))
for k in ("env", "unique_id", "env_inherit"):
    if k in e or k in p:
        errors.append("unexpected key " + k)
print("\n".join(errors) or "ok")
' <<<"$output"
	assert_eq "$output" ok
}

@test "monit.memory is the RSS of an online app, 0 when stopped" {
	pmc start sleeper.sh >/dev/null
	wait_until 10 '[ "$(jl "d[0][\"monit\"][\"memory\"]")" -gt 0 ]'
	pmc stop sleeper >/dev/null
	assert_eq "$(jl 'd[0]["monit"]["memory"] == 0 and d[0]["monit"]["cpu"] == 0')" true
	assert_eq "$(jl 'd[0]["pid"]')" 0
}

@test "entries are sorted by pm_id and pm_id matches pm2_env.pm_id" {
	pmc start sleeper.sh --name c >/dev/null
	pmc start sleeper.sh --name a >/dev/null
	pmc start sleeper.sh --name b >/dev/null
	assert_eq "$(jl '[(p["pm_id"], p["pm2_env"]["pm_id"], p["name"]) for p in d]')" '[[0, 0, "c"], [1, 1, "a"], [2, 2, "b"]]'
}

@test "env values never appear in ls, jlist, describe or history; env_keys has the names" {
	export E2E_INHERITED_SECRET=inherited-sekrit
	run -0 pmc start printenv.py --env SECRET=hunter2 --env TOKEN=s3cr3t-t0ken
	assert_not_contains "$output" hunter2
	wait_until 10 'log_has printenv hunter2'
	local cmd
	for cmd in "ls" "jlist" "ls --json" "describe printenv" "describe printenv --json" \
		"describe 0" "history" "history --json" "start printenv --json"; do
		run -0 pmc $cmd
		assert_not_contains "$output" hunter2
		assert_not_contains "$output" s3cr3t-t0ken
		assert_not_contains "$output" inherited-sekrit
	done
	assert_eq "$(jl '[k for k in ("SECRET", "TOKEN") if k in app("printenv")["pm2_env"]["env_keys"]]')" '["SECRET", "TOKEN"]'
	run -0 pmc describe printenv
	assert_contains "$output" SECRET
	# The app itself did get the values.
	assert_eq "$(log_json printenv 'd["env"]["SECRET"]')" hunter2
	assert_eq "$(log_json printenv 'd["env"]["E2E_INHERITED_SECRET"]')" inherited-sekrit
}
