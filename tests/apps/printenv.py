# SPDX-License-Identifier: MIT
# Prints its environment and working directory as one JSON line, then stays up.
import json
import os
import signal

print(json.dumps({"cwd": os.getcwd(), "env": dict(os.environ)}), flush=True)
signal.pause()
