#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs ${STABLE_SECONDS:-0.5} s and exits 1 (a stable run) until the file $FLAG
# exists; from then on it exits 1 at once (a crash loop).
if [ -e "$FLAG" ]; then
	exit 1
fi
sleep "${STABLE_SECONDS:-0.5}"
exit 1
