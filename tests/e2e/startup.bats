#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# startup/unstartup: the systemd unit, written into a temporary unit directory
# with a fake systemctl that records its arguments; the real system is never
# touched. The unit is checked by structure, by systemd-analyze where it is
# installed, and by running its ExecStart.

load helper

setup() {
	_e2e_setup
	UNITS="$E2E_WORK/units"
	SC_LOG="$E2E_WORK/systemctl.log"
	cat >"$E2E_WORK/fake-systemctl" <<SH
#!/bin/sh
echo "\$*" >>"$SC_LOG"
exit \${FAKE_SYSTEMCTL_STATUS:-0}
SH
	chmod 755 "$E2E_WORK/fake-systemctl"
	export PMC_SYSTEMCTL="$E2E_WORK/fake-systemctl"
	export PMC_SYSTEMD_UNIT_DIR="$UNITS"
	ME=$(id -un)
}

# check_unit FILE USER|-: sections, ExecStart, Environment, User=, Restart=.
check_unit() {
	PMC_E2E_USER=$2 python3 - "$1" <<'PY'
import os, shlex, sys
text = open(sys.argv[1]).read()
assert text.startswith("# Written by pmc startup"), text
sections, cur = {}, None
for line in text.splitlines():
    if not line or line.startswith("#"):
        continue
    if line.startswith("["):
        cur = line.strip("[]")
        sections[cur] = []
        continue
    key, _, value = line.partition("=")
    sections[cur].append((key, value))
assert list(sections) == ["Unit", "Service", "Install"], list(sections)
svc = sections["Service"]
get = lambda k: [v for key, v in svc if key == k]
exec_start = shlex.split(get("ExecStart")[0])
assert os.path.isabs(exec_start[0]) and os.access(exec_start[0], os.X_OK), exec_start
assert os.path.basename(exec_start[0]) == "pmcd", exec_start
assert exec_start[1:] == ["--foreground", "--resurrect"], exec_start
env = dict(shlex.split(e)[0].replace("%%", "%").split("=", 1) for e in get("Environment"))
assert env["PMC_HOME"] == os.environ["PMC_HOME"], env
assert env["PATH"], env
assert get("Restart") == ["on-failure"], get("Restart")
assert get("Type") == ["simple"]
assert get("KillMode") == ["mixed"]
user = os.environ["PMC_E2E_USER"]
if user == "-":
    assert get("User") == [], get("User")
    assert sections["Install"] == [("WantedBy", "default.target")]
else:
    assert get("User") == [user], get("User")
    assert sections["Install"] == [("WantedBy", "multi-user.target")]
print("ok")
PY
}

@test "startup writes a system unit, reloads and enables it; unstartup disables and removes it" {
	run -0 pmc startup
	local unit="$UNITS/pmc-$ME.service"
	assert_contains "$output" "[pmc] Wrote $unit"
	assert_contains "$output" "Enabled pmc-$ME.service"
	assert_eq "$(cat "$SC_LOG")" "daemon-reload
enable pmc-$ME.service"
	run -0 check_unit "$unit" "$ME"
	assert_eq "$output" ok
	assert_eq "$(stat -c %a "$unit")" 644
	if command -v systemd-analyze >/dev/null; then
		run -0 systemd-analyze verify --man=no "$unit"
	fi
	# `systemd` may be named, as with PM2; other init systems are refused.
	run -0 pmc startup systemd
	run -2 pmc startup upstart
	assert_contains "$output" "unsupported init system 'upstart' (pmc writes systemd units only)"
	: >"$SC_LOG"
	run -0 pmc unstartup
	assert_contains "$output" "[pmc] Removed $unit"
	[ ! -e "$unit" ]
	assert_eq "$(cat "$SC_LOG")" "disable pmc-$ME.service
daemon-reload"
	run -0 pmc unstartup
	assert_contains "$output" "No startup unit at $unit: nothing to remove"
}

@test "startup --user writes ~/.config/systemd/user/pmc.service and uses systemctl --user" {
	unset PMC_SYSTEMD_UNIT_DIR
	mkdir "$E2E_WORK/home"
	HOME="$E2E_WORK/home" XDG_CONFIG_HOME= run -0 pmc startup --user
	local unit="$E2E_WORK/home/.config/systemd/user/pmc.service"
	assert_contains "$output" "[pmc] Wrote $unit"
	assert_contains "$output" "loginctl enable-linger $ME"
	assert_eq "$(cat "$SC_LOG")" "--user daemon-reload
--user enable pmc.service"
	run -0 check_unit "$unit" -
	if command -v systemd-analyze >/dev/null; then
		run -0 systemd-analyze verify --man=no "$unit"
	fi
	: >"$SC_LOG"
	HOME="$E2E_WORK/home" XDG_CONFIG_HOME= run -0 pmc unstartup --user
	[ ! -e "$unit" ]
	assert_eq "$(cat "$SC_LOG")" "--user disable pmc.service
--user daemon-reload"
}

@test "the unit's ExecStart starts pmcd, which resurrects the saved apps" {
	pmc start sleeper.sh --name api >/dev/null
	pmc start quiet.sh --name jobs >/dev/null
	pmc stop jobs >/dev/null
	pmc save >/dev/null
	pmc kill >/dev/null
	pmc startup >/dev/null
	# Run the service as systemd would: its Environment= and ExecStart=.
	python3 - "$UNITS/pmc-$ME.service" >"$E2E_WORK/service.sh" <<'PY'
import shlex, sys
env, cmd = [], None
for line in open(sys.argv[1]):
    key, _, value = line.rstrip("\n").partition("=")
    if key == "Environment":
        env.append(shlex.split(value)[0].replace("%%", "%"))
    elif key == "ExecStart":
        cmd = shlex.split(value.replace("$$", "$").replace("%%", "%"))
print("exec env -i " + " ".join(shlex.quote(a) for a in env + cmd))
PY
	sh "$E2E_WORK/service.sh" 2>"$E2E_WORK/service.err" &
	record_pid $!
	wait_until 10 '[ -S "$PMC_HOME/rpc.sock" ] && status_is api online'
	status_is jobs stopped
	assert_eq "$(daemon_pid)" "$!"
}

@test "odd paths are quoted for systemd; a failing systemctl is reported" {
	local odd="$E2E_WORK/a b%c"
	PMC_HOME="$odd" run -0 pmc startup
	grep -qxF "Environment=\"PMC_HOME=$E2E_WORK/a b%%c\"" "$UNITS/pmc-$ME.service"
	PMC_HOME="$odd" run -0 check_unit "$UNITS/pmc-$ME.service" "$ME"
	rm "$UNITS/pmc-$ME.service"
	FAKE_SYSTEMCTL_STATUS=3 run -1 pmc startup
	assert_contains "$output" "failed (exit status 3): the unit is written but not enabled"
	[ -f "$UNITS/pmc-$ME.service" ]
	# unstartup removes only a unit that pmc wrote.
	echo "[Unit]" >"$UNITS/pmc-$ME.service"
	run -1 pmc unstartup
	assert_contains "$output" "$UNITS/pmc-$ME.service was not written by pmc startup: not removing it"
	[ -f "$UNITS/pmc-$ME.service" ]
}

@test "startup without root prints the unit and the command that installs it, writing nothing" {
	unset PMC_SYSTEMD_UNIT_DIR
	local -a as_user=()
	if [ "$(id -u)" = 0 ]; then
		command -v setpriv >/dev/null || skip "setpriv is needed to drop root"
		getent passwd 65534 >/dev/null || skip "no account with uid 65534"
		as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	fi
	local home="$E2E_WORK/nobody-home"
	mkdir "$home" && chmod 777 "$home"
	PMC_HOME="$home" run -0 "${as_user[@]}" env PMC_HOME="$home" "$PMC_BUILD_ROOT/cmd/pmc" startup
	assert_contains "$output" "# Written by pmc startup"
	assert_contains "$output" "ExecStart=\"$PMC_BUILD_ROOT/daemon/pmcd\" --foreground --resurrect"
	assert_contains "$output" "needs root. To install it, run:"
	assert_contains "$output" "sudo env PATH="
	assert_contains "$output" "PMC_HOME=\"$home\" $PMC_BUILD_ROOT/cmd/pmc startup systemd"
	[ ! -s "$SC_LOG" ]
}

@test "startup where systemd is not the running init writes the unit and says how to enable it" {
	[ ! -d /run/systemd/system ] || skip "systemd runs here: this would call the real systemctl"
	unset PMC_SYSTEMCTL
	run -0 pmc startup --user
	assert_contains "$output" "[pmc] Wrote $UNITS/pmc.service"
	assert_contains "$output" "systemd is not running here: enable the unit once it is, with"
	assert_contains "$output" "systemctl --user daemon-reload && systemctl --user enable pmc.service"
	[ ! -e "$SC_LOG" ]
	run -0 pmc unstartup --user
	[ ! -e "$UNITS/pmc.service" ]
}
