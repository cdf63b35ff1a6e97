#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# save and resurrect: snapshots in the store and in PM2-style dump files, across
# `pmc kill` and a fresh home; stopped apps stay stopped; names, --list, --force;
# bad input; pmcd --resurrect.

load helper

@test "save, kill, resurrect: online apps come back, stopped ones stay stopped, running ones are left alone" {
	pmc start sleeper.sh --name api --kill-timeout 700ms -- --x 1 >/dev/null
	pmc start quiet.sh --name jobs >/dev/null
	pmc stop jobs >/dev/null
	run -0 pmc save
	assert_contains "$output" "[pmc] Saved 2 apps as 'default'"
	assert_contains "$output" "$PMC_HOME/dump.pmc.json"
	# The dump file: the user's own, 0600, an array in PM2's dump shape.
	assert_eq "$(stat -c %a "$PMC_HOME/dump.pmc.json")" 600
	assert_eq "$(pyjson '[[a["name"], a["status"], a["exec_mode"], a["instances"], a["args"],
		a["pm_exec_path"], a["kill_timeout"]] for a in d]' <"$PMC_HOME/dump.pmc.json")" \
		"[[\"api\", \"online\", \"fork\", 1, [\"--x\", \"1\"], \"$APPS/sleeper.sh\", 700], [\"jobs\", \"stopped\", \"fork\", 1, [], \"$APPS/quiet.sh\", 1600]]"
	local dpid
	dpid=$(daemon_pid)
	run -0 pmc kill
	dead "$dpid"
	run -0 pmc resurrect
	assert_contains "$output" "[pmc] Resurrected: api"
	assert_contains "$output" "[pmc] Already present, left alone: jobs"
	status_is api online
	status_is jobs stopped
	assert_eq "$(jl 'app("api")["pm2_env"]["args"]')" '["--x", "1"]'
	local p
	p=$(pid_of api)
	alive "$p"
	# Again: everything is present; the running app keeps its process.
	run -0 pmc resurrect --json
	assert_eq "$(pyjson '[d["resurrected"], d["present"], d["failed"], d["source"]]' <<<"$output")" \
		'[[], ["api", "jobs"], [], "store"]'
	assert_eq "$(pid_of api)" "$p"
	assert_eq "$(names)" "api jobs"
}

@test "a fresh home: resurrect reads the dump file, with definitions and states" {
	pmc start sleeper.sh --name api --env GREETING=hi -i 2 --exec-mode fork >/dev/null
	pmc start quiet.sh --name jobs >/dev/null
	pmc stop jobs >/dev/null
	pmc save >/dev/null
	pmc kill >/dev/null
	# A new machine: only the dump file is carried over.
	local home2
	home2=$(mktemp -d /tmp/pmc-e2e.XXXXXX)
	register_home "$home2"
	cp "$PMC_HOME/dump.pmc.json" "$home2/"
	export PMC_HOME=$home2
	run -0 pmc resurrect --json
	assert_eq "$(pyjson '[d["resurrected"], d["source"]]' <<<"$output")" '[["api", "jobs"], "file"]'
	assert_eq "$(jl '[[p["name"], p["pm2_env"]["status"]] for p in d]')" \
		'[["api", "online"], ["api", "online"], ["jobs", "stopped"]]'
	assert_eq "$(jl 'app("api")["pm2_env"]["env_keys"]')" '["GREETING"]'
	# The same home with its database removed works the same way.
	pmc kill >/dev/null
	rm -f "$PMC_HOME"/pmc.db*
	run -0 pmc resurrect
	assert_contains "$output" "[pmc] Resurrected: api, jobs"
	status_is api online
	status_is jobs stopped
}

@test "an empty list needs --force; named snapshots; --list; unknown names list the saved ones" {
	run -1 pmc save
	assert_contains "$output" "no apps to save"
	assert_contains "$output" "--force"
	run -0 pmc save --list
	assert_contains "$output" "No snapshots saved yet"
	run -1 pmc resurrect
	assert_contains "$output" "no snapshot named 'default': nothing was saved yet (run 'pmc save')"
	run -0 pmc save --force
	assert_contains "$output" "Saved 0 apps as 'default'"
	pmc start sleeper.sh --name web >/dev/null
	run -0 pmc save web-1.0
	assert_contains "$output" "$PMC_HOME/dump-web-1.0.pmc.json"
	run -0 pmc save --list --json
	assert_eq "$(pyjson '[[s["name"], s["apps"]] for s in d]' <<<"$output")" '[["default", 0], ["web-1.0", 1]]'
	run -0 pmc save --list
	assert_contains "$output" "web-1.0"
	# The empty default snapshot brings nothing back; the named one does.
	pmc delete web >/dev/null
	run -0 pmc resurrect
	assert_contains "$output" "Nothing to resurrect"
	run -0 pmc resurrect web-1.0
	assert_contains "$output" "Resurrected: web"
	status_is web online
	run -1 pmc resurrect nope
	assert_contains "$output" "no snapshot named 'nope' (saved: default, web-1.0)"
	# A refused save leaves the earlier snapshot as it was.
	pmc delete web >/dev/null
	run -1 pmc save web-1.0
	run -0 pmc save --list --json
	assert_eq "$(pyjson '[[s["name"], s["apps"]] for s in d]' <<<"$output")" '[["default", 0], ["web-1.0", 1]]'
	# Bad input is a usage error, before the daemon is asked.
	run -2 pmc save ../etc
	assert_contains "$output" "invalid snapshot name '../etc'"
	run -2 pmc save a --list
	run -2 pmc resurrect .hidden
	run -2 pmc save a b
}

@test "resurrect reports an app that cannot come back and still starts the others" {
	cp sleeper.sh "$E2E_WORK/gone.sh"
	pmc start "$E2E_WORK/gone.sh" --name gone >/dev/null
	pmc start sleeper.sh --name api >/dev/null
	pmc save >/dev/null
	pmc kill >/dev/null
	rm -f "$PMC_HOME"/pmc.db* "$E2E_WORK/gone.sh"
	run -1 pmc resurrect
	assert_contains "$output" "Resurrected: api"
	assert_contains "$output" "pmc: gone: script not found: $E2E_WORK/gone.sh"
	status_is api online
	assert_eq "$(names)" api
}

@test "a malformed dump file or snapshot entry is a clear error" {
	printf '{"not": "an array"}' >"$PMC_HOME/dump.pmc.json"
	run -1 pmc resurrect
	assert_contains "$output" "$PMC_HOME/dump.pmc.json is not a dump file (expected a JSON array of apps)"
	printf '[{"name": "ok", "script": "%s"}, {"name": "../x"}, 7, {"name": "bad", "script": "%s", "instances": "many"}]' \
		"$APPS/sleeper.sh" "$APPS/sleeper.sh" >"$PMC_HOME/dump-mixed.pmc.json"
	run -1 pmc resurrect mixed --json
	assert_eq "$(pyjson '[d["resurrected"], [f["name"] for f in d["failed"]]]' <<<"${lines[0]}")" \
		'[["ok"], ["../x", "?", "bad"]]'
	assert_contains "$output" "pmc: bad: instances"
	# An entry without a status (PM2 writes one; a hand-written file may not) runs.
	status_is ok online
	ln -s /etc/passwd "$PMC_HOME/dump-link.pmc.json"
	run -1 pmc resurrect link
	assert_contains "$output" "cannot read $PMC_HOME/dump-link.pmc.json"
}

@test "pmcd --resurrect brings back the default snapshot when it starts" {
	pmc start sleeper.sh --name api >/dev/null
	pmc start quiet.sh --name jobs >/dev/null
	pmc stop jobs >/dev/null
	pmc save >/dev/null
	pmc kill >/dev/null
	pmcd --foreground --resurrect 2>"$E2E_WORK/pmcd.err" &
	record_pid $!
	wait_until 10 '[ -S "$PMC_HOME/rpc.sock" ] && status_is api online'
	status_is jobs stopped
	assert_eq "$(daemon_pid)" "$!"
	# A database backup was written at start, and is a plain SQLite file.
	[ -s "$PMC_HOME/pmc.db.bak" ]
	assert_eq "$(stat -c %a "$PMC_HOME/pmc.db.bak")" 600
}

@test "save and resurrect check their params over RPC" {
	run -0 pmc ping
	run -0 python3 - "$PMC_HOME/rpc.sock" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rwb")
def call(i, method, params):
    f.write(json.dumps({"jsonrpc": "2.0", "id": i, "method": method, "params": params}).encode() + b"\n")
    f.flush()
    return json.loads(f.readline())
cases = [
    ("save", {"name": 5}, -32602),
    ("save", {"force": "yes"}, -32602),
    ("save", {"list": 1}, -32602),
    ("save", {"name": "../x", "force": True}, -32002),
    ("save", {"name": ""}, -32002),
    ("resurrect", {"name": ["default"]}, -32602),
    ("resurrect", {"name": "a/b"}, -32002),
    ("resurrect", {"name": "nothing-here"}, -32001),
]
for i, (method, params, code) in enumerate(cases):
    r = call(i, method, params)
    assert r.get("error", {}).get("code") == code, (method, params, r)
r = call(99, "save", {"name": "empty", "force": True})
assert r["result"]["apps"] == 0 and r["result"]["name"] == "empty", r
r = call(100, "resurrect", {"name": "empty"})
assert r["result"]["resurrected"] == [] and r["result"]["ids"] == [], r
print("ok")
PY
	assert_eq "$output" ok
	# The daemon is still fine.
	run -0 pmc ping
}
