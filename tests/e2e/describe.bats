#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# describe: the key/value box of settings, counters and log paths, and the last restarts.

load helper

# kv 'EXPR' < describe output: kv maps each label of the key/value box(es) to its
# value (first occurrence); tables maps to every row with more than two cells.
kv() {
	PMC_E2E_EXPR="$1" python3 -c '
import json, os, sys
kv, tables = {}, []
for l in sys.stdin.read().splitlines():
    if not l.startswith("│"):
        continue
    cells = [c.strip() for c in l.strip().strip("│").split("│")]
    if len(cells) == 2:
        kv.setdefault(cells[0], cells[1])
    else:
        tables.append(cells)
r = eval(os.environ["PMC_E2E_EXPR"])
print(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False))'
}

LABELS=(status name namespace restarts "unstable restarts" uptime "script path"
	"script args" interpreter "interpreter args" "exec cwd" "exec mode" pid "kill timeout"
	"kill signal" autorestart "min uptime" "max restarts" "restart delay" "exp backoff delay"
	"stop exit codes" "out log path" "error log path" "created at" "last exit" "last error"
	"env keys")

@test "describe shows every setting, counter and log path" {
	pmc start sleeper.sh --name api --env SECRET=x --kill-timeout 2s --max-restarts 5 \
		--stop-exit-codes 3 -- --flag value >/dev/null
	pmc restart api >/dev/null
	run -0 pmc describe api
	local label
	for label in "${LABELS[@]}"; do
		assert_eq "$(kv "\"$label\" in kv" <<<"$output")" true "label '$label'"
	done
	assert_eq "$(kv 'kv["status"]' <<<"$output")" online
	assert_eq "$(kv 'kv["name"]' <<<"$output")" api
	assert_eq "$(kv 'kv["namespace"]' <<<"$output")" default
	assert_eq "$(kv 'kv["restarts"]' <<<"$output")" 1
	assert_eq "$(kv 'kv["unstable restarts"]' <<<"$output")" 0
	assert_eq "$(kv 'kv["script path"]' <<<"$output")" "$APPS/sleeper.sh"
	assert_contains "$(kv 'kv["script args"]' <<<"$output")" "--flag value"
	assert_eq "$(kv 'kv["interpreter"]' <<<"$output")" bash
	assert_eq "$(kv 'kv["exec cwd"]' <<<"$output")" "$APPS"
	assert_eq "$(kv 'kv["exec mode"]' <<<"$output")" fork_mode
	assert_eq "$(kv 'kv["pid"]' <<<"$output")" "$(pid_of api)"
	assert_eq "$(kv 'kv["kill signal"]' <<<"$output")" SIGINT
	assert_contains "$(kv 'kv["max restarts"]' <<<"$output")" 5
	assert_contains "$(kv 'kv["stop exit codes"]' <<<"$output")" 3
	assert_eq "$(kv 'kv["out log path"]' <<<"$output")" "$PMC_HOME/logs/api-out.log"
	assert_eq "$(kv 'kv["error log path"]' <<<"$output")" "$PMC_HOME/logs/api-error.log"
	assert_contains "$(kv 'kv["env keys"]' <<<"$output")" SECRET
	[[ "$(kv 'kv["created at"]' <<<"$output")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2} ]]
	[[ "$(kv 'kv["kill timeout"]' <<<"$output")" =~ ^(2000|2000 ?ms|2s|2\.0s)$ ]]
}

@test "show, info and desc are aliases; a pm_id works as target" {
	pmc start sleeper.sh >/dev/null
	local alias
	for alias in show info desc; do
		run -0 pmc "$alias" sleeper
		assert_eq "$(kv 'kv["name"]' <<<"$output")" sleeper
		assert_eq "$(kv 'kv["status"]' <<<"$output")" online
	done
	run -0 pmc describe 0
	assert_eq "$(kv 'kv["name"]' <<<"$output")" sleeper
}

@test "describe of a crash loop: last exit, errored, and the last restarts with codes" {
	pmc start crash.sh --name boom --max-restarts 3 -- 7 >/dev/null
	wait_until 20 'status_is boom errored'
	run -0 pmc describe boom
	assert_eq "$(kv 'kv["status"]' <<<"$output")" errored
	assert_eq "$(kv 'kv["restarts"]' <<<"$output")" "$(restarts_of boom)"
	assert_contains "$(kv 'kv["last exit"]' <<<"$output")" 7
	assert_contains "$output" "Last restarts"
	# Rows of the restarts table: time, pm_id, pid, kind, exit, run time, reason.
	assert_eq "$(kv 'len([t for t in tables if "exit" in t and any(c in ("7", "code 7") for c in t)]) >= 3' <<<"$output")" true
	assert_eq "$(kv 'any("errored" in t for t in tables)' <<<"$output")" true
}

@test "describe shows a death by signal" {
	pmc start crash.sh --name killed --no-autorestart -- KILL >/dev/null
	wait_until 10 'status_is killed stopped'
	run -0 pmc describe killed
	assert_contains "$(kv 'kv["last exit"]' <<<"$output")" SIGKILL
	assert_eq "$(kv 'any("SIGKILL" in " ".join(t) for t in tables)' <<<"$output")" true
}

@test "describe --json: processes and at most the last 10 events" {
	pmc start crash.sh --name boom --max-restarts 8 -- 7 >/dev/null
	wait_until 20 'status_is boom errored'
	run -0 pmc describe boom --json
	assert_eq "$(pyjson '[p["name"] for p in d["processes"]]' <<<"$output")" '["boom"]'
	assert_eq "$(pyjson 'd["processes"][0]["pm2_env"]["status"]' <<<"$output")" errored
	assert_eq "$(pyjson 'len(d["events"])' <<<"$output")" 10
	assert_eq "$(pyjson 'sorted(set(e["app"] for e in d["events"]))' <<<"$output")" '["boom"]'
	assert_eq "$(pyjson 'any(e["kind"] == "exit" and e["exit_code"] == 7 for e in d["events"])' <<<"$output")" true
	assert_eq "$(pyjson 'max(d["events"], key=lambda e: e["id"])["kind"]' <<<"$output")" errored
	# They are the app's 10 newest events.
	local ids
	ids=$(pyjson 'sorted(e["id"] for e in d["events"])' <<<"$output")
	assert_eq "$(history_json boom --limit 10000 | pyjson 'sorted(e["id"] for e in d)[-10:]')" "$ids"
}

@test "describe: unknown target exits 1, no target exits 2" {
	pmc start sleeper.sh >/dev/null
	run -1 --separate-stderr pmc describe sleepr
	assert_eq "$stderr" "pmc: no app named 'sleepr' (did you mean 'sleeper'?)"
	run -2 pmc describe
	run -2 pmc describe a b
}
