#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Cluster mode in Python: pmc binds the address once and passes the listening
# socket to every instance systemd-style (fd 3, LISTEN_FDS, LISTEN_PID), so N
# processes share one port with no proxy in between:
#
#   pmc start examples/cluster-python.py -i 4 --port 3000
#   curl http://127.0.0.1:3000/       # the pid of the instance that answered
#   curl http://127.0.0.1:3000/env    # what the instance was given
#
# It tells pmc it is ready with READY=1 on NOTIFY_SOCKET (sd_notify), and on
# SIGINT/SIGTERM stops accepting, finishes the requests in flight and exits.
import http.server
import json
import os
import selectors
import signal
import socket
import sys
import threading

SD_LISTEN_FDS_START = 3


def listen_fds():
    """The sockets passed to this process, checked as sd_listen_fds(3) does."""
    if os.environ.get("LISTEN_PID") != str(os.getpid()):
        return []  # meant for another process (e.g. our parent)
    count = int(os.environ.get("LISTEN_FDS", "0"))
    names = os.environ.get("LISTEN_FDNAMES", "").split(":")
    socks = []
    for i in range(count):
        fd = SD_LISTEN_FDS_START + i
        os.set_inheritable(fd, False)
        s = socket.socket(fileno=fd)
        name = names[i] if i < len(names) else "?"
        print(f"pid {os.getpid()}: fd {fd} ({name}) is {s.getsockname()!r}", flush=True)
        socks.append(s)
    return socks


def notify_ready():
    """sd_notify(0, "READY=1") without libsystemd."""
    path = os.environ.get("NOTIFY_SOCKET")
    if not path:
        return
    if path.startswith("@"):
        path = "\0" + path[1:]  # abstract namespace
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.sendto(b"READY=1", path)


class Handler(http.server.BaseHTTPRequestHandler):
    # HTTP/1.0: one request per connection, so a stop never waits for idle clients.
    def do_GET(self):
        if self.path == "/env":
            keys = ("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "PORT",
                    "NODE_APP_INSTANCE", "PMC_INSTANCE", "pm_id", "name")
            info = {k: os.environ.get(k) for k in keys}
            info["pid"] = os.getpid()
            body = json.dumps(info).encode() + b"\n"
        else:
            body = b"%d\n" % os.getpid()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *unused):
        pass


def answer(conn, addr):
    try:
        conn.settimeout(10)
        Handler(conn, addr, None)
    except OSError:
        pass  # the client went away
    finally:
        conn.close()


def main():
    socks = listen_fds()
    if not socks:
        sys.exit("no listening socket was passed (LISTEN_PID/LISTEN_FDS): "
                 "run me with pmc start ... --port PORT or --listen ADDR")

    stop = threading.Event()
    wake_r, wake_w = socket.socketpair()
    wake_r.setblocking(False)
    wake_w.setblocking(False)
    signal.set_wakeup_fd(wake_w.fileno())
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *unused: stop.set())

    sel = selectors.DefaultSelector()
    sel.register(wake_r, selectors.EVENT_READ)
    for s in socks:
        # Every instance waits on the same socket: whoever loses the race for a
        # connection must not block in accept().
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    notify_ready()
    print(f"pid {os.getpid()}: instance {os.environ.get('NODE_APP_INSTANCE')} ready",
          flush=True)

    while not stop.is_set():
        for key, unused in sel.select():
            if key.fileobj is wake_r:
                wake_r.recv(64)
                continue
            try:
                conn, addr = key.fileobj.accept()
            except BlockingIOError:
                continue  # another instance took it
            conn.setblocking(True)
            threading.Thread(target=answer, args=(conn, addr)).start()
    # Stop accepting: the other instances (or the replacement) take the new
    # connections; Python waits for the request threads before it exits.
    for s in socks:
        s.close()
    print(f"pid {os.getpid()}: stopping", flush=True)


if __name__ == "__main__":
    main()
