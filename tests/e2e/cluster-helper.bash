# SPDX-License-Identifier: MIT
# Helpers for the cluster, scale and reload end-to-end tests (loaded after
# helper.bash): per-instance views of jlist, the listening socket a port is
# bound to, and a background HTTP load (loadclient.py) stopped by a file.

# A copy of tests/apps/cluster-web.js at FILE (in $APPS) whose built-in port
# is PORT instead of 3000: an app with a hard-coded port, unchanged otherwise.
web_app_at() {
	local file=$1 port=$2
	sed "s/\b3000\b/$port/g" "$APPS/cluster-web.js" >"$APPS/$file"
	grep -q "|| $port," "$APPS/$file"
}

# jl over the instances of NAME only: EXPR sees p (one entry) and the result
# is a space-separated line, in pm_id order. inst NAME 'p["pid"]'
inst() {
	jl "' '.join(str($2) for p in d if p['name'] == '$1')"
}

pids_of() {
	inst "$1" 'p["pid"]'
}

ids_of() {
	inst "$1" 'p["pm_id"]'
}

statuses_of() {
	inst "$1" 'p["pm2_env"]["status"]'
}

# True when NAME has exactly N instances and all are online.
all_online() {
	local s
	s=$(statuses_of "$1") || return 1
	[ "$(wc -w <<<"$s")" = "$2" ] && [ -z "$(tr ' ' '\n' <<<"$s" | grep -vx online)" ]
}

# The value of variable KEY in the environment of PID (status 1 when unset).
proc_env() {
	tr '\0' '\n' <"/proc/$1/environ" | sed -n "s/^$2=//p" | grep '' || return 1
}

# The inode of the socket at fd FD of PID.
fd_socket_inode() {
	local link
	link=$(readlink "/proc/$1/fd/$2") || return 1
	[[ $link =~ ^socket:\[([0-9]+)\]$ ]] || return 1
	echo "${BASH_REMATCH[1]}"
}

# Inodes of the TCP sockets listening on PORT (any address), one per line.
listen_inodes() {
	python3 - "$1" <<'EOF'
import sys
port = int(sys.argv[1])
for path in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        lines = open(path).read().splitlines()[1:]
    except OSError:
        continue
    for line in lines:
        f = line.split()
        if int(f[1].rsplit(":", 1)[1], 16) == port and f[3] == "0A":
            print(f[9])
EOF
}

# True when PID holds a descriptor on the socket INODE.
holds_socket() {
	local fd
	for fd in /proc/"$1"/fd/*; do
		[ "$(readlink "$fd" 2>/dev/null)" = "socket:[$2]" ] && return 0
	done
	return 1
}

# start_load PORT [loadclient flags...]: 8 keep-alive client threads against
# 127.0.0.1:PORT in the background, for at most 20 s or until stop_load.
# LOAD_STATS is its live summary; phase_load NAME starts a new phase.
start_load() {
	local port=$1
	shift
	LOAD_DIR=$(mktemp -d "$E2E_WORK/load.XXXXXX")
	LOAD_STATS=$LOAD_DIR/stats.json
	python3 "$BATS_TEST_DIRNAME/loadclient.py" --port "$port" --threads 8 --duration 20 \
		--timeout 5 --stop-file "$LOAD_DIR/stop" --phase-file "$LOAD_DIR/phase" \
		--stats-file "$LOAD_STATS" "$@" >"$LOAD_DIR/summary.json" 2>"$LOAD_DIR/stderr" 3>&- &
	LOAD_PID=$!
	record_pid "$LOAD_PID"
}

# Returns once the client counts in the new phase (its live summary says so).
phase_load() {
	local phase=$1
	echo "$phase" >"$LOAD_DIR/phase.tmp"
	mv "$LOAD_DIR/phase.tmp" "$LOAD_DIR/phase"
	wait_until 10 '[ "$(load_stat "d[\"phase\"]" 2>/dev/null)" = "$phase" ]'
}

# load_stat 'EXPR': EXPR over the live summary (d), e.g. 'd["ok"]'.
load_stat() {
	[ -s "$LOAD_STATS" ] || return 1
	pyjson "$1" <"$LOAD_STATS"
}

# Wait until the load has N more successful requests than now (in total).
load_advance() {
	local n=$1 base
	base=$(load_stat 'd["ok"]' 2>/dev/null) || base=0
	wait_until 20 '[ "$(load_stat "d[\"ok\"]" 2>/dev/null || echo 0)" -ge $((base + n)) ]'
}

# Stop the load and wait for its summary: LOAD_JSON.
stop_load() {
	touch "$LOAD_DIR/stop"
	wait "$LOAD_PID" || true
	LOAD_JSON=$(<"$LOAD_DIR/summary.json")
	if [ -z "$LOAD_JSON" ]; then
		echo "the load client printed no summary:" >&2
		cat "$LOAD_DIR/stderr" >&2
		return 1
	fi
	echo "# load: $(pyjson '{k: d[k] for k in ("ok", "failed", "conn_errors", "bad_status", "bad_body", "seconds")}' <<<"$LOAD_JSON")" >&3
}

# Stop the load once it has N successful requests (or at its --duration).
stop_load_after_ok() {
	local n=$1
	wait_until 20 '[ "$(load_stat "d[\"ok\"]" 2>/dev/null || echo 0)" -ge $n ] || dead "$LOAD_PID"'
	stop_load
}

# load_get 'EXPR': EXPR over the final summary.
load_get() {
	pyjson "$1" <<<"$LOAD_JSON"
}

# Assert the whole run (or one phase, 'd["phases"]["NAME"]') had no failure,
# printing the first errors otherwise.
assert_no_failures() {
	local where=${1:-d}
	local failed
	failed=$(load_get "$where[\"failed\"]")
	if [ "$failed" != 0 ]; then
		echo "$failed failed requests: $(load_get "$where")" >&2
		return 1
	fi
}
