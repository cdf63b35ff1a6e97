# SPDX-License-Identifier: MIT
# bash completion for pmc(1): commands, aliases, flags, app names and files.

_pmc_commands='start stop restart reload scale delete del reset ls list status ps
l jlist monit dashboard describe show info desc history logs flush reloadLogs metrics ping kill update help
version startOrRestart startOrReload ecosystem init save dump resurrect startup unstartup
runtime'
_pmc_global_flags='--no-color --json -h --help -v -V --version'

# The flags of one command (by name or alias), global ones aside.
_pmc_command_flags()
{
	case $1 in
	start | runtime)
		[[ $1 == runtime ]] && echo '--raw --no-auto-exit'
		echo '-n --name --cwd --env --interpreter --interpreter-args
		--node-args --no-autorestart --min-uptime --max-restarts
		--restart-delay --exp-backoff-restart-delay -k --kill-timeout
		--stop-exit-codes -f --force -i --instances --exec-mode --port
		--listen --instance-var --wait-ready --listen-timeout
		--shutdown-with-message -o --output -e --error -l --log --merge-logs
		--time --log-date-format --log-type --log-max-size --log-retain
		--log-rotate-names --log-compress --max-memory-restart --only --watch --ignore-watch
		--watch-delay -c --cron-restart --cron --json' ;;
	reload) echo '--parallel -a --update-env --only --env --json' ;;
	restart | startOrRestart | startOrReload)
		echo '-a --update-env --only --env --json' ;;
	stop | delete | del) echo '--only --env --json' ;;
	ecosystem | init) echo '-f --force --json' ;;
	scale | reset | ls | list | status | ps | \
		l | describe | show | info | desc | flush | reloadLogs)
		echo '--json' ;;
	history) echo '--limit --json' ;;
	metrics) echo '--listen --stop --json' ;;
	logs) echo '--lines --nostream --out --err --raw --timestamp --json' ;;
	help) echo '--commands' ;;
	save | dump) echo '-f --force --list --json' ;;
	resurrect) echo '--json' ;;
	startup | unstartup) echo '--user' ;;
	esac
}

# Saved snapshot names, from the dump files in PMC_HOME (no daemon needed).
_pmc_snapshots()
{
	local home=${PMC_HOME:-$HOME/.pmc} f n
	echo default
	for f in "$home"/dump-*.pmc.json; do
		[[ -e $f ]] || continue
		n=${f##*/dump-}
		echo "${n%.pmc.json}"
	done
}

# App names from `pmc jlist`, only when a daemon already runs: jlist would
# start one otherwise. The socket must exist and the pid in pmcd.lock, when
# there is one, must be alive (a daemon killed with SIGKILL leaves both files).
_pmc_apps()
{
	local home=${PMC_HOME:-$HOME/.pmc} pid=
	[[ -S $home/rpc.sock && -f $home/pmcd.lock ]] || return 0
	read -r pid 2>/dev/null <"$home/pmcd.lock"
	if [[ $pid =~ ^[0-9]+$ ]]; then
		kill -0 "$pid" 2>/dev/null || return 0
	fi
	command pmc jlist 2>/dev/null |
		grep -oE '"name"[[:space:]]*:[[:space:]]*"[A-Za-z0-9._-]+"' |
		sed -E 's/.*"([^"]*)"$/\1/' | sort -u
}

# The number of arguments typed between the command word (at index $1) and
# the word being completed; only `--json`, `--no-color`, `-h` and `--help`
# are flags there (`pmc scale api -1`: -1 is an argument).
_pmc_count_args()
{
	local i n=0
	for ((i = $1 + 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--json | --no-color | -h | --help) ;;
		*) n=$((n + 1)) ;;
		esac
	done
	echo "$n"
}

# COMPREPLY = the words of $1 that start with $2.
_pmc_reply()
{
	mapfile -t COMPREPLY < <(compgen -W "$1" -- "$2")
}

# COMPREPLY = files (-f) or directories (-d) that start with $2.
_pmc_files()
{
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen "$1" -- "$2")
}

# COMPREPLY += ecosystem files that start with $1 (*.json, *.config.js, .cjs, .mjs),
# and directories once something is typed.
_pmc_eco_files()
{
	local f
	compopt -o filenames 2>/dev/null
	while IFS= read -r f; do
		if [[ -d $f ]]; then
			[[ -n $1 ]] && COMPREPLY+=("$f")
		else
			case $f in
			*.json | *.config.js | *.config.cjs | *.config.mjs) COMPREPLY+=("$f") ;;
			esac
		fi
	done < <(compgen -f -- "$1")
}

_pmc()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmd='' cmd_i=0 word i dashdash=''
	COMPREPLY=()

	for ((i = 1; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		if [[ $word == -- ]]; then
			dashdash=1
			break
		fi
		if [[ -z $cmd && $word != -* ]]; then
			cmd=$word
			cmd_i=$i
		fi
	done

	# Script arguments: anything, files are the best guess.
	if [[ -n $dashdash ]]; then
		_pmc_files -f "$cur"
		return 0
	fi

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			_pmc_reply "$_pmc_global_flags" "$cur"
		else
			_pmc_reply "$_pmc_commands" "$cur"
		fi
		return 0
	fi

	# Values of flags that take one.
	case $cmd:$prev in
	start:--watch | runtime:--watch)
		_pmc_files -d "$cur"
		return 0 ;;
	start:--cwd)
		_pmc_files -d "$cur"
		return 0 ;;
	start:--interpreter)
		_pmc_reply "none $(compgen -c -- "$cur" | sort -u)" "$cur"
		return 0 ;;
	start:--exec-mode)
		_pmc_reply "fork cluster" "$cur"
		return 0 ;;
	start:-i | start:--instances)
		_pmc_reply "max" "$cur"
		return 0 ;;
	start:-o | start:--output | start:-e | start:--error | start:-l | start:--log)
		_pmc_files -f "$cur"
		return 0 ;;
	start:--log-type)
		_pmc_reply "json raw" "$cur"
		return 0 ;;
	start:--log-rotate-names)
		_pmc_reply "number date" "$cur"
		return 0 ;;
	start:-n | start:--name | start:--env | start:--interpreter-args | \
	start:--node-args | start:--min-uptime | start:--max-restarts | \
	start:--restart-delay | start:--exp-backoff-restart-delay | start:-k | \
	start:--kill-timeout | start:--stop-exit-codes | start:--port | \
	start:--listen | start:--instance-var | start:--listen-timeout | \
	start:--log-date-format | start:--log-max-size | start:--log-retain | \
	start:--max-memory-restart | metrics:--listen | \
	reload:--parallel | history:--limit | logs:--lines | *:--only | *:--env)
		return 0 ;;
	esac

	# scale NAME COUNT: an app name, then a count (nothing to offer; it may
	# start with a dash).
	if [[ $cmd == scale ]]; then
		if [[ $(_pmc_count_args "$cmd_i") == 0 && $cur != -* ]]; then
			_pmc_reply "$(_pmc_apps)" "$cur"
		elif [[ $cur == -* && ! $cur =~ ^-[0-9]+$ ]]; then
			_pmc_reply "--json --no-color -h --help" "$cur"
		fi
		return 0
	fi

	if [[ $cur == -* ]]; then
		_pmc_reply "$(_pmc_command_flags "$cmd") --no-color -h --help" "$cur"
		return 0
	fi

	case $cmd in
	start | runtime)
		_pmc_reply "$(_pmc_apps)" "$cur"
		local apps=("${COMPREPLY[@]}")
		_pmc_files -f "$cur"
		COMPREPLY+=("${apps[@]}") ;;
	stop | restart | reload | delete | del)
		# An app, or an ecosystem file.
		_pmc_reply "$(_pmc_apps) all" "$cur"
		_pmc_eco_files "$cur" ;;
	startOrRestart | startOrReload)
		_pmc_eco_files "$cur" ;;
	ecosystem | init)
		_pmc_reply "simple" "$cur"
		local words=("${COMPREPLY[@]}")
		_pmc_files -f "$cur"
		COMPREPLY+=("${words[@]}") ;;
	reset | describe | show | info | desc | logs | history | flush)
		_pmc_reply "$(_pmc_apps) all" "$cur" ;;
	help)
		_pmc_reply "$_pmc_commands" "$cur" ;;
	save | dump | resurrect)
		_pmc_reply "$(_pmc_snapshots)" "$cur" ;;
	startup | unstartup)
		_pmc_reply "systemd" "$cur" ;;
	esac
	return 0
}

complete -F _pmc pmc
