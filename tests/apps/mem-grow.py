# SPDX-License-Identifier: MIT
# Grows its resident memory by STEP_MB every 50 ms up to TARGET_MB (args), then sleeps.
import sys
import time

target_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 100
step_mb = int(sys.argv[2]) if len(sys.argv) > 2 else 8
held = []
print("growing to %d MB" % target_mb, flush=True)
while len(held) * step_mb < target_mb:
    # Written bytes, not calloc'd zero pages: they count in RSS at once.
    held.append(bytearray(b"\x01") * (step_mb << 20))
    time.sleep(0.05)
print("holding %d MB" % (len(held) * step_mb), flush=True)
while True:
    time.sleep(3600)
