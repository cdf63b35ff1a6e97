# SPDX-License-Identifier: MIT
# A background worker that prints a heartbeat: a fork-mode app in another language.
import os
import time

n = 0
while True:
    n += 1
    print(f"worker {os.getpid()} tick {n}", flush=True)
    time.sleep(5)
