#!/bin/bash
# SPDX-License-Identifier: MIT
# A well-behaved long-running app: says hello, then sleeps until signalled.
echo "sleeper $$ up"
exec sleep 100000
