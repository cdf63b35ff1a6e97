#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# log-partial.py: writes "part-one " to stdout, waits half a second, ends the
# line with "part-two", writes "done", then sleeps.
import os
import time

os.write(1, b"part-one ")
time.sleep(0.5)
os.write(1, b"part-two\n")
os.write(1, b"done\n")
while True:
    time.sleep(1000)
