#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# log-flood.py N [then]: writes "out TAG I" to stdout and "err TAG I" to stderr
# for I in 1..N as fast as it can, in batches, TAG being the instance (i0, i1..);
# then exits 0, or sleeps when THEN is "sleep", or loops for ever when it is "loop".
# SIGINT or SIGTERM ends it after the batch it is writing, so no line is cut.
import os
import signal
import sys
import time

n = int(sys.argv[1])
then = sys.argv[2] if len(sys.argv) > 2 else "exit"
stopping = False


def on_signal(signum, frame):
    global stopping
    stopping = True


signal.signal(signal.SIGINT, on_signal)
signal.signal(signal.SIGTERM, on_signal)
tag = "i" + os.environ.get("NODE_APP_INSTANCE", os.environ.get("pm_id", "0"))


def write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]


def flood(first, last):
    batch = 500
    for start in range(first, last + 1, batch):
        end = min(start + batch, last + 1)
        r = range(start, end)
        write_all(1, "".join("out %s %d\n" % (tag, i) for i in r).encode())
        write_all(2, "".join("err %s %d\n" % (tag, i) for i in r).encode())
        if stopping:
            sys.exit(0)


flood(1, n)
if then == "sleep":
    while not stopping:
        time.sleep(0.1)
elif then == "loop":
    i = n
    while True:
        flood(i + 1, i + n)
        i += n
