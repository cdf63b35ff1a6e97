#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# --cron-restart: checked at start, the next time shown by describe and jlist, and a
# restart at that time recorded with the reason "cron".

load helper

@test "a valid expression is accepted and describe shows its next time" {
	pmc start sleeper.sh --name c --cron-restart "0 3 * * *" >/dev/null
	assert_eq "$(env_of c cron_restart)" "0 3 * * *"
	local next now
	next=$(env_of c cron_next)
	now=$(now_ms)
	[ "$next" -gt "$now" ]
	[ "$next" -le $((now + 86400000)) ]
	assert_eq "$(TZ= date -d "@$((next / 1000))" +%H:%M:%S)" "03:00:00"
	run -0 pmc describe c
	assert_contains "$output" "cron restart"
	assert_contains "$output" "0 3 * * *"
	assert_contains "$output" "T03:00:00"
}

@test "@macros and the PM2 alias --cron are accepted" {
	pmc start sleeper.sh --name m --cron @hourly >/dev/null
	assert_eq "$(env_of m cron_restart)" "@hourly"
	[ "$(($(env_of m cron_next) % 3600000))" -eq 0 ]
}

@test "an invalid expression is refused with the reason" {
	run -2 pmc start sleeper.sh --name c --cron-restart "61 * * * *"
	assert_contains "$output" "minute field '61': 61 is out of range (0-59)"
	run -2 pmc start sleeper.sh --name c --cron-restart "* * * *"
	assert_contains "$output" "4 fields, expected 5"
	run -2 pmc start sleeper.sh --name c -c "@reboot"
	assert_contains "$output" "unknown macro"
	# Valid but never due: the daemon refuses it.
	run -1 pmc start sleeper.sh --name c --cron-restart "0 0 30 2 *"
	assert_contains "$output" "cron_restart '0 0 30 2 *' never fires"
	run -0 pmc jlist
	assert_eq "$output" "[]"
}

@test "the restart happens at the time, with the reason cron" {
	# A seconds field (as croner reads six fields): every second.
	pmc start sleeper.sh --name c --cron-restart "* * * * * *" >/dev/null
	wait_until 10 'history_json c | grep -q "\"reason\": \"cron\""'
	wait_until 10 'status_is c online'
	[ "$(restarts_of c)" -ge 1 ]
	# Stopped apps are not restarted by cron, and show no next time.
	pmc stop c >/dev/null
	assert_eq "$(jl "'cron_next' in app('c')['pm2_env']")" false
}
