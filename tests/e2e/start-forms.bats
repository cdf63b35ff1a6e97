#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The ways to start an app: by extension, shebang, executable, command string,
# interpreter overrides, every flag, and PM2's "smart start" rules.

load helper

@test "start app.js: node by extension, served on its port, announced then tabled" {
	local port
	port=$(free_port)
	run -0 pmc start hello.js --env PORT="$port"
	assert_eq "${lines[0]}" "[pmc] Starting $APPS/hello.js in fork_mode (1 instance)"
	# The ls table follows, with the new app online.
	assert_contains "$output" "┌"
	assert_contains "$output" "└"
	[[ "$output" =~ │\ *0\ *│\ *hello\ *│.*online ]]
	assert_eq "$(names)" hello
	assert_eq "$(env_of hello exec_interpreter)" node
	assert_eq "$(env_of hello pm_exec_path)" "$APPS/hello.js"
	assert_eq "$(env_of hello pm_cwd)" "$APPS"
	assert_eq "$(status_of hello)" online
	wait_until 10 'http_get "$port" >/dev/null'
	assert_eq "$(http_get "$port")" "hello from hello"
	assert_eq "$(readlink "/proc/$(pid_of hello)/exe")" "$(readlink -f "$(command -v node)")"
}

@test "start server.py --name api -- --port N: python3, the app sees --port N" {
	local port
	port=$(free_port)
	run -0 pmc start server.py --name api -- --port "$port"
	assert_eq "$(names)" api
	assert_eq "$(env_of api exec_interpreter)" python3
	assert_eq "$(jl 'app("api")["pm2_env"]["args"]')" "[\"--port\", \"$port\"]"
	wait_until 10 'http_get "$port" >/dev/null'
	assert_eq "$(http_get "$port")" "{\"argv\": [\"--port\", \"$port\"]}"
	wait_until 10 'log_has api "--port"'
	assert_eq "$(log_json api 'd["argv"]')" "[\"--port\", \"$port\"]"
}

@test "start ./bin/worker: an executable runs directly with its args" {
	run -0 pmc start ./bin/worker -- a 'b c'
	assert_eq "$(names)" worker
	assert_eq "$(env_of worker pm_exec_path)" "$APPS/bin/worker"
	assert_eq "$(jl 'app("worker")["pm2_env"]["args"]')" '["a", "b c"]'
	wait_until 10 'log_has worker "worker args: a b c"'
	status_is worker online
}

@test "start a compiled binary by path: exec_interpreter none" {
	cp "$(command -v sleep)" bin/snooze
	run -0 pmc start ./bin/snooze -- 1000
	assert_eq "$(env_of snooze exec_interpreter)" none
	assert_eq "$(readlink "/proc/$(pid_of snooze)/exe")" "$APPS/bin/snooze"
	assert_eq "$(tr '\0' ' ' <"/proc/$(pid_of snooze)/cmdline")" "$APPS/bin/snooze 1000 "
}

@test "start a bare command name found in PATH" {
	run -0 pmc start sleep --name nap -- 1000
	status_is nap online
	assert_eq "$(readlink "/proc/$(pid_of nap)/exe")" "$(readlink -f "$(command -v sleep)")"
}

@test "start \"python3 -m http.server PORT\" --name static: a command string" {
	local port
	port=$(free_port)
	run -0 pmc start "python3 -m http.server $port --bind 127.0.0.1" --name static
	assert_eq "$(names)" static
	status_is static online
	wait_until 15 'http_get "$port" >/dev/null'
	run -0 http_get "$port"
	assert_contains "$output" "hello.js"
	assert_contains "$output" "server.py"
}

@test "a non-executable script with a shebang runs under its interpreter" {
	run -0 pmc start shebang-py -- x y
	wait_until 10 'log_has shebang-py "shebang ok x y"'
	status_is shebang-py online
	assert_contains "$(env_of shebang-py exec_interpreter)" python3
}

@test "--interpreter overrides the choice; --interpreter none execs directly" {
	run -0 pmc start prog.txt --interpreter python3
	assert_eq "$(names)" prog
	assert_eq "$(env_of prog exec_interpreter)" python3
	wait_until 10 'log_has prog "prog.txt runs under cpython"'
	run -0 pmc start bin/worker --interpreter none --name direct
	assert_eq "$(env_of direct exec_interpreter)" none
	wait_until 10 'log_has direct "worker args:"'
	# A .sh file forced to sh instead of bash.
	run -0 pmc start sleeper.sh --interpreter sh --name viash
	assert_eq "$(env_of viash exec_interpreter)" sh
	wait_until 10 'log_has viash "sleeper"'
}

@test "--interpreter-args and --node-args reach the interpreter, args the script" {
	run -0 pmc start args.js --interpreter-args "--no-warnings --max-old-space-size=64" -- one two
	assert_eq "$(jl 'app("args")["pm2_env"]["interpreter_args"]')" '["--no-warnings", "--max-old-space-size=64"]'
	assert_eq "$(jl 'app("args")["pm2_env"]["args"]')" '["one", "two"]'
	wait_until 10 'log_has args execArgv'
	assert_eq "$(log_json args 'd')" '{"argv": ["one", "two"], "execArgv": ["--no-warnings", "--max-old-space-size=64"]}'
	run -0 pmc start args.js --name args2 --node-args "--no-deprecation"
	assert_eq "$(jl 'app("args2")["pm2_env"]["interpreter_args"]')" '["--no-deprecation"]'
	wait_until 10 'log_has args2 execArgv'
	assert_eq "$(log_json args2 'd')" '{"argv": [], "execArgv": ["--no-deprecation"]}'
	run -0 pmc start server.py --name py --interpreter-args "-X foo=bar"
	wait_until 10 'log_has py xoptions'
	assert_eq "$(log_json py 'd["xoptions"]')" '{"foo": "bar"}'
}

@test "every start flag is accepted and lands in jlist" {
	run -0 pmc start "$APPS/sleeper.sh" -n full --cwd bin --env A=1 --env B=two \
		--no-autorestart --min-uptime 2s --max-restarts 7 --restart-delay 500ms \
		--exp-backoff-restart-delay 1m --kill-timeout 1500 --stop-exit-codes 3,4 \
		--stop-exit-codes 5 --interpreter bash --interpreter-args "--norc"
	assert_eq "$(names)" full
	assert_eq "$(env_of full pm_cwd)" "$APPS/bin"
	assert_eq "$(jl '[k for k in ("A", "B") if k in app("full")["pm2_env"]["env_keys"]]')" '["A", "B"]'
	assert_eq "$(jl 'app("full")["pm2_env"]["autorestart"]')" false
	assert_eq "$(env_of full min_uptime)" 2000
	assert_eq "$(env_of full max_restarts)" 7
	assert_eq "$(env_of full restart_delay)" 500
	assert_eq "$(env_of full exp_backoff_restart_delay)" 60000
	assert_eq "$(env_of full kill_timeout)" 1500
	assert_eq "$(jl 'app("full")["pm2_env"]["stop_exit_codes"]')" '[3, 4, 5]'
	assert_eq "$(jl 'app("full")["pm2_env"]["interpreter_args"]')" '["--norc"]'
	status_is full online
	# The app runs in --cwd.
	assert_eq "$(readlink "/proc/$(pid_of full)/cwd")" "$APPS/bin"

	run -0 pmc start quiet.sh --name short -k 2s --min-uptime 1.5m --restart-delay 1h \
		--stop-exit-codes 3 4 --no-autorestart
	assert_eq "$(env_of short kill_timeout)" 2000
	assert_eq "$(env_of short min_uptime)" 90000
	assert_eq "$(env_of short restart_delay)" 3600000
	assert_eq "$(jl 'app("short")["pm2_env"]["stop_exit_codes"]')" '[3, 4]'
	assert_eq "$(jl 'app("short")["pm2_env"]["autorestart"]')" false
}

@test "bad flag values are usage errors (exit 2) and start nothing" {
	run -2 --separate-stderr pmc start sleeper.sh --kill-timeout abc
	assert_eq "${stderr_lines[0]}" "pmc: --kill-timeout: invalid duration 'abc'"
	run -2 pmc start sleeper.sh --min-uptime 5x
	run -2 pmc start sleeper.sh --restart-delay -1s
	run -2 pmc start sleeper.sh --max-restarts many
	run -2 pmc start sleeper.sh --stop-exit-codes x
	run -2 pmc start sleeper.sh --env NOEQUALS
	run -2 pmc start sleeper.sh --name
	run -2 pmc start sleeper.sh --no-such-flag
	run -2 pmc start
	assert_contains "$output" "Try 'pmc help start'"
	assert_eq "$(jl 'len(d)')" 0
}

@test "the app gets its env, the CLI's env, PMC_ID and NODE_APP_INSTANCE, in the CLI's cwd" {
	export E2E_FROM_CLI=inherited
	run -0 pmc start printenv.py --env GREETING="hi there" --env EMPTY=
	wait_until 10 'log_has printenv "\"env\""'
	assert_eq "$(log_json printenv 'd["cwd"]')" "$APPS"
	assert_eq "$(log_json printenv 'd["env"]["GREETING"]')" "hi there"
	assert_eq "$(log_json printenv 'd["env"]["EMPTY"]')" ""
	assert_eq "$(log_json printenv 'd["env"]["E2E_FROM_CLI"]')" inherited
	assert_eq "$(log_json printenv 'd["env"]["PMC_ID"]')" 0
	assert_eq "$(log_json printenv 'd["env"]["pm_id"]')" 0
	assert_eq "$(log_json printenv 'd["env"]["PMC_INSTANCE"]')" 0
	assert_eq "$(log_json printenv 'd["env"]["NODE_APP_INSTANCE"]')" 0
	assert_eq "$(log_json printenv 'd["env"]["name"]')" printenv
}

@test "--env overrides a variable of the CLI's environment" {
	export E2E_OVERRIDE=from-cli
	run -0 pmc start printenv.py --env E2E_OVERRIDE=from-flag
	wait_until 10 'log_has printenv "\"env\""'
	assert_eq "$(log_json printenv 'd["env"]["E2E_OVERRIDE"]')" from-flag
}

@test "start --json prints the app's jlist entries" {
	run -0 --separate-stderr pmc start sleeper.sh --json
	assert_eq "$(pyjson '[p["name"] for p in d]' <<<"$output")" '["sleeper"]'
	assert_eq "$(pyjson 'd[0]["pm2_env"]["status"]' <<<"$output")" online
	assert_eq "$(pyjson 'd[0]["pid"]' <<<"$output")" "$(pid_of sleeper)"
}

@test "starting an existing name restarts it; so does its pm_id" {
	run -0 pmc start sleeper.sh
	local pid1 pid2
	pid1=$(pid_of sleeper)
	run -0 pmc start sleeper
	assert_eq "${lines[0]}" "[pmc] Restarting sleeper"
	pid2=$(pid_of sleeper)
	[ "$pid2" != "$pid1" ]
	dead "$pid1"
	assert_eq "$(restarts_of sleeper)" 1
	status_is sleeper online
	run -0 pmc start 0
	[ "$(pid_of sleeper)" != "$pid2" ]
	assert_eq "$(restarts_of sleeper)" 2
	assert_eq "$(names)" sleeper
}

@test "the same script again: exit 1 without -f; -f starts NAME-1, NAME-2" {
	run -0 pmc start sleeper.sh
	local pid1
	pid1=$(pid_of sleeper)
	run -1 --separate-stderr pmc start sleeper.sh
	assert_eq "$stderr" "pmc: app sleeper is already running (add -f to start another copy)"
	assert_eq "$(names)" sleeper
	assert_eq "$(pid_of sleeper)" "$pid1"
	assert_eq "$(restarts_of sleeper)" 0
	run -0 pmc start sleeper.sh -f
	assert_eq "$(names)" "sleeper sleeper-1"
	run -0 pmc start sleeper.sh --force
	assert_eq "$(names)" "sleeper sleeper-1 sleeper-2"
	assert_eq "$(jl '[p["pm2_env"]["status"] for p in d]')" '["online", "online", "online"]'
	assert_eq "$(jl 'len(set(p["pid"] for p in d))')" 3
	assert_eq "$(pid_of sleeper)" "$pid1"
}

@test "a stopped app started again with its script is restarted, not duplicated" {
	run -0 pmc start sleeper.sh
	run -0 pmc stop sleeper
	status_is sleeper stopped
	run -0 pmc start sleeper.sh
	assert_eq "$(names)" sleeper
	status_is sleeper online
}

@test "a name taken by another script is a conflict (exit 1)" {
	run -0 pmc start sleeper.sh --name svc
	run -1 --separate-stderr pmc start quiet.sh --name svc
	assert_contains "$stderr" "pmc: name svc is taken by another script"
	assert_eq "$(names)" svc
	assert_eq "$(env_of svc pm_exec_path)" "$APPS/sleeper.sh"
}

@test "the default name is the script's basename without extension, made valid" {
	cp sleeper.sh "my app.sh"
	run -0 pmc start "my app.sh"
	assert_eq "$(names)" my-app
	assert_eq "$(env_of my-app pm_exec_path)" "$APPS/my app.sh"
	status_is my-app online
}
