#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# A start that cannot spawn is a clear synchronous error (exit 1), and nothing is kept.

load helper

# The start failed cleanly: exit 1, a `pmc: ` message naming WHAT on stderr, no app.
expect_spawn_error() {
	local what=$1
	shift
	run -1 --separate-stderr pmc start "$@"
	SPAWN_ERR=$stderr
	assert_contains "$stderr" "pmc: "
	assert_contains "$stderr" "$what"
	assert_eq "$(names)" "keeper"
	assert_eq "$(pid_of keeper)" "$KEEPER"
	run -0 pmc ls
	assert_not_contains "$output" "$what"
}

setup() {
	_e2e_setup
	pmc start sleeper.sh --name keeper >/dev/null
	KEEPER=$(pid_of keeper)
}

@test "a missing script" {
	expect_spawn_error nosuch.js nosuch.js
	expect_spawn_error "$APPS/missing/app.py" "$APPS/missing/app.py"
}

@test "a directory" {
	mkdir adir
	expect_spawn_error adir adir
	[[ "${SPAWN_ERR,,}" == *directory* ]]
}

@test "a non-executable file without shebang or known extension" {
	expect_spawn_error not-exec not-exec
	expect_spawn_error prog prog.txt
}

@test "an interpreter that does not exist" {
	expect_spawn_error nosuchbin sleeper.sh --name other --interpreter nosuchbin
	expect_spawn_error nosuchbin server.py --interpreter nosuchbin
}

@test "a bare command that is not in PATH" {
	expect_spawn_error no-such-command-e2e no-such-command-e2e
}

@test "nothing is stored: no log files, no app after a daemon restart" {
	run -1 pmc start nosuch.js
	run -1 pmc start not-exec
	run -1 pmc start sleeper.sh --name x --interpreter nosuchbin
	assert_eq "$(ls "$PMC_HOME/logs" | grep -v '^keeper-' || true)" ""
	pmc kill >/dev/null
	assert_eq "$(names)" keeper
}
