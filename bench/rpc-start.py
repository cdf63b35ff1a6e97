#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Start N apps with `start` requests over one connection to pmcd: the daemon's own share."""
import json
import os
import socket
import sys
import time


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: rpc-start.py SOCKET SCRIPT N")
    path, script, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    reader = sock.makefile("rb")
    t0 = time.monotonic()
    for i in range(n):
        app = {"name": "b%d" % i, "script": script, "cwd": os.getcwd()}
        req = {"jsonrpc": "2.0", "id": i + 1, "method": "start", "params": {"app": app}}
        sock.sendall(json.dumps(req).encode() + b"\n")
        reply = json.loads(reader.readline())
        if "error" in reply:
            sys.exit("rpc-start.py: %s" % reply["error"].get("message"))
    dt = time.monotonic() - t0
    print("total=%.3fms per_start=%.3fms" % (dt * 1e3, dt * 1e3 / n))


if __name__ == "__main__":
    main()
