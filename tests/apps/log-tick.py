#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# log-tick.py [INTERVAL]: writes "tick PID I" to stdout every INTERVAL seconds
# (default 0.05) for ever, I counting from 1.
import os
import sys
import time

interval = float(sys.argv[1]) if len(sys.argv) > 1 else 0.05
pid = os.getpid()
i = 0
while True:
    i += 1
    os.write(1, b"tick %d %d\n" % (pid, i))
    time.sleep(interval)
