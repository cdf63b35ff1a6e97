# SPDX-License-Identifier: MIT
# fish completion for pmc(1): commands, aliases, flags, app names and files.

set -l pmc_commands start stop restart reload scale delete del reset ls list status ps l jlist monit dashboard describe show info desc history logs flush reloadLogs metrics ping kill update help version startOrRestart startOrReload ecosystem init save dump resurrect startup unstartup runtime
set -l pmc_target_commands stop restart reload delete del reset describe show info desc history logs flush

# App names from `pmc jlist`, only when a daemon already runs: jlist would
# start one otherwise. The socket must exist and the pid in pmcd.lock, when
# there is one, must be alive (a daemon killed with SIGKILL leaves both files).
function __pmc_apps
    set -l home $HOME/.pmc
    set -q PMC_HOME; and set home $PMC_HOME
    test -S $home/rpc.sock; and test -f $home/pmcd.lock; or return 0
    read -l pid 2>/dev/null <$home/pmcd.lock
    if string match -qr '^[0-9]+$' -- "$pid"
        kill -0 $pid 2>/dev/null; or return 0
    end
    command pmc jlist 2>/dev/null \
        | string match -ar '"name"\s*:\s*"[A-Za-z0-9._-]+"' \
        | string replace -r '.*"([^"]*)"$' '$1' | sort -u
end

# The command word (the first word that is not a flag), if typed yet.
function __pmc_command
    for w in (commandline -opc)[2..-1]
        string match -q -- '-*' $w; and continue
        echo $w
        return 0
    end
    return 1
end

# True when the command is scale and its app name has not been typed yet
# (`pmc scale api -1`: after the name, -1 is the count, not a flag).
function __pmc_scale_needs_name
    set -l words (commandline -opc)[2..-1]
    set -l seen 0
    for w in $words
        if test $seen = 0
            string match -q -- '-*' $w; and continue
            test "$w" = scale; or return 1
            set seen 1
            continue
        end
        contains -- $w --json --no-color -h --help; or return 1
    end
    test $seen = 1
end

# True while the command word has not been typed yet.
function __pmc_needs_command
    not __pmc_command >/dev/null
end

# True when the command word is one of the arguments.
function __pmc_using
    set -l cmd (__pmc_command); or return 1
    contains -- $cmd $argv
end

complete -c pmc -f

# Global options.
complete -c pmc -n __pmc_needs_command -l no-color -d 'Do not use colours'
complete -c pmc -n __pmc_needs_command -l json -d 'Print JSON instead of a table'
complete -c pmc -s h -l help -d 'Print help'
complete -c pmc -n __pmc_needs_command -s v -s V -l version -d 'Print the version'

# Commands and aliases.
complete -c pmc -n __pmc_needs_command -a start -d 'Start an app, or restart an existing one'
complete -c pmc -n __pmc_needs_command -a stop -d 'Stop apps'
complete -c pmc -n __pmc_needs_command -a restart -d 'Restart apps'
complete -c pmc -n __pmc_needs_command -a reload -d 'Replace instances one by one without refusing a connection'
complete -c pmc -n __pmc_needs_command -a scale -d 'Set the number of instances of an app (N, +N or -N)'
complete -c pmc -n __pmc_needs_command -a 'delete del' -d 'Stop apps and forget them'
complete -c pmc -n __pmc_needs_command -a reset -d 'Reset restart counters'
complete -c pmc -n __pmc_needs_command -a 'ls list status ps l' -d 'List apps in a table'
complete -c pmc -n __pmc_needs_command -a jlist -d 'List apps as JSON'
complete -c pmc -n __pmc_needs_command -a 'monit dashboard' -d 'Live dashboard of every instance'
complete -c pmc -n __pmc_needs_command -a 'describe show info desc' -d 'Show the details of an app'
complete -c pmc -n __pmc_needs_command -a history -d 'Show the restart history'
complete -c pmc -n __pmc_needs_command -a logs -d 'Print and follow app logs'
complete -c pmc -n __pmc_needs_command -a flush -d 'Empty the log files of apps'
complete -c pmc -n __pmc_needs_command -a reloadLogs -d 'Reopen every log file (after logrotate or a move)'
complete -c pmc -n __pmc_needs_command -a ping -d 'Start the daemon if needed and check it answers'
complete -c pmc -n __pmc_needs_command -a kill -d 'Stop every app and the daemon'
complete -c pmc -n __pmc_needs_command -a runtime -d 'Run the daemon in the foreground with the apps (containers)'
complete -c pmc -n __pmc_needs_command -a update -d 'Re-execute the installed pmcd; apps keep running'
complete -c pmc -n __pmc_needs_command -a help -d 'Print help for a command'
complete -c pmc -n __pmc_needs_command -a version -d 'Print the version'
complete -c pmc -n __pmc_needs_command -a startOrRestart -d 'Start an ecosystem file, restart the apps already known'
complete -c pmc -n __pmc_needs_command -a startOrReload -d 'Start an ecosystem file, reload the apps already known'
complete -c pmc -n __pmc_needs_command -a 'ecosystem init' -d 'Write a starter ecosystem file'
complete -c pmc -n __pmc_needs_command -a 'save dump' -d 'Save the apps as a snapshot for resurrect'
complete -c pmc -n __pmc_needs_command -a resurrect -d 'Bring back the apps of a saved snapshot'
complete -c pmc -n __pmc_needs_command -a startup -d 'Start pmcd at boot with a systemd unit'
complete -c pmc -n __pmc_needs_command -a unstartup -d 'Remove the unit written by startup'

# Flags every command takes.
complete -c pmc -n "not __pmc_needs_command" -l no-color -d 'Do not use colours'

# start
set -l s "__pmc_using start runtime"
complete -c pmc -n $s -F -a '(__pmc_apps)' -d 'Script, or app to restart'
complete -c pmc -n $s -s n -l name -x -d 'Name of the app'
complete -c pmc -n $s -l cwd -x -a '(__fish_complete_directories)' -d 'Working directory of the app'
complete -c pmc -n $s -l env -x -d 'Environment variable KEY=VALUE (with a file: PROFILE)'
complete -c pmc -n $s -l only -x -d 'With an ecosystem file: only these apps (A,B)'
complete -c pmc -n $s -l interpreter -x -a 'none node python3 bash sh ruby' -d 'Program that runs the script'
complete -c pmc -n $s -l interpreter-args -x -d 'Interpreter arguments'
complete -c pmc -n $s -l node-args -x -d 'Interpreter arguments'
complete -c pmc -n $s -l no-autorestart -d 'Do not restart the app when it exits'
complete -c pmc -n $s -l min-uptime -x -d 'Duration: a shorter run is unstable'
complete -c pmc -n $s -l max-restarts -x -d 'Unstable restarts in a row before errored'
complete -c pmc -n $s -l restart-delay -x -d 'Duration before a restart'
complete -c pmc -n $s -l exp-backoff-restart-delay -x -d 'First restart delay, then x1.5 up to 15s'
complete -c pmc -n $s -s k -l kill-timeout -x -d 'Duration from the stop signal to SIGKILL'
complete -c pmc -n $s -l stop-exit-codes -x -d 'Exit codes that are not restarted'
complete -c pmc -n $s -s f -l force -d 'Start another copy of a running app'
complete -c pmc -n $s -s i -l instances -x -a max -d 'Number of instances (max or 0: one per CPU; -N: CPUs minus N)'
complete -c pmc -n $s -l exec-mode -x -a 'fork cluster' -d 'Execution mode'
complete -c pmc -n $s -l port -x -d 'Set PORT and share 0.0.0.0:PORT among the instances'
complete -c pmc -n $s -l listen -x -d 'Share a listening socket among the instances'
complete -c pmc -n $s -l instance-var -x -d 'Variable holding the instance index'
complete -c pmc -n $s -l wait-ready -d 'Ready when the app says so'
complete -c pmc -n $s -l listen-timeout -x -d 'Duration: longest wait for readiness'
complete -c pmc -n $s -l shutdown-with-message -d 'Stop Node.js apps with a shutdown message'
complete -c pmc -n $s -s o -l output -r -F -d 'Standard output log (/dev/null: none)'
complete -c pmc -n $s -s e -l error -r -F -d 'Standard error log (/dev/null: none)'
complete -c pmc -n $s -s l -l log -F -d 'Also write both streams to one file'
complete -c pmc -n $s -l merge-logs -d 'Instances share their log files'
complete -c pmc -n $s -l time -d 'Prefix each logged line with the time'
complete -c pmc -n $s -l log-date-format -x -d 'Prefix each logged line with the time as FMT'
complete -c pmc -n $s -l log-type -x -a 'json raw' -d 'How lines are logged'
complete -c pmc -n $s -l log-max-size -x -d 'Rotate a log file once it holds SIZE (10M; 0: never)'
complete -c pmc -n $s -l log-retain -x -d 'Rotated files kept per log (default 5)'
complete -c pmc -n $s -l log-rotate-names -x -a 'number date' -d 'How rotated files are named'
complete -c pmc -n $s -l log-compress -d 'Gzip rotated log files'
complete -c pmc -n $s -l max-memory-restart -x -d 'Restart when the processes stay above SIZE of RSS (200M)'
complete -c pmc -n $s -l watch -a '(__fish_complete_directories)' -d 'Restart when a file changes (default: the app directory)'
complete -c pmc -n $s -l ignore-watch -x -d 'Changes to ignore besides node_modules and .git'
complete -c pmc -n $s -l watch-delay -x -d 'Restart once no file changed for DUR'
complete -c pmc -n $s -s c -l cron-restart -x -d 'Restart at the times of a cron expression'
complete -c pmc -n $s -l cron -x -d 'Restart at the times of a cron expression'

# runtime
complete -c pmc -n "__pmc_using runtime" -l raw -d 'Print the lines without the ID|NAME prefix'
complete -c pmc -n "__pmc_using runtime" -l no-auto-exit -d 'Keep running when every app stayed down'
complete -c pmc -n $s -l json -d 'Print JSON instead of a table'

# Commands that take targets.
complete -c pmc -n "__pmc_using $pmc_target_commands" -a '(__pmc_apps) all' -d App
complete -c pmc -n "__pmc_using stop restart reload scale delete del reset ls list status ps l describe show info desc history logs flush reloadLogs" -l json -d 'Print JSON instead of a table'

# reload
complete -c pmc -n "__pmc_using reload" -l parallel -x -d 'Instances of an app replaced at a time (default 1)'

# Ecosystem files: stop, restart, reload, delete take one too.
set -l e "__pmc_using stop restart reload delete del startOrRestart startOrReload"
complete -c pmc -n $e -F -d 'Ecosystem file'
complete -c pmc -n $e -l only -x -d 'With an ecosystem file: only these apps (A,B)'
complete -c pmc -n $e -l env -x -d 'With an ecosystem file: the env_PROFILE to use'
complete -c pmc -n "__pmc_using restart reload startOrRestart startOrReload" -s a -l update-env -d "The apps take this shell's environment"
complete -c pmc -n "__pmc_using startOrRestart startOrReload" -l json -d 'Print JSON instead of a table'

# ecosystem, init
complete -c pmc -n "__pmc_using ecosystem init" -a simple -d 'One app only'
complete -c pmc -n "__pmc_using ecosystem init" -F -d 'File to write'
complete -c pmc -n "__pmc_using ecosystem init" -s f -l force -d 'Overwrite the file if it exists'
complete -c pmc -n "__pmc_using ecosystem init" -l json -d 'Print JSON instead of a table'

# scale: an app name, then a count
complete -c pmc -n __pmc_scale_needs_name -a '(__pmc_apps)' -d App

# history
complete -c pmc -n "__pmc_using history" -l limit -x -d 'Number of newest events (default 50)'

# metrics
complete -c pmc -n __pmc_needs_command -a metrics -d 'Show, start or stop the Prometheus /metrics endpoint'
complete -c pmc -n "__pmc_using metrics" -l listen -x -d 'Serve GET /metrics on ADDR (HOST:PORT or PORT)'
complete -c pmc -n "__pmc_using metrics" -l stop -d 'Stop serving /metrics'
complete -c pmc -n "__pmc_using metrics" -l json -d 'Print JSON'

# logs
set -l g "__pmc_using logs"
complete -c pmc -n $g -l lines -x -d 'Lines from the end of each file (default 15)'
complete -c pmc -n $g -l nostream -d 'Print the last lines and exit'
complete -c pmc -n $g -l out -d 'Only standard output logs'
complete -c pmc -n $g -l err -d 'Only standard error logs'
complete -c pmc -n $g -l raw -d 'Do not prefix lines with id and name'
complete -c pmc -n $g -l timestamp -d 'Prefix lines with the time they are shown (--timestamp=FMT)'

# help
set -l h "__pmc_using help"
complete -c pmc -n $h -l commands -d 'Print every command and alias name'
complete -c pmc -n $h -a "$pmc_commands" -d Command

# save, resurrect: snapshot names from the dump files in PMC_HOME
function __pmc_snapshots
    set -l home $PMC_HOME
    test -n "$home"; or set home $HOME/.pmc
    echo default
    for f in $home/dump-*.pmc.json
        string replace -r '^.*/dump-(.*)\.pmc\.json$' '$1' -- $f
    end
end
complete -c pmc -n "__pmc_using save dump resurrect" -f -a '(__pmc_snapshots)' -d Snapshot
complete -c pmc -n "__pmc_using save dump" -s f -l force -d 'Save even when no app is defined'
complete -c pmc -n "__pmc_using save dump" -l list -d 'List the saved snapshots'
complete -c pmc -n "__pmc_using save dump resurrect" -l json -d 'Print JSON'

# startup, unstartup
complete -c pmc -n "__pmc_using startup unstartup" -f -a systemd -d 'Init system'
complete -c pmc -n "__pmc_using startup unstartup" -l user -d 'A systemd --user unit'
