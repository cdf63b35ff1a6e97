#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every benchmark against a release build and prints the machine, the version and each
# result line. Set BENCH_NO_PM2=1 to skip PM2, PMC_BUILD to use another build directory.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
BUILD=${PMC_BUILD:-/tmp/build-bench}
export PMC_BUILD="$BUILD"

# Always bring the build up to date, so the numbers belong to the tree being reported.
[ -d "$BUILD" ] || meson setup "$BUILD" "$root" --buildtype=release >/dev/null
ninja -C "$BUILD" >/dev/null
if [ "$(meson introspect --buildoptions "$BUILD" 2>/dev/null |
	python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "buildtype"][0])' 2>/dev/null)" != release ]; then
	echo "run-all: warning: $BUILD is not a release build" >&2
fi

echo "date: $(date -I)"
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), Linux $(uname -r)"
echo "pmc: $("$BUILD/cmd/pmc" --version) ($(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown))"
[ -x "$here/.pm2-install/node_modules/.bin/pm2" ] &&
	echo "pm2: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' \
		"$here/.pm2-install/node_modules/pm2/package.json"), node $(node --version 2>/dev/null)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

failed=0
for bench in rss ls-latency crash-restart online100 reload-load spread logs-throughput logs-flood-rss metrics-1000; do
	if ! sh "$here/$bench.sh"; then
		echo "bench $bench: FAILED" >&2
		failed=1
	fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$failed"
