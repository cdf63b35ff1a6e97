# SPDX-License-Identifier: MIT
# Shared setup for the end-to-end tests: a private PMC_HOME per test, the built
# pmc and pmcd first on PATH, polling helpers, JSON helpers, and a teardown that
# stops only this test's own daemon and apps, by pid, even when the test failed.

bats_require_minimum_version 1.5.0

: "${PMC_SOURCE_ROOT:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
: "${PMC_BUILD_ROOT:=$PMC_SOURCE_ROOT/build}"

# Files that need more setup define setup() after `load helper` and call this.
_e2e_setup() {
	[ -x "$PMC_BUILD_ROOT/cmd/pmc" ] || skip "pmc is not built in $PMC_BUILD_ROOT"
	export PATH="$PMC_BUILD_ROOT/cmd:$PMC_BUILD_ROOT/daemon:$PATH"
	export NO_COLOR=1
	unset PMC_PMCD PMC_DEBUG
	# Short paths: the socket path must fit in sun_path (108 bytes).
	PMC_HOME=$(mktemp -d /tmp/pmc-e2e.XXXXXX)
	export PMC_HOME
	E2E_WORK=$(mktemp -d /tmp/pmc-e2w.XXXXXX)
	E2E_HOMES=("$PMC_HOME")
	E2E_PIDS=()
	cp -r "$PMC_SOURCE_ROOT/tests/apps" "$E2E_WORK/apps"
	# The modes matter to the tests, whatever the checkout did with them.
	chmod 755 "$E2E_WORK"/apps/*.sh "$E2E_WORK/apps/bin/worker"
	chmod 644 "$E2E_WORK/apps/not-exec" "$E2E_WORK/apps/shebang-py" "$E2E_WORK/apps/prog.txt"
	APPS="$E2E_WORK/apps"
	# python3 may be a version manager's shim that costs a shell and a
	# process per call: put the interpreter it resolves to first on PATH.
	local cache="$BATS_RUN_TMPDIR/e2e-python"
	if [ -s "$cache" ]; then
		E2E_PYTHON=$(<"$cache")
	else
		E2E_PYTHON=$(python3 -c 'import sys; print(sys.executable)')
		echo "$E2E_PYTHON" >"$cache"
	fi
	mkdir "$E2E_WORK/bin"
	ln -s "$E2E_PYTHON" "$E2E_WORK/bin/python3"
	export PATH="$E2E_WORK/bin:$PATH"
	cd "$APPS" || return 1
}

setup() {
	_e2e_setup
}

_e2e_teardown() {
	local h
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		for h in "${E2E_HOMES[@]}"; do
			if [ -f "$h/pmcd.log" ]; then
				echo "# --- last lines of $h/pmcd.log ---" >&2
				tail -n 40 "$h/pmcd.log" >&2
			fi
		done
	fi
	for h in "${E2E_HOMES[@]}"; do
		cleanup_home "$h"
	done
	kill_recorded_pids
	# A sanitizer build reports on the daemon's stderr, which is pmcd.log.
	local sanitizer=0
	for h in "${E2E_HOMES[@]}"; do
		if grep -qE 'Sanitizer|runtime error:' "$h/pmcd.log" 2>/dev/null; then
			echo "# sanitizer report in $h/pmcd.log:" >&2
			grep -E -A 30 'Sanitizer|runtime error:' "$h/pmcd.log" | head -n 80 >&2
			sanitizer=1
		fi
	done
	cd / || true
	for h in "${E2E_HOMES[@]}"; do
		case $h in /tmp/pmc-e2e.*) rm -rf "$h" ;; esac
	done
	rm -rf "$E2E_WORK"
	return "$sanitizer"
}

teardown() {
	_e2e_teardown
}

# Another home this test uses (its daemon is cleaned up too).
register_home() {
	E2E_HOMES+=("$1")
}

# Milliseconds on the wall clock, without forking.
now_ms() {
	local t=${EPOCHREALTIME/./}
	echo $((t / 1000))
}

# wait_until SECONDS 'shell command': poll the command every 50 ms until it
# succeeds; fail (and say what was awaited) at the deadline.
wait_until() {
	local __wu_secs=$1
	shift
	local __wu_deadline=$(($(now_ms) + __wu_secs * 1000))
	while :; do
		if eval "$*"; then
			return 0
		fi
		if (($(now_ms) >= __wu_deadline)); then
			echo "timed out after ${__wu_secs}s waiting for: $*" >&2
			return 1
		fi
		sleep 0.05
	done
}

# True while the process exists and is not a zombie.
alive() {
	local pid=$1 state
	[ -n "$pid" ] && [ "$pid" -gt 0 ] 2>/dev/null || return 1
	state=$(proc_state "$pid") || return 1
	[ "$state" != Z ]
}

# The state letter from /proc/PID/stat (the field after the command name).
proc_state() {
	local stat
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
	stat=${stat##*) }
	echo "${stat%% *}"
}

proc_start_ticks() {
	local stat
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
	set -- ${stat##*) }
	echo "${20}"
}

proc_ppid() {
	local stat
	read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
	set -- ${stat##*) }
	echo "$2"
}

# Remember a pid this test caused (e.g. a grandchild) so teardown can kill it.
record_pid() {
	local ticks
	ticks=$(proc_start_ticks "$1") || return 0
	E2E_PIDS+=("$1:$ticks")
}

kill_recorded_pids() {
	local entry pid ticks
	for entry in "${E2E_PIDS[@]}"; do
		pid=${entry%%:*}
		ticks=${entry#*:}
		if alive "$pid" && [ "$(proc_start_ticks "$pid")" = "$ticks" ]; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
	E2E_PIDS=()
}

# The pid in HOME/pmcd.lock when it is a live pmcd, else nothing (status 1).
daemon_pid_of() {
	local home=$1 pid exe
	[ -f "$home/pmcd.lock" ] || return 1
	pid=$(tr -dc '0-9' 2>/dev/null <"$home/pmcd.lock") || return 1
	[ -n "$pid" ] && alive "$pid" || return 1
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
	[ "${exe##*/}" = pmcd ] || return 1
	echo "$pid"
}

daemon_pid() {
	daemon_pid_of "$PMC_HOME"
}

# Children of PID (from /proc/*/stat), without forking per process.
children_of() {
	local parent=$1 f stat
	for f in /proc/[0-9]*/stat; do
		read -r stat 2>/dev/null <"$f" || continue
		set -- ${stat##*) }
		[ "$2" = "$parent" ] && echo "${stat%% *}"
	done
	return 0
}

# Zombie children of PID.
zombies_of() {
	local parent=$1 f stat
	for f in /proc/[0-9]*/stat; do
		read -r stat 2>/dev/null <"$f" || continue
		set -- ${stat##*) }
		[ "$2" = "$parent" ] && [ "$1" = Z ] && echo "${stat%% *}"
	done
	return 0
}

# Stop the daemon of HOME (if any) by its pid, then whatever app is left.
cleanup_home() {
	local home=$1 dpid pid ticks entry apps=()
	dpid=$(daemon_pid_of "$home") || return 0
	# App pids as the daemon knows them, plus its direct children.
	for pid in $(PMC_HOME="$home" timeout 5 pmc jlist 2>/dev/null |
		python3 -c 'import json,sys
try:
    for p in json.load(sys.stdin):
        if p.get("pid"): print(p["pid"])
except Exception:
    pass') $(children_of "$dpid"); do
		ticks=$(proc_start_ticks "$pid") && apps+=("$pid:$ticks")
	done
	kill -TERM "$dpid" 2>/dev/null
	if ! wait_until 8 '! alive $dpid' 2>/dev/null; then
		kill -KILL "$dpid" 2>/dev/null
		wait_until 3 '! alive $dpid' 2>/dev/null
	fi
	for entry in "${apps[@]}"; do
		pid=${entry%%:*}
		ticks=${entry#*:}
		if alive "$pid" && [ "$(proc_start_ticks "$pid")" = "$ticks" ]; then
			echo "# teardown: app pid $pid outlived its daemon; killing it" >&2
			# Each app leads its own process group.
			kill -KILL -- "-$pid" 2>/dev/null
			kill -KILL "$pid" 2>/dev/null
		fi
	done
	return 0
}

# pyjson 'EXPR' < json: evaluates EXPR with d bound to the parsed input; a string
# result is printed as is, anything else as JSON.
pyjson() {
	PMC_E2E_EXPR="$1" python3 -c '
import json, os, sys
d = json.loads(sys.stdin.read())
def app(n):
    return next(p for p in d if p["name"] == n)
r = eval(os.environ["PMC_E2E_EXPR"])
print(r if isinstance(r, str) else json.dumps(r))'
}

# jl 'EXPR': pyjson over `pmc jlist`; helpers: app(NAME) is the entry named NAME.
jl() {
	local out
	out=$(pmc jlist) || return 1
	pyjson "$1" <<<"$out"
}

status_of() {
	jl "app('$1')['pm2_env']['status']"
}

pid_of() {
	jl "app('$1')['pid']"
}

restarts_of() {
	jl "app('$1')['pm2_env']['restart_time']"
}

# The value of a pm2_env key of the app named NAME.
env_of() {
	jl "app('$1')['pm2_env']['$2']"
}

# Names in jlist, space separated, in pm_id order.
names() {
	jl '" ".join(p["name"] for p in d)'
}

# True when the status of NAME is STATUS.
status_is() {
	[ "$(status_of "$1" 2>/dev/null)" = "$2" ]
}

# A free TCP port on 127.0.0.1.
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# The number of open fds of PID.
fd_count() {
	ls "/proc/$1/fd" 2>/dev/null | wc -l
}

# Events of `pmc history ... --json`, normalised to a list.
history_json() {
	pmc history "$@" --json | pyjson 'd["events"] if isinstance(d, dict) else d'
}

# Assert helpers that say what differed.
assert_eq() {
	if [ "$1" != "$2" ]; then
		echo "expected: '$2'" >&2
		echo "actual:   '$1'" >&2
		if [ -n "${3:-}" ]; then echo "($3)" >&2; fi
		return 1
	fi
}

assert_contains() {
	if [[ "$1" != *"$2"* ]]; then
		echo "expected to find: '$2'" >&2
		echo "in: '$1'" >&2
		return 1
	fi
}

assert_not_contains() {
	if [[ "$1" == *"$2"* ]]; then
		echo "did not expect: '$2'" >&2
		echo "in: '$1'" >&2
		return 1
	fi
}

# True when the process is gone (or a zombie): for asserting under `set -e`,
# where `! alive PID` would never fail a test.
dead() {
	! alive "$1"
}

out_log() {
	env_of "$1" pm_out_log_path
}

err_log() {
	env_of "$1" pm_err_log_path
}

# True when the out log (or, with a third argument "err", the error log) of
# NAME has a line containing TEXT.
log_has() {
	local f
	if [ "${3:-out}" = err ]; then
		f=$(err_log "$1") || return 1
	else
		f=$(out_log "$1") || return 1
	fi
	grep -qF -- "$2" "$f" 2>/dev/null
}

# The first line of NAME's out log that starts with '{', parsed by pyjson EXPR.
log_json() {
	local f
	f=$(out_log "$1") || return 1
	grep -m1 '^{' "$f" | pyjson "$2"
}

# GET http://127.0.0.1:PORT/PATH, body on stdout.
http_get() {
	curl -sf --max-time 5 "http://127.0.0.1:$1/${2:-}"
}
