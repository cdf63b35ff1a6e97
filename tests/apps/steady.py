#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# steady.py MARKER [--interval S] [--ready-after S]: writes "seq PID N" to stdout
# every S seconds (default 0.05), N counting from 1; with a socket passed by pmc
# (LISTEN_FDS) it answers HTTP GET with its pid, and reports READY=1 on
# NOTIFY_SOCKET after --ready-after seconds (default 0). MARKER only names the
# process in its argv, so a test can count its own processes. SIGINT or
# SIGTERM: exit 0 at once.
import os
import signal
import socket
import sys
import threading
import time

args = sys.argv[2:]


def opt(name, default):
    return float(args[args.index(name) + 1]) if name in args else default


interval = opt("--interval", 0.05)
ready_after = opt("--ready-after", 0.0)
signal.signal(signal.SIGINT, lambda *_: os._exit(0))
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
pid = os.getpid()


def serve(sock):
    while True:
        try:
            conn, _ = sock.accept()
        except BlockingIOError:
            time.sleep(0.01)
            continue
        with conn:
            conn.settimeout(5)
            try:
                conn.recv(4096)
                body = b"%d\n" % pid
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n"
                             b"Connection: close\r\n\r\n%s" % (len(body), body))
            except OSError:
                pass


if os.environ.get("LISTEN_PID") == str(pid) and int(os.environ.get("LISTEN_FDS", "0")) > 0:
    os.set_inheritable(3, False)
    threading.Thread(target=serve, args=(socket.socket(fileno=3),), daemon=True).start()


def notify_ready():
    path = os.environ.get("NOTIFY_SOCKET")
    if path:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
            s.sendto(b"READY=1", path)


start = time.monotonic()
ready = False
n = 0
while True:
    if not ready and time.monotonic() - start >= ready_after:
        notify_ready()
        ready = True
    n += 1
    os.write(1, b"seq %d %d\n" % (pid, n))
    time.sleep(interval)
