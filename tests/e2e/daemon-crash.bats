#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# kill -9 of pmcd, ten times in a row, with 20 apps (fork and cluster, a crash
# loop, a stopped app, a reload in progress): the next daemon stops what the
# dead one left running and starts every app once; no app ever runs twice.

load helper

setup() {
	_e2e_setup
	MARK="crashmark$$x$RANDOM"
}

# A failure between a kill and the next daemon leaves orphans no daemon lists:
# stop them by pid, found by this test's own marker.
teardown() {
	local name pid rc=0
	_e2e_teardown || rc=$?
	while read -r name pid; do
		kill -KILL -- "-$pid" 2>/dev/null
		kill -KILL "$pid" 2>/dev/null
	done < <(marked)
	return "$rc"
}

# "NAME PID" for every live process of this test's apps: the argument
# MARK-NAME in its argv says which app it belongs to (the scan's own argv
# carries no marker: it comes in the environment).
marked() {
	PMC_E2E_MARK=$MARK python3 -c '
import os
mark = os.environ["PMC_E2E_MARK"] + "-"
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        argv = open("/proc/%s/cmdline" % pid, "rb").read().split(b"\0")
        stat = open("/proc/%s/stat" % pid).read()
    except OSError:
        continue
    if stat.rsplit(")", 1)[1].split()[0] == "Z":
        continue
    for a in argv:
        a = a.decode(errors="replace")
        if a.startswith(mark):
            print(a[len(mark):], pid)
            break'
}

# Every app in the state it must be back in: online, but idle stopped and the
# crash loop anywhere in its loop.
expected_ok() {
	jl 'all([
		all(p["pm2_env"]["status"] == "online" for p in d if p["name"] not in ("loop", "idle")),
		app("idle")["pm2_env"]["status"] == "stopped",
		app("loop")["pm2_env"]["status"] in ("online", "waiting restart", "launching"),
	])' 2>/dev/null | grep -qx true
}

# Each app runs exactly as many processes as it should, and they are the ones
# the daemon lists: nothing is doubled, no orphan survives beside its successor.
check_processes() {
	local procs listed
	procs=$(marked)
	listed=$(pmc jlist)
	PMC_E2E_PROCS=$procs python3 -c '
import json, os, sys
from collections import Counter
d = json.loads(sys.stdin.read())
procs = [l.split() for l in os.environ["PMC_E2E_PROCS"].splitlines() if l]
count = Counter(n for n, _ in procs)
want = {p["name"]: 0 for p in d}
for p in d:
    if p["pm2_env"]["status"] == "online" and p["name"] != "loop":
        want[p["name"]] += 1
bad = []
for name, n in want.items():
    if name == "loop":
        if count[name] > 1:
            bad.append("loop runs %d times" % count[name])
    elif count[name] != n:
        bad.append("%s: %d processes, %d expected" % (name, count[name], n))
pids = {str(p["pid"]) for p in d if p["pid"]}
for name, pid in procs:
    if name != "loop" and pid not in pids:
        bad.append("%s pid %s is not the one listed" % (name, pid))
if bad:
    sys.exit("; ".join(bad))
print("ok")' <<<"$listed"
}

@test "kill -9 of pmcd ten times: every app back once, orphans replaced, stopped stays stopped, history says so" {
	local ports=() i round dpid t0 t1 old reloading rpid
	for i in 1 2 3; do ports+=("$(free_port)"); done
	for i in $(seq -w 1 15); do
		pmc start steady.py --name "f$i" -- "$MARK-f$i" >/dev/null
	done
	pmc start steady.py --name web -i 2 --port "${ports[0]}" -- "$MARK-web" >/dev/null
	pmc start steady.py --name web2 -i 2 --port "${ports[1]}" -- "$MARK-web2" >/dev/null
	# A replacement is ready only after 0.6 s: a reload stays in progress that long.
	pmc start steady.py --name rl -i 2 --port "${ports[2]}" --listen-timeout 10s \
		-- "$MARK-rl" --ready-after 0.6 >/dev/null
	pmc start crash.sh --name loop --restart-delay 50ms --max-restarts 1000000 \
		-- 1 0.1 "$MARK-loop" >/dev/null
	pmc start steady.py --name idle -- "$MARK-idle" >/dev/null
	pmc stop idle >/dev/null
	assert_eq "$(jl 'len({p["name"] for p in d})')" 20
	wait_until 10 expected_ok
	run -0 check_processes

	for round in $(seq 1 10); do
		dpid=$(daemon_pid)
		old=$(marked | grep -v '^loop ' | awk '{print $2}' | sort -n | tr '\n' ' ')
		reloading=
		if ((round % 2 == 1)); then
			# Kill it while a replacement of rl runs beside the old instances.
			pmc reload rl >/dev/null 2>&1 &
			rpid=$!
			wait_until 10 '[ "$(marked | grep -c "^rl ")" -ge 3 ]'
			old=$(marked | grep -v '^loop ' | awk '{print $2}' | sort -n | tr '\n' ' ')
			reloading=yes
		fi
		kill -KILL "$dpid"
		wait_until 5 'dead "$dpid"'
		t0=$(now_ms)
		run -0 pmc ping
		wait_until 5 expected_ok
		t1=$(now_ms)
		echo "# round $round: all online $((t1 - t0)) ms after the first pmc call${reloading:+ (reload was in progress)}" >&3
		if [ -n "$reloading" ]; then
			wait "$rpid" || true
		fi
		[ "$(daemon_pid)" != "$dpid" ]
		run -0 check_processes
		assert_eq "$output" ok
		# Every process of the dead daemon was stopped and replaced, or had ended
		# (a write to its broken pipe), and the history says which.
		for i in $old; do
			dead "$i"
		done
		PMC_E2E_OLD=$old run -0 python3 -c '
import json, os, sys
ev = json.loads(sys.stdin.read())
ev = ev["events"] if isinstance(ev, dict) else ev
orphaned = {str(e["pid"]) for e in ev if e["kind"] in ("orphan", "lost")}
missing = [p for p in os.environ["PMC_E2E_OLD"].split() if p not in orphaned]
print("missing: %s" % missing if missing else "ok")' <<<"$(history_json --limit 2000)"
		assert_eq "$output" ok
		for i in "${ports[@]}"; do
			http_get "$i" >/dev/null
		done
	done
	# The stopped app never ran, and the crash loop goes on.
	assert_eq "$(marked | grep -c '^idle ')" 0
	[ "$(restarts_of loop)" -gt 0 ]
}

@test "an app that ended while no daemon ran is started again and its history says so" {
	pmc start steady.py --name gone -- "$MARK-gone" >/dev/null
	local dpid pid
	dpid=$(daemon_pid)
	pid=$(pid_of gone)
	kill -KILL "$dpid"
	wait_until 5 'dead "$dpid"'
	kill -TERM "$pid"
	wait_until 5 'dead "$pid"'
	run -0 pmc ping
	wait_until 5 'status_is gone online'
	[ "$(pid_of gone)" != "$pid" ]
	assert_eq "$(history_json gone | pyjson '[e["kind"] for e in d if e["pid"] == '"$pid"'][-1]')" lost
}
