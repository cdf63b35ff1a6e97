#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# --watch, --ignore-watch, --watch-delay: a change below the watched paths restarts
# the app once the tree is quiet, and the history says which file changed.

load helper

setup() {
	_e2e_setup
	W="$E2E_WORK/w"
	mkdir -p "$W/src" "$W/node_modules/dep" "$W/.git"
	cp "$APPS/sleeper.sh" "$APPS/log-tick.py" "$W/"
	cd "$W" || return 1
}

# Restart rows of app NAME, as "reason" lines, oldest first.
restart_reasons() {
	history_json "$1" | pyjson '"\n".join(e["reason"] or "" for e in d if e["kind"] == "restart")'
}

restart_count() {
	history_json "$1" | pyjson 'len([e for e in d if e["kind"] == "restart"])'
}

# Wait until a restart of NAME says REASON.
wait_restart_for() {
	wait_until 10 "restart_reasons '$1' | grep -qxF '$2'"
}

# inotify watches the daemon holds (one per directory).
inotify_watches() {
	cat /proc/"$(daemon_pid)"/fdinfo/* 2>/dev/null | grep -c '^inotify wd:' || true
}

@test "a changed file restarts the app, and the history says which file" {
	pmc start sleeper.sh --name w --watch --watch-delay 200ms >/dev/null
	local pid
	pid=$(pid_of w)
	echo 'x' >src/app.js
	wait_restart_for w "watch: src/app.js"
	wait_until 10 'status_is w online'
	[ "$(pid_of w)" != "$pid" ]
	assert_eq "$(restart_count w)" 1
	# The exit row of the old process says why too.
	assert_eq "$(history_json w | pyjson 'len([e for e in d if e["reason"] == "watch: src/app.js"])')" 2
	assert_eq "$(env_of w watch)" true
	assert_eq "$(env_of w watching)" true
}

@test "node_modules, .git and --ignore-watch patterns are ignored" {
	mkdir tmp
	pmc start sleeper.sh --name w --watch --watch-delay 200ms --ignore-watch '*.log' \
		--ignore-watch 'tmp,src/gen' >/dev/null
	echo 1 >node_modules/dep/index.js
	mkdir -p node_modules/new/deeper
	echo 1 >.git/HEAD
	echo 1 >app.log
	echo 1 >src/x.log
	echo 1 >tmp/scratch
	mkdir -p src/gen
	echo 1 >src/gen/out.js
	sleep 0.5 # longer than the watch delay: a restart would be due by now
	# What is not ignored still restarts, and it is the first change the history names.
	echo 1 >trigger.js
	wait_restart_for w "watch: trigger.js"
	assert_eq "$(restart_count w)" 1
	run -0 pmc describe w
	assert_contains "$output" "*.log, tmp, src/gen"
}

@test "a burst of changes gives one restart" {
	pmc start sleeper.sh --name w --watch --watch-delay 300ms >/dev/null
	for i in 1 2 3 4 5 6 7 8; do echo "$i" >"src/f$i.js"; done
	wait_restart_for w "watch: src/f1.js"
	wait_until 10 'status_is w online'
	# A later change is a second restart; the burst must not have made more.
	echo x >barrier.js
	wait_restart_for w "watch: barrier.js"
	assert_eq "$(restart_count w)" 2
}

@test "new subdirectories are watched as they appear" {
	pmc start sleeper.sh --name w --watch --watch-delay 100ms >/dev/null
	mkdir -p lib/a/b
	wait_restart_for w "watch: lib"
	wait_until 10 'status_is w online'
	echo x >lib/a/b/deep.js
	wait_restart_for w "watch: lib/a/b/deep.js"
	wait_until 10 'status_is w online'
	# A removed directory is forgotten, and its watch with it.
	local before
	before=$(env_of w watch_dirs)
	rm -rf lib
	wait_until 10 '[ "$(env_of w watch_dirs)" -eq $((before - 3)) ]'
}

@test "--watch PATHS watches only those paths" {
	mkdir other
	pmc start sleeper.sh --name w --watch src,other --watch-delay 100ms >/dev/null
	echo x >outside.js
	sleep 0.4
	echo x >other/inside.js
	wait_restart_for w "watch: other/inside.js"
	assert_eq "$(restart_count w)" 1
	run -0 pmc describe w
	assert_contains "$output" "$W/src, $W/other"
}

@test "a watched file path, given with --watch=FILE" {
	echo 1 >config.json
	pmc start sleeper.sh --name w --watch=config.json --watch-delay 100ms >/dev/null
	echo 2 >config.json
	wait_restart_for w "watch: config.json"
}

@test "the app's own log files in the watched tree do not restart it" {
	pmc start log-tick.py --name w --watch --watch-delay 100ms -o out.log -e err.log -- 0.02 \
		>/dev/null
	wait_until 10 '[ "$(grep -c tick out.log 2>/dev/null)" -ge 20 ]'
	echo x >trigger.js
	wait_restart_for w "watch: trigger.js"
	assert_eq "$(restart_count w)" 1
}

@test "stop stops watching, start resumes it, delete releases every watch" {
	pmc start sleeper.sh --name w --watch --watch-delay 100ms >/dev/null
	assert_eq "$(inotify_watches)" 2 # the app's directory and src
	pmc stop w >/dev/null
	assert_eq "$(env_of w watching)" false
	assert_eq "$(inotify_watches)" 0
	echo x >src/while-stopped.js
	sleep 0.4
	assert_eq "$(status_of w)" stopped
	pmc start w >/dev/null
	assert_eq "$(env_of w watching)" true
	echo x >src/again.js
	wait_restart_for w "watch: src/again.js"
	assert_eq "$(history_json w | pyjson 'len([e for e in d if "while-stopped" in (e["reason"] or "")])')" 0
	pmc delete w >/dev/null
	assert_eq "$(inotify_watches)" 0
}

@test "the limit of watched directories is reported, not fatal" {
	mkdir -p d1 d2 d3 d4 d5
	PMC_WATCH_MAX_DIRS=3 pmc start sleeper.sh --name w --watch --watch-delay 100ms >/dev/null
	assert_eq "$(env_of w watch_dirs)" 3
	run -0 pmc describe w
	assert_contains "$output" "limit of 3 watched directories reached"
	assert_eq "$(history_json w | pyjson 'len([e for e in d if e["kind"] == "watch"])')" 1
	grep -q 'limit of 3 watched directories reached' "$PMC_HOME/pmcd.log"
	# What is watched still works.
	echo x >top.js
	wait_restart_for w "watch: top.js"
}

@test "a watch path that does not exist is refused at start" {
	run -1 pmc start sleeper.sh --name w --watch=missing
	assert_contains "$output" "cannot watch $W/missing: No such file or directory"
	run -0 pmc jlist
	assert_eq "$output" "[]"
}
