#!/bin/sh
# SPDX-License-Identifier: MIT
# Daemon memory: VmRSS of pmcd (and of PM2's God Daemon) with 0, 10 and 100 small apps.
set -eu
. "$(dirname "$0")/lib.sh"

APP=$(make_sleep_app)
COUNTS="0 10 100"

# measure pmc|pm2 START_CMD_PREFIX: grow to each count, wait until online, read the RSS.
measure() {
	_who=$1
	_have=0
	_line=
	for _n in $COUNTS; do
		while [ "$_have" -lt "$_n" ]; do
			if [ "$_who" = pmc ]; then
				"$PMC" start "$APP" --name "a$_have" >/dev/null
			else
				pm2 start "$APP" --name "a$_have" >/dev/null
			fi
			_have=$((_have + 1))
		done
		wait_until 60 online_is "$_n" "$_who" || {
			echo "bench rss: $_who: $_n apps not online within 60 s" >&2
			exit 1
		}
		# Let the daemon finish what the last start set off before sampling.
		sleep 1
		if [ "$_who" = pmc ]; then _pid=$(pmcd_pid); else _pid=$(pm2_daemon_pid); fi
		_line="$_line apps${_n}=$(rss_line "$_pid")"
	done
	result "rss $_who:$_line"
}

"$PMC" ping >/dev/null
measure pmc
if have_pm2; then
	pm2 ping >/dev/null 2>&1
	measure pm2
else
	result "rss pm2: skipped (run bench/setup.sh)"
fi
