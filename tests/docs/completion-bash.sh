#!/bin/bash
# SPDX-License-Identifier: MIT
# The bash completion completes commands, flags and app names, and asks a
# running daemon only (TAP); the zsh and fish files parse, where those shells exist.
# Usage: completion-bash.sh SOURCE_ROOT

LC_ALL=C
export LC_ALL
root=${1:-$(dirname "$0")/../..}
comp_dir="$root/completions"

tmp=$(mktemp -d /tmp/pmc-comp.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0

ok()
{
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok()
{
	n=$((n + 1))
	failed=1
	echo "not ok $n - $1"
	[ -z "$2" ] || printf '%s\n' "$2" | sed 's/^/# /'
}

skip()
{
	n=$((n + 1))
	echo "ok $n # SKIP $1"
}

# A fake pmc first in PATH: `jlist` prints two apps (one with an argument that
# looks like a name field) and logs each call, so the tests see whether the
# completion ran it.
mkdir -p "$tmp/bin" "$tmp/home" "$tmp/dir/sub"
cat >"$tmp/bin/pmc" <<'EOF'
#!/bin/sh
echo "$*" >>"$PMC_CALLS"
[ "$1" = jlist ] || exit 2
printf '%s\n' '[{"pid":41,"name":"api","pm_id":0,"monit":{"memory":1024,"cpu":0},"pm2_env":{"name":"api","namespace":"default","status":"online","args":["\"name\":\"bogus\""],"env_keys":["name"]}},{"pid":0,"name":"worker","pm_id":1,"monit":{"memory":0,"cpu":0},"pm2_env":{"name":"worker","namespace":"default","status":"stopped","args":[],"env_keys":[]}}]'
EOF
chmod +x "$tmp/bin/pmc"
export PATH="$tmp/bin:$PATH" PMC_HOME="$tmp/home" PMC_CALLS="$tmp/calls"
: >"$PMC_CALLS"

# A Unix socket file, as a running daemon leaves in PMC_HOME.
make_socket()
{
	if command -v perl >/dev/null 2>&1; then
		perl -MSocket -e 'socket(my $s, PF_UNIX, SOCK_STREAM, 0) or die "socket: $!\n";
			bind($s, pack_sockaddr_un($ARGV[0])) or die "bind: $!\n"' "$1"
	elif command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$1"
	else
		return 1
	fi
}

# shellcheck disable=SC1091 # the path is only known at run time
if ! source "$comp_dir/pmc.bash"; then
	echo "1..1"
	echo "not ok 1 - pmc.bash sources"
	exit 1
fi
if [[ $(complete -p pmc 2>/dev/null) == *"-F _pmc"* ]]; then
	ok "pmc.bash registers _pmc for pmc"
else
	not_ok "pmc.bash registers _pmc for pmc" "$(complete -p pmc 2>&1)"
fi

# complete WORD...: run the completion for a command line whose last word is
# the one being completed; prints the candidates sorted, space-separated.
complete_line()
{
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_pmc pmc "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>"$tmp/stderr"
	printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//'
}

# expect_has DESC WANT... -- LINE...: every WANT is among the candidates.
expect_has()
{
	local desc=$1 want=() got w missing=
	shift
	while [[ $1 != -- ]]; do want+=("$1"); shift; done
	shift
	got=$(complete_line "$@")
	for w in "${want[@]}"; do
		[[ " $got " == *" $w "* ]] || missing+=" $w"
	done
	if [[ -z $missing && ! -s $tmp/stderr ]]; then
		ok "$desc"
	else
		not_ok "$desc" "got: $got; missing:$missing; stderr: $(cat "$tmp/stderr")"
	fi
}

# expect_is DESC WANT -- LINE...: the candidates are exactly WANT (sorted).
expect_is()
{
	local desc=$1 expected=$2 got
	shift 3
	got=$(complete_line "$@")
	if [[ $got == "$expected" && ! -s $tmp/stderr ]]; then
		ok "$desc"
	else
		not_ok "$desc" "want: $expected; got: $got; stderr: $(cat "$tmp/stderr")"
	fi
}

expect_has "'pmc st' completes start, stop and status" start stop status -- pmc st
expect_is "'pmc st' completes nothing else" \
	"start startOrReload startOrRestart status stop" -- pmc st
expect_has "'pmc ' completes every command and alias" start stop restart reload scale \
	delete del reset ls list status ps l jlist describe show info desc history logs \
	flush reloadLogs ping kill help version -- pmc ""
expect_is "'pmc re' completes reload, reloadLogs, reset and restart" \
	"reload reloadLogs reset restart" -- pmc re
expect_is "'pmc start --na' completes --name" "--name" -- pmc start --na
expect_is "'pmc --no-color start --na' skips the global flag" "--name" -- pmc --no-color start --na
expect_has "'pmc start -' completes start's flags" -n --name --cwd --env --interpreter \
	--interpreter-args --node-args --no-autorestart --min-uptime --max-restarts \
	--restart-delay --exp-backoff-restart-delay -k --kill-timeout --stop-exit-codes \
	-f --force -i --instances --exec-mode --port --listen --instance-var --wait-ready \
	--listen-timeout --shutdown-with-message -o --output -e --error -l --log \
	--merge-logs --time --log-date-format --log-type --log-max-size --log-retain \
	--log-rotate-names --log-compress --json -- pmc start -
expect_is "'pmc reload --' completes reload's flags" \
	"--env --help --json --no-color --only --parallel --update-env" -- pmc reload --
expect_is "'pmc scale --' completes scale's flags" "--help --json --no-color" -- pmc scale --
expect_is "'pmc logs --' completes logs' flags" \
	"--err --help --json --lines --no-color --nostream --out --raw --timestamp" -- pmc logs --
expect_is "'pmc flush --' completes flush's flags" "--help --json --no-color" -- pmc flush --
expect_is "'pmc reloadLogs --' completes its flags" "--help --json --no-color" -- pmc reloadLogs --
expect_is "'pmc history --l' completes --limit" "--limit" -- pmc history --l
expect_has "'pmc --' completes the global flags" --no-color --json --help --version -- pmc --
expect_is "'pmc help desc' completes commands" "desc describe" -- pmc help desc

# A folder without ecosystem files, so that only apps are offered.
cd "$tmp/dir" || exit 1

# No daemon: no socket, so jlist must not run (it would start a daemon).
: >"$PMC_CALLS"
expect_is "'pmc stop ' without a daemon offers all" "all" -- pmc stop ""
if [[ ! -s $PMC_CALLS ]]; then
	ok "without a daemon, pmc is not run"
else
	not_ok "without a daemon, pmc is not run" "calls: $(cat "$PMC_CALLS")"
fi

if make_socket "$PMC_HOME/rpc.sock"; then
	# A live daemon: socket plus a lock holding a live pid (this shell's).
	echo $$ >"$PMC_HOME/pmcd.lock"
	: >"$PMC_CALLS"
	expect_is "'pmc stop ' offers the apps and all" "all api worker" -- pmc stop ""
	if [[ $(cat "$PMC_CALLS") == jlist ]]; then
		ok "with a daemon, the names come from one pmc jlist"
	else
		not_ok "with a daemon, the names come from one pmc jlist" \
			"calls: $(cat "$PMC_CALLS")"
	fi
	expect_is "'pmc restart api worker w' completes worker" "worker" -- pmc restart api worker w
	for cmd in reload delete del reset describe show info desc logs history flush; do
		expect_is "'pmc $cmd a' completes api and all" "all api" -- pmc "$cmd" a
	done
	cd "$tmp/dir" || exit 1
	expect_has "'pmc start ' offers files and apps" api worker sub -- pmc start ""
	expect_is "'pmc reload api ' offers the apps and all" "all api worker" -- pmc reload api ""
	expect_is "'pmc flush api ' offers the apps and all" "all api worker" -- pmc flush api ""
	expect_is "'pmc logs --timestamp ' offers the apps and all" "all api worker" \
		-- pmc logs --timestamp ""
	expect_is "'pmc reloadLogs ' offers nothing" "" -- pmc reloadLogs ""
	expect_is "'pmc scale ' offers the apps, not all" "api worker" -- pmc scale ""
	expect_is "'pmc scale --json w' skips the flag" "worker" -- pmc scale --json w
	expect_is "'pmc scale api ' offers nothing for the count" "" -- pmc scale api ""
	expect_is "'pmc scale api -1' takes -1 as the count" "" -- pmc scale api -1
	expect_is "'pmc scale api -1 ' offers nothing more" "" -- pmc scale api -1 ""
	# Ecosystem files, and no other file, next to the apps.
	mkdir "$tmp/eco" && cd "$tmp/eco" || exit 1
	touch process.json ecosystem.config.js notes.txt app.js
	expect_is "'pmc stop ' offers apps, all and ecosystem files" \
		"all api ecosystem.config.js process.json worker" -- pmc stop ""
	expect_is "'pmc startOrRestart ' offers ecosystem files" \
		"ecosystem.config.js process.json" -- pmc startOrRestart ""
	expect_is "'pmc restart --' completes restart's flags" \
		"--env --help --json --no-color --only --update-env" -- pmc restart --
	cd "$tmp/dir" || exit 1

	# A daemon killed with SIGKILL leaves the socket and a dead pid.
	sh -c 'exit 0' &
	dead=$!
	wait "$dead"
	echo "$dead" >"$PMC_HOME/pmcd.lock"
	: >"$PMC_CALLS"
	expect_is "'pmc stop ' with a stale socket offers all" "all" -- pmc stop ""
	if [[ ! -s $PMC_CALLS ]]; then
		ok "with a stale socket, pmc is not run"
	else
		not_ok "with a stale socket, pmc is not run" "calls: $(cat "$PMC_CALLS")"
	fi
	rm -f "$PMC_HOME/rpc.sock" "$PMC_HOME/pmcd.lock"
else
	skip "neither perl nor python3 can create a Unix socket"
fi

# Values: directories for --cwd, nothing for free-form values.
cd "$tmp/dir" || exit 1
: >file
expect_is "'pmc start --cwd ' completes directories only" "sub" -- pmc start --cwd ""
for flag in -o --output -e --error -l --log; do
	expect_is "'pmc start $flag ' completes files" "file sub" -- pmc start "$flag" ""
done
expect_is "'pmc start app.js -l f' completes files" "file" -- pmc start app.js -l f
cd - >/dev/null || exit 1
expect_is "'pmc start --name ' completes nothing" "" -- pmc start --name ""
expect_is "'pmc start --exec-mode ' completes the modes" "cluster fork" -- pmc start --exec-mode ""
expect_is "'pmc start --exec-mode c' completes cluster" "cluster" -- pmc start --exec-mode c
expect_is "'pmc start --listen ' completes nothing" "" -- pmc start --listen ""
expect_is "'pmc start --port ' completes nothing" "" -- pmc start --port ""
expect_is "'pmc start --listen-timeout ' completes nothing" "" -- pmc start --listen-timeout ""
expect_is "'pmc start --instance-var ' completes nothing" "" -- pmc start --instance-var ""
expect_is "'pmc start -i ' completes max" "max" -- pmc start -i ""
expect_is "'pmc reload --parallel ' completes nothing" "" -- pmc reload --parallel ""
expect_has "'pmc start --interpreter no' completes none" none -- pmc start --interpreter no
expect_is "'pmc start --log-type ' completes the types" "json raw" -- pmc start --log-type ""
expect_is "'pmc start --log-type j' completes json" "json" -- pmc start --log-type j
expect_is "'pmc start --log-rotate-names ' completes the namings" "date number" \
	-- pmc start --log-rotate-names ""
for flag in --log-date-format --log-max-size --log-retain; do
	expect_is "'pmc start $flag ' completes nothing" "" -- pmc start "$flag" ""
done
expect_is "'pmc help fl' completes flush" "flush" -- pmc help fl

if command -v zsh >/dev/null 2>&1; then
	if out=$(zsh -n "$comp_dir/_pmc" 2>&1); then
		ok "_pmc parses (zsh -n)"
	else
		not_ok "_pmc parses (zsh -n)" "$out"
	fi
else
	skip "zsh is not installed"
fi

if command -v fish >/dev/null 2>&1; then
	if out=$(fish -n "$comp_dir/pmc.fish" 2>&1); then
		ok "pmc.fish parses (fish -n)"
	else
		not_ok "pmc.fish parses (fish -n)" "$out"
	fi
else
	skip "fish is not installed"
fi

echo "1..$n"
exit $failed
