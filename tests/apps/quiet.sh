#!/bin/bash
# SPDX-License-Identifier: MIT
# A long-running app that never writes a byte to stdout or stderr.
exec sleep 100000
