#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Ecosystem files: start, stop, restart, reload and delete FILE with --only and
# --env, startOrRestart / startOrReload, `pmc ecosystem`, --update-env, a file
# with a bad app (nothing starts) and a JS file without node in PATH.

load helper

setup() {
	_e2e_setup
	mkdir -p "$APPS/eco/logs"
	cat >"$APPS/eco/process.json" <<-'EOF'
		{
		  "apps": [
		    { "name": "api", "script": "../sleeper.sh", "env": { "LEVEL": "dev", "PORT": 3000 },
		      "env_production": { "LEVEL": "prod" }, "out_file": "logs/api.out",
		      "kill_timeout": "1s", "colour": "blue" },
		    { "name": "jobs", "script": "../printenv.py", "args": "--queue 'a b'",
		      "env": { "LEVEL": "dev" }, "min_uptime": 500 }
		  ]
		}
	EOF
}

# The value of variable VAR in the environment of process PID.
proc_env() {
	tr '\0' '\n' <"/proc/$1/environ" | sed -n "s/^$2=//p"
}

@test "start FILE: every app, paths from the file's folder, fields passed on, unknown field warned" {
	cd /
	run -0 --separate-stderr pmc start "$APPS/eco/process.json"
	assert_contains "$output" "[pmc] Starting api"
	assert_contains "$output" "[pmc] Starting jobs"
	assert_contains "$stderr" "warning: process.json: app 'api': unknown field 'colour' (ignored)"
	assert_eq "$(names)" "api jobs"
	status_is api online
	status_is jobs online
	assert_eq "$(env_of api pm_cwd)" "$APPS/eco"
	assert_eq "$(env_of api pm_exec_path)" "$APPS/sleeper.sh"
	assert_eq "$(env_of api pm_out_log_path)" "$APPS/eco/logs/api.out"
	assert_eq "$(env_of api kill_timeout)" 1000
	assert_eq "$(env_of jobs min_uptime)" 500
	assert_eq "$(jl 'app("jobs")["pm2_env"]["args"]')" '["--queue", "a b"]'
	assert_eq "$(proc_env "$(pid_of api)" LEVEL)" dev
	assert_eq "$(proc_env "$(pid_of api)" PORT)" 3000
	wait_until 10 'grep -q "sleeper .* up" "$APPS/eco/logs/api.out"'
}

@test "start FILE --env production --only api: env_production over env, the other app untouched" {
	run -0 pmc start eco/process.json --env production --only api
	assert_eq "$(names)" api
	assert_eq "$(proc_env "$(pid_of api)" LEVEL)" prod
	# Flags given with the file override its fields.
	run -0 pmc start eco/process.json --only jobs --kill-timeout 2500 --name worker
	assert_eq "$(names)" "api worker"
	assert_eq "$(env_of worker kill_timeout)" 2500
	run -2 pmc start eco/process.json --name x
	assert_contains "$output" "--name: eco/process.json has 2 apps (pick one with --only)"
	run -1 pmc start eco/process.json --only nope
	assert_contains "$output" "--only: no app named 'nope' in the file"
}

@test "stop, restart, reload, delete FILE with --only act on the file's apps" {
	pmc start sleeper.sh --name other >/dev/null
	pmc start eco/process.json >/dev/null
	run -0 pmc stop eco/process.json --only jobs
	assert_contains "$output" "[pmc] Stopping jobs"
	status_is jobs stopped
	status_is api online
	run -0 pmc stop eco/process.json
	status_is api stopped
	status_is other online
	run -0 pmc restart eco/process.json
	status_is api online
	status_is jobs online
	assert_eq "$(restarts_of api)" 0
	local old
	old=$(pid_of api)
	run -0 pmc reload eco/process.json --only api
	assert_contains "$output" "[pmc] Reloading api"
	[ "$(pid_of api)" != "$old" ]
	status_is api online
	run -0 pmc delete eco/process.json --only api
	assert_eq "$(names)" "other jobs"
	run -0 pmc delete eco/process.json
	assert_eq "$(names)" other
	# Nothing of the file is known any more.
	run -1 --separate-stderr pmc stop eco/process.json
	assert_contains "$stderr" "none of its apps is known to pmc"
	status_is other online
}

@test "restart FILE takes the file's new env; startOrRestart and startOrReload count restarts" {
	run -0 pmc startOrRestart eco/process.json
	assert_eq "$(restarts_of api)" 0
	run -0 pmc startOrRestart eco/process.json
	assert_contains "$output" "[pmc] Restarting api"
	assert_eq "$(restarts_of api)" 1
	run -0 pmc startOrReload eco/process.json
	assert_contains "$output" "[pmc] Reloading api"
	assert_eq "$(restarts_of api)" 2
	status_is api online
	# Edit the file: restart FILE hands the apps the new variables (PM2 does too).
	sed -i 's/"LEVEL": "dev", "PORT": 3000/"LEVEL": "edited"/' eco/process.json
	run -0 pmc restart eco/process.json --only api
	assert_eq "$(proc_env "$(pid_of api)" LEVEL)" edited
	# Unlike PM2, a variable gone from the file is gone from the app.
	assert_eq "$(proc_env "$(pid_of api)" PORT)" ""
	# Another script for a known app is not applied, and said so.
	sed -i 's|"../sleeper.sh"|"../quiet.sh"|' eco/process.json
	run -0 --separate-stderr pmc restart eco/process.json --only api
	assert_contains "$stderr" "app 'api' runs $APPS/sleeper.sh, not $APPS/quiet.sh"
	assert_eq "$(env_of api pm_exec_path)" "$APPS/sleeper.sh"
	# An app the daemon does not know is started by startOrReload.
	pmc delete jobs >/dev/null
	run -0 pmc startOrReload eco/process.json
	assert_contains "$output" "[pmc] Starting jobs"
	status_is jobs online
	run -2 pmc startOrRestart sleeper.sh
	assert_contains "$output" "'sleeper.sh' is not an ecosystem file"
}

@test "restart/reload --update-env: the app takes the shell's environment, not without it" {
	FOO=one pmc start sleeper.sh --name s --env KEPT=yes >/dev/null
	assert_eq "$(proc_env "$(pid_of s)" FOO)" one
	FOO=two pmc restart s >/dev/null
	assert_eq "$(proc_env "$(pid_of s)" FOO)" one
	FOO=two pmc restart s --update-env >/dev/null
	assert_eq "$(proc_env "$(pid_of s)" FOO)" two
	# --env K=V given at start stays over the shell.
	FOO=two KEPT=no pmc restart s -a >/dev/null
	assert_eq "$(proc_env "$(pid_of s)" KEPT)" yes
	FOO=three pmc reload s >/dev/null
	assert_eq "$(proc_env "$(pid_of s)" FOO)" two
	FOO=three pmc reload s --update-env >/dev/null
	assert_eq "$(proc_env "$(pid_of s)" FOO)" three
	# The new environment was saved: after `pmc kill`, the next daemon has it.
	pmc kill >/dev/null
	run -0 env -u FOO pmc start s
	assert_eq "$(proc_env "$(pid_of s)" FOO)" three
	run -2 pmc restart s --env production
	assert_contains "$output" "a profile name needs an ecosystem file"
}

@test "a file with one bad app starts nothing; every error names its app and field" {
	cat >eco/bad.json <<-'EOF'
		{ "apps": [
		  { "name": "fine", "script": "../sleeper.sh" },
		  { "name": "broken", "script": "../sleeper.sh", "instances": "lots", "autorestart": "no" }
		] }
	EOF
	run -1 pmc start eco/bad.json
	assert_contains "$output" "bad.json: app 'broken': instances must be"
	assert_contains "$output" "bad.json: app 'broken': autorestart must be true or false"
	assert_eq "$(names)" ""
	# A script that does not exist is caught by the daemon's check, before any start.
	cat >eco/missing.json <<-'EOF'
		{ "apps": [
		  { "name": "fine", "script": "../sleeper.sh" },
		  { "name": "ghost", "script": "nowhere/ghost.js" }
		] }
	EOF
	run -1 pmc start eco/missing.json
	assert_contains "$output" "missing.json: app 'ghost':"
	assert_contains "$output" "nothing was started"
	assert_eq "$(names)" ""
	# Invalid JSON says where.
	echo '{"apps": [ { "script": "x.js", } ] }' >eco/invalid.json
	run -1 pmc start eco/invalid.json
	assert_contains "$output" "invalid.json: invalid JSON at line 1"
}

@test "ecosystem.config.js through node; pmc start alone uses it; no node in PATH is a clear error" {
	cat >eco/ecosystem.config.js <<-'EOF'
		const base = { script: '../sleeper.sh', kill_timeout: 1200 };
		module.exports = {
		  apps: [
		    { ...base, name: 'js-a', env: { FROM: 'js' } },
		    { ...base, name: 'js-b', instances: 2 },
		  ],
		};
	EOF
	cd eco
	run -0 pmc start
	assert_eq "$(names)" "js-a js-b js-b"
	assert_eq "$(proc_env "$(pid_of js-a)" FROM)" js
	assert_eq "$(env_of js-a kill_timeout)" 1200
	pmc kill >/dev/null
	# Only pmc itself on PATH: node cannot be found, and no daemon starts.
	mkdir "$E2E_WORK/nonode"
	ln -s "$PMC_BUILD_ROOT/cmd/pmc" "$E2E_WORK/nonode/pmc"
	run -1 env PATH="$E2E_WORK/nonode" pmc start ecosystem.config.js
	assert_contains "$output" "ecosystem.config.js: node is needed to read a JavaScript ecosystem file and is not in PATH"
	! daemon_pid
}

@test "pmc ecosystem / init writes a starter file and keeps an existing one without --force" {
	cd eco
	run -0 pmc ecosystem
	assert_contains "$output" "Wrote ecosystem.config.js"
	grep -q "module.exports" ecosystem.config.js
	grep -q "env_production" ecosystem.config.js
	echo "// mine" >ecosystem.config.js
	run -1 pmc init
	assert_contains "$output" "ecosystem.config.js already exists (add --force to overwrite it)"
	assert_eq "$(cat ecosystem.config.js)" "// mine"
	run -0 pmc init --force
	grep -q "module.exports" ecosystem.config.js
	# The JSON form, one app: pointed at a real script, it starts.
	run -0 pmc ecosystem simple apps.json
	sed -i 's|"app.js"|"../sleeper.sh"|' apps.json
	run -0 pmc start apps.json
	status_is app online
	run -2 pmc ecosystem notes.txt
	assert_contains "$output" "is not an ecosystem file name"
	# The generated JS file evaluates, and names apps that do not exist yet.
	run -1 pmc start ecosystem.config.js
	assert_contains "$output" "nothing was started"
}

# One JSON-RPC call on the daemon's socket; prints the response line.
rpc() {
	python3 -c 'import json, os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(os.path.join(os.environ["PMC_HOME"], "rpc.sock"))
s.sendall((json.dumps({"jsonrpc": "2.0", "id": 1, "method": sys.argv[1],
                       "params": json.loads(sys.argv[2])}) + "\n").encode())
buf = b""
while not buf.endswith(b"\n"):
    chunk = s.recv(65536)
    if not chunk:
        break
    buf += chunk
print(buf.decode().strip())' "$1" "$2"
}

@test "RPC: start check creates nothing; restart and reload refuse a bad env and change nothing" {
	pmc start sleeper.sh --name s >/dev/null
	local out pid
	out=$(rpc start "{\"check\": true, \"app\": {\"script\": \"sleeper.sh\", \"cwd\": \"$APPS\", \"name\": \"c\"}}")
	assert_eq "$(pyjson 'd["result"]["name"]' <<<"$out")" c
	assert_eq "$(pyjson 'd["result"]["interpreter"]' <<<"$out")" bash
	assert_eq "$(names)" s
	out=$(rpc start "{\"check\": true, \"app\": {\"script\": \"nope.js\", \"cwd\": \"$APPS\"}}")
	assert_contains "$(pyjson 'd["error"]["message"]' <<<"$out")" "nope.js"
	assert_eq "$(names)" s
	# literal: a script that is also an app's name is not that app.
	out=$(rpc start "{\"literal\": true, \"app\": {\"script\": \"s\", \"cwd\": \"$APPS\", \"name\": \"t\"}}")
	assert_contains "$out" '"error"'
	assert_eq "$(restarts_of s)" 0
	pid=$(pid_of s)
	for method in restart reload; do
		out=$(rpc "$method" '{"targets": ["s"], "env": {"A": null}}')
		assert_eq "$(pyjson 'd["error"]["code"]' <<<"$out")" -32602
		out=$(rpc "$method" '{"targets": ["s"], "env_inherit": []}')
		assert_eq "$(pyjson 'd["error"]["code"]' <<<"$out")" -32602
	done
	assert_eq "$(pid_of s)" "$pid"
	out=$(rpc restart '{"targets": ["s"], "env": {"N": 7, "B": true}}')
	assert_contains "$out" '"result"'
	assert_eq "$(proc_env "$(pid_of s)" N)" 7
	assert_eq "$(proc_env "$(pid_of s)" B)" true
}
