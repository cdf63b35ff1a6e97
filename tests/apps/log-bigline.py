#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# log-bigline.py SIZE: writes one line of SIZE bytes ("x" repeated) to stdout,
# then "after", then sleeps.
import os
import sys
import time

data = b"x" * int(sys.argv[1]) + b"\nafter\n"
while data:
    data = data[os.write(1, data):]
while True:
    time.sleep(1000)
