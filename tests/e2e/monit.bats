#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# pmc monit driven in a private tmux server: app names, selection, restart and
# stop keys, the log pane, quitting to a sane terminal, and the daemon going away.

load helper

setup() {
	_e2e_setup
	command -v tmux >/dev/null || skip "tmux is not installed"
	TMUX_SOCK="$E2E_WORK/tmux.sock"
}

teardown() {
	# Only this test's own tmux server, through its private socket.
	[ -S "$TMUX_SOCK" ] && tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
	_e2e_teardown
}

tm() {
	tmux -S "$TMUX_SOCK" "$@"
}

screen() {
	tm capture-pane -p -t monit
}

# screen_has TEXT: the pane shows TEXT (a fixed string).
screen_has() {
	screen | grep -qF -- "$1"
}

# An 80x24 shell in a UTF-8 locale with a known prompt, in the test's own tmux server.
start_shell() {
	tm -f /dev/null new-session -d -s monit -x 80 -y 24 \
		"env -i PATH='$PATH' PMC_HOME='$PMC_HOME' HOME='$E2E_WORK' TERM=screen LANG=C.UTF-8 PS1='READY\$ ' bash --norc --noprofile"
	wait_until 10 'screen_has "READY\$"'
}

# The last non-empty row of the pane is the shell's prompt.
prompt_back() {
	screen | grep -v '^$' | tail -n 1 | grep -qE '^READY[$] ?$'
}

# A shell line typed into the pane.
type_line() {
	tm send-keys -t monit -l "$1"
	tm send-keys -t monit Enter
}

# The shell is back and its terminal is sane: echo and canonical input on.
assert_terminal_restored() {
	tm send-keys -t monit -l 'clear; stty -a | tr " ;" "\n\n" | grep -xE "echo|icanon|-echo|-icanon" | tr "\n" " "; echo END'
	tm send-keys -t monit Enter
	wait_until 10 'screen_has "END"'
	run screen
	assert_contains "$output" "icanon echo END"
}

@test "monit shows the apps, moves the selection, restarts and stops with r and s, quits cleanly" {
	pmc start sleeper.sh --name alpha >/dev/null
	pmc start log-tick.py --name beta -- 0.2 >/dev/null
	wait_until 10 'status_is alpha online && status_is beta online'
	local old_pid old_restarts
	old_pid=$(pid_of alpha)
	old_restarts=$(restarts_of alpha)
	start_shell
	type_line 'pmc monit; echo "rc=$?"'
	wait_until 10 'screen_has "── alpha (id 0)"'
	run screen
	assert_contains "$output" "2 apps, 2 instances"
	assert_contains "$output" "beta"
	assert_contains "$output" "script $APPS/sleeper.sh"
	# r restarts the selected instance (alpha): a new pid and one more restart.
	tm send-keys -t monit r
	wait_until 15 '[ "$(restarts_of alpha)" = $((old_restarts + 1)) ] && status_is alpha online'
	[ "$(pid_of alpha)" != "$old_pid" ]
	wait_until 10 'screen_has "restarted alpha (id 0)"'
	# j selects beta; its log pane shows its output as it comes.
	tm send-keys -t monit j
	wait_until 10 'screen_has "── beta (id 1)"'
	wait_until 10 'screen_has "── logs: beta"'
	wait_until 10 'screen | grep -qE "^ tick [0-9]+ [0-9]+"'
	# l hides the log pane, and shows it again.
	tm send-keys -t monit l
	wait_until 10 '! screen_has "── logs: beta"'
	tm send-keys -t monit l
	wait_until 10 'screen_has "── logs: beta"'
	# k goes back up; s stops alpha.
	tm send-keys -t monit k
	wait_until 10 'screen_has "── alpha (id 0)"'
	tm send-keys -t monit s
	wait_until 15 'status_is alpha stopped'
	wait_until 10 'screen_has "stopped alpha (id 0)"'
	wait_until 10 'screen | grep -qE "^ +0 alpha +stopped"'
	status_is beta online
	tm send-keys -t monit q
	wait_until 10 prompt_back
	screen_has "rc=0"
	assert_terminal_restored
}

@test "monit follows a resize and quits on Ctrl-C" {
	pmc start sleeper.sh --name alpha >/dev/null
	start_shell
	type_line 'pmc dashboard; echo "rc=$?"'
	wait_until 10 'screen_has "── alpha (id 0)"'
	tm resize-window -t monit -x 100 -y 30
	wait_until 10 '[ "$(screen | head -n 1 | wc -c)" = 100 ] && screen | sed -n 30p | grep -qF "q quit"'
	tm resize-window -t monit -x 30 -y 10
	wait_until 10 'screen_has "too small"'
	tm resize-window -t monit -x 80 -y 24
	wait_until 10 'screen_has "── alpha (id 0)"'
	tm send-keys -t monit C-c
	wait_until 10 prompt_back
	screen_has "rc=0"
	assert_terminal_restored
}

@test "monit ends with a message and a sane terminal when the daemon is killed" {
	pmc start sleeper.sh --name alpha >/dev/null
	record_pid "$(pid_of alpha)"
	start_shell
	type_line 'pmc monit; echo "rc=$?"'
	wait_until 10 'screen_has "── alpha (id 0)"'
	local dpid
	dpid=$(daemon_pid)
	kill -KILL "$dpid"
	# A large process takes a moment to be torn down after SIGKILL.
	wait_until 10 "dead $dpid"
	wait_until 10 'screen_has "rc=3"'
	run screen
	assert_contains "$output" "pmc: the daemon went away (it stopped or was killed): monit ended"
	assert_terminal_restored
}

@test "monit refuses to run without a terminal" {
	run -2 pmc monit </dev/null
	assert_contains "$output" "monit needs a terminal"
	run -2 pmc monit extra
	assert_contains "$output" "unexpected argument"
}

@test "the monit method streams the listing and checks its interval" {
	pmc start sleeper.sh --name alpha >/dev/null
	run -0 timeout 30 python3 - <<'PY'
import json, os, socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(os.path.join(os.environ["PMC_HOME"], "rpc.sock"))
s.settimeout(10)
f = s.makefile("rb")
def call(i, method, params):
    s.sendall((json.dumps({"jsonrpc": "2.0", "id": i, "method": method, "params": params}) + "\n").encode())
for i, bad in enumerate([50, 60001, "1s", 1.5]):
    call(i + 1, "monit", {"interval": bad})
    r = json.loads(f.readline())
    assert r["error"]["code"] == -32602, r
call(9, "monit", {"interval": 100, "extra": 1})
assert json.loads(f.readline())["error"]["code"] == -32602
call(10, "monit", {"interval": 100})
r = json.loads(f.readline())
assert r["id"] == 10 and r["result"]["interval"] == 100, r
assert [p["name"] for p in r["result"]["processes"]] == ["alpha"], r
for _ in range(3):
    n = json.loads(f.readline())
    assert n["method"] == "monit" and "id" not in n, n
    p = n["params"]["processes"][0]
    assert p["name"] == "alpha" and "cpu" in p["monit"] and "memory" in p["monit"], n
    assert isinstance(n["params"]["at"], (int, float))
# The same connection still answers calls between the notifications.
call(11, "ping", {})
while True:
    m = json.loads(f.readline())
    if m.get("id") == 11:
        break
print("ok")
PY
	assert_contains "$output" "ok"
	# The daemon stays healthy after the subscriber hung up.
	run -0 pmc ping
}
