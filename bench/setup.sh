#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs what the benchmarks use: hyperfine and wrk (apt-get), PM2 7 (npm, local to bench/).
set -eu
here=$(cd "$(dirname "$0")" && pwd)

missing=
for tool in hyperfine wrk; do
	command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	echo "setup: installing$missing with apt-get"
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi

# PM2 is optional: without npm the PM2 columns stay empty.
pm2="$here/.pm2-install/node_modules/.bin/pm2"
if [ -x "$pm2" ]; then
	echo "setup: PM2 already in bench/.pm2-install"
elif command -v npm >/dev/null 2>&1; then
	echo "setup: installing PM2 into bench/.pm2-install"
	npm install --prefix "$here/.pm2-install" --no-audit --no-fund --loglevel=error pm2@7 >/dev/null
else
	echo "setup: npm not found, PM2 comparisons will be skipped"
fi
echo "setup: done"
