#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# A damaged or unreadable pmc.db: a clear error with the path, the daemon's log
# and what to do; pmcd keeps a backup and --restore-backup puts it back.

load helper

@test "garbage in pmc.db: the error names the file, the log and the restore command; the restore brings the apps back" {
	pmc start sleeper.sh --name api >/dev/null
	pmc start quiet.sh --name jobs >/dev/null
	pmc stop jobs >/dev/null
	# save refreshes the backup (startup wrote one before these apps existed).
	pmc save >/dev/null
	pmc kill >/dev/null
	# kill marked the apps stopped; the backup still has api online.
	head -c 20000 /dev/urandom >"$PMC_HOME/pmc.db"
	cp "$PMC_HOME/pmc.db" "$E2E_WORK/garbage"
	run -3 pmc ls
	assert_contains "$output" "pmc: the daemon did not start: $PMC_HOME/pmc.db is not a pmc database"
	assert_contains "$output" "move it away to start fresh"
	assert_contains "$output" "or restore the backup $PMC_HOME/pmc.db.bak (from "
	assert_contains "$output" "with: PMC_HOME=$PMC_HOME $PMC_BUILD_ROOT/daemon/pmcd --restore-backup"
	assert_contains "$output" "(see $PMC_HOME/pmcd.log)"
	grep -q "is not a pmc database" "$PMC_HOME/pmcd.log"
	# The damaged file is never touched by a failed start.
	cmp "$PMC_HOME/pmc.db" "$E2E_WORK/garbage"
	run -0 pmcd --restore-backup
	assert_contains "$output" "restored $PMC_HOME/pmc.db from $PMC_HOME/pmc.db.bak"
	cmp "$PMC_HOME/pmc.db.damaged" "$E2E_WORK/garbage"
	# The next daemon starts from the backup: api was online then, so it runs.
	wait_until 10 'status_is api online'
	status_is jobs stopped
	run -0 pmc resurrect
	assert_contains "$output" "Already present, left alone: api, jobs"
}

@test "restore refuses while a daemon runs, and says so when there is no backup" {
	pmc start sleeper.sh --name api >/dev/null
	run -1 pmcd --restore-backup
	assert_contains "$output" "another pmcd is running (pid $(daemon_pid)): stop it first (pmc kill)"
	status_is api online
	pmc kill >/dev/null
	rm -f "$PMC_HOME/pmc.db.bak"
	printf 'SQLite format 3\0 but not really' >"$PMC_HOME/pmc.db"
	run -3 pmc ls
	assert_contains "$output" "$PMC_HOME/pmc.db is not a pmc database"
	assert_contains "$output" "(there is no usable backup $PMC_HOME/pmc.db.bak)"
	run -1 pmcd --restore-backup
	assert_contains "$output" "no backup to restore: $PMC_HOME/pmc.db.bak does not exist (move $PMC_HOME/pmc.db away to start fresh)"
	# A damaged backup is refused too, and pmc.db stays as it was.
	head -c 8192 /dev/urandom >"$PMC_HOME/pmc.db.bak"
	cp "$PMC_HOME/pmc.db" "$E2E_WORK/before"
	run -1 pmcd --restore-backup
	assert_contains "$output" "cannot restore the backup: $PMC_HOME/pmc.db.bak"
	cmp "$PMC_HOME/pmc.db" "$E2E_WORK/before"
	# Moving it away starts fresh, as the message says.
	mv "$PMC_HOME/pmc.db" "$E2E_WORK/moved.db"
	run -0 pmc ls
}

@test "damaged pages behind a sound header are caught by the integrity check at open" {
	pmc start sleeper.sh --name api >/dev/null
	local i
	for i in 1 2 3 4 5 6; do pmc restart api >/dev/null; done
	pmc save >/dev/null
	pmc kill >/dev/null
	# Overwrite every page but the first (the header and the schema stay readable).
	python3 - "$PMC_HOME/pmc.db" <<'PY'
import os, sys
path = sys.argv[1]
size = os.path.getsize(path)
assert size >= 3 * 4096, size
with open(path, "r+b") as f:
    for page in range(1, size // 4096):
        f.seek(page * 4096)
        f.write(b"\xa5" * 4096)
PY
	run -3 pmc ls
	assert_contains "$output" "$PMC_HOME/pmc.db is "
	assert_contains "$output" "pmcd --restore-backup"
	run -0 pmcd --restore-backup
	wait_until 10 'status_is api online'
	assert_eq "$(restarts_of api)" 6
}

@test "an unreadable pmc.db is a clear error with its path" {
	mkdir "$PMC_HOME/pmc.db"
	run -3 pmc ls
	assert_contains "$output" "pmc: the daemon did not start: $PMC_HOME/pmc.db: cannot open: Is a directory"
	assert_contains "$output" "(see $PMC_HOME/pmcd.log)"
}
