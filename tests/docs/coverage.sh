#!/bin/sh
# SPDX-License-Identifier: MIT
# Every command, alias and long flag the CLI knows is documented in pmc(1) and
# completed by the bash, zsh and fish completions, and every RPC method of the
# daemon's table has its section in pmcd(8) (TAP).
# Usage: coverage.sh PMC_BINARY SOURCE_ROOT

LC_ALL=C
export LC_ALL
pmc=$1
root=$2
if [ -z "$pmc" ] || [ -z "$root" ]; then
	echo "usage: coverage.sh PMC_BINARY SOURCE_ROOT" >&2
	exit 2
fi

# Meson passes paths relative to the build directory.
case $pmc in /*) ;; *) pmc="$PWD/$pmc" ;; esac
case $root in /*) ;; *) root="$PWD/$root" ;; esac

man="$root/man/pmc.1"
man8="$root/man/pmcd.8"
method_table="$root/daemon/methods.c"
completions="$root/completions/pmc.bash $root/completions/_pmc $root/completions/pmc.fish"

tmp=$(mktemp -d /tmp/pmc-docs.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# `help` must not need a daemon; if it ever tried to start one, it would fail
# here instead of leaving a process behind.
PMC_HOME="$tmp/home"
PMC_PMCD=/nonexistent/pmcd
NO_COLOR=1
export PMC_HOME PMC_PMCD NO_COLOR

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

check()
{
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# The page as plain text: roff escapes for '-', fonts and zero-width removed.
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' -e 's/\\&//g' \
	"$man" >"$tmp/pmc.1.txt" || exit 1
# The .SS headings of the COMMANDS section.
sed -n '/^\.SH COMMANDS/,/^\.SH /p' "$tmp/pmc.1.txt" | sed -n 's/^\.SS //p' |
	tr -d '"' >"$tmp/headings"

# fish spells long options as `-l name`: rewrite them as `--name`.
for f in $completions; do
	base=$(basename "$f")
	sed -E 's/(^|[[:space:]])-l[[:space:]]+([a-z][a-z0-9-]*)/\1--\2/g' "$f" >"$tmp/$base"
done

# has_word FILE WORD: WORD appears with no name character on either side.
has_word()
{
	grep -qE -- "(^|[^A-Za-z0-9_-])$2([^A-Za-z0-9_-]|\$)" "$1"
}

# The same, in every completion file; prints the files that lack it.
missing_in_completions()
{
	miss=
	for f in $completions; do
		has_word "$tmp/$(basename "$f")" "$1" || miss="$miss $(basename "$f")"
	done
	printf '%s' "$miss"
}

if ! "$pmc" help --commands >"$tmp/commands" 2>"$tmp/err"; then
	not_ok "pmc help --commands succeeds" "$(cat "$tmp/err")"
	echo "1..$n"
	exit 1
fi
# Command names are words such as `ls` or `reloadLogs`; ignore anything else.
grep -E '^[a-z][A-Za-z0-9-]*$' "$tmp/commands" | sort -u >"$tmp/names"
check "pmc help --commands prints command names" test -s "$tmp/names"

while read -r name; do
	if has_word "$tmp/headings" "$name"; then
		ok "command '$name' has a heading in pmc.1"
	else
		not_ok "command '$name' has a heading in pmc.1"
	fi
	miss=$(missing_in_completions "$name")
	if [ -z "$miss" ]; then
		ok "command '$name' is completed"
	else
		not_ok "command '$name' is completed" "missing in:$miss"
	fi
done <"$tmp/names"

# And no heading in COMMANDS documents a command the CLI does not have.
tr ',' ' ' <"$tmp/headings" | tr -s ' ' '\n' | grep -E '^[a-z][A-Za-z0-9-]*$' |
	sort -u >"$tmp/documented"
extra=$(comm -23 "$tmp/documented" "$tmp/names" | tr '\n' ' ')
if [ -z "$extra" ]; then
	ok "pmc.1 documents no command the CLI lacks"
else
	not_ok "pmc.1 documents no command the CLI lacks" "unknown to the CLI: $extra"
fi

# Long flags from the general help and from each command's help.
: >"$tmp/flags"
for name in "" $(cat "$tmp/names"); do
	label=${name:-(general)}
	# shellcheck disable=SC2086 # an empty name means `pmc help` alone
	if "$pmc" help $name >"$tmp/help" 2>&1; then
		ok "pmc help $label succeeds"
	else
		not_ok "pmc help $label succeeds" "$(cat "$tmp/help")"
		continue
	fi
	grep -oE -- '--[a-z][a-z0-9-]*' "$tmp/help" | sort -u |
		sed "s/^/$label /" >>"$tmp/flags"
done
check "the help texts name long flags" test -s "$tmp/flags"

while read -r label flag; do
	if has_word "$tmp/pmc.1.txt" "$flag"; then
		ok "$flag ($label) is in pmc.1"
	else
		not_ok "$flag ($label) is in pmc.1"
	fi
	miss=$(missing_in_completions "$flag")
	if [ -z "$miss" ]; then
		ok "$flag ($label) is completed"
	else
		not_ok "$flag ($label) is completed" "missing in:$miss"
	fi
done <"$tmp/flags"

# Methods: `&pmc_method_NAME` in the daemon's sorted table, and the
# `.SS "Method NAME"` headings of pmcd(8), both ways.
grep -oE '&pmc_method_[A-Za-z0-9_]+' "$method_table" | sed 's/^&pmc_method_//' |
	sort -u >"$tmp/methods"
sed -n 's/^\.SS "Method \([A-Za-z0-9_.]*\)"$/\1/p' "$man8" | sort -u >"$tmp/method_docs"
check "the daemon's method table names methods" test -s "$tmp/methods"
while read -r method; do
	if grep -qx -- "$method" "$tmp/method_docs"; then
		ok "method '$method' has a section in pmcd.8"
	else
		not_ok "method '$method' has a section in pmcd.8"
	fi
done <"$tmp/methods"
extra=$(comm -23 "$tmp/method_docs" "$tmp/methods" | tr '\n' ' ')
if [ -z "$extra" ]; then
	ok "pmcd.8 documents no method the daemon lacks"
else
	not_ok "pmcd.8 documents no method the daemon lacks" "unknown to the daemon: $extra"
fi

echo "1..$n"
exit $failed
