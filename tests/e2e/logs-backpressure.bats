#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Apps that write as fast as they can do not make the daemon hold their output:
# its memory stays bounded and it keeps answering.

load helper

vmrss_kb() {
	sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$1/status"
}

@test "4 flooding apps for 3 s: pmcd VmRSS under 32 MB and ping answers throughout" {
	# Rotation bounds the disk used: the apps write hundreds of MB a second.
	pmc start log-flood.py -i 4 --log-max-size 4M --log-retain 1 -- 5000 loop >/dev/null
	local dpid
	dpid=$(daemon_pid)
	wait_until 10 '[ "$(jl "[p[\"pm2_env\"][\"status\"] for p in d]")" = "[\"online\", \"online\", \"online\", \"online\"]" ]'
	local deadline=$(($(now_ms) + 3000)) max=0 rss samples=0 pings=0 next_ping=0
	while (($(now_ms) < deadline)); do
		rss=$(vmrss_kb "$dpid")
		[ -n "$rss" ]
		((rss > max)) && max=$rss
		samples=$((samples + 1))
		if (($(now_ms) >= next_ping)); then
			timeout 5 pmc ping >/dev/null
			pings=$((pings + 1))
			next_ping=$(($(now_ms) + 500))
		fi
		sleep 0.1
	done
	echo "# max VmRSS ${max} kB over $samples samples, $pings pings" >&3
	# A sanitizer build keeps freed memory in quarantine and has shadow
	# memory: its RSS says nothing about buffering.
	if grep -qa __asan_init "$(readlink "/proc/$dpid/exe")"; then
		max=0
	fi
	((max < 32768)) || {
		echo "pmcd VmRSS reached $max kB" >&2
		false
	}
	# The apps really flooded: files were rotated.
	[ -f "$PMC_HOME/logs/log-flood-out-0.log.1" ]
	run -0 timeout 5 pmc ping
	pmc stop all >/dev/null
	# Each instance's files hold whole, consecutive lines (the rotated one
	# and the current one continue each other).
	local k
	for k in 0 1 2 3; do
		run -0 python3 "$APPS/log-check.py" --any-start \
			"$PMC_HOME/logs/log-flood-out-$k.log.1" "$PMC_HOME/logs/log-flood-out-$k.log"
		assert_contains "$output" "out i$k "
	done
}
