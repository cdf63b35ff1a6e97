#!/bin/sh
# SPDX-License-Identifier: MIT
# The manual pages lint clean: `mandoc -T lint -W warning` prints nothing (TAP).
# Usage: man-lint.sh SOURCE_ROOT

root=${1:-$(dirname "$0")/../..}
pages="man/pmc.1 man/pmcd.8 man/pmc-ecosystem.5"

if ! command -v mandoc >/dev/null 2>&1; then
	echo "1..1"
	echo "ok 1 # SKIP mandoc is not installed"
	exit 0
fi

n=0
failed=0
echo "1..$(echo $pages | wc -w)"
for page in $pages; do
	n=$((n + 1))
	if [ ! -f "$root/$page" ]; then
		echo "not ok $n - $page exists"
		failed=1
		continue
	fi
	out=$(cd "$root" && mandoc -T lint -W warning "$page" 2>&1)
	if [ -z "$out" ]; then
		echo "ok $n - $page lints clean"
	else
		echo "not ok $n - $page lints clean"
		printf '%s\n' "$out" | sed 's/^/# /'
		failed=1
	fi
done
exit $failed
