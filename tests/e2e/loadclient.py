#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Load for the cluster end-to-end tests: N threads of keep-alive HTTP clients.

Each thread sends GET requests back to back on one http.client connection
(reconnecting when the server ends it) until --duration runs out or the stop
file appears. A request succeeds when the status is 200 and the body is the
pid the app answers with and a newline; anything else (an exception, another
status, a short or odd body) is a failure. Counters are kept per phase: the
phase is the content of --phase-file (re-read every 20 ms), so a test can tell
"before the kill" from "after the kill". While running, --stats-file is
rewritten every 100 ms with the summary so far; at the end the summary is
printed as one JSON object on stdout.
"""

import argparse
import http.client
import json
import os
import re
import sys
import threading
import time

# Exceptions that mean the connection failed (refused, reset, closed before
# the whole answer, timed out, garbled), as opposed to a wrong answer.
CONN_ERRORS = (OSError, http.client.HTTPException)
# The whole answer: the pid and a newline (so a cut body is seen).
PID_LINE = re.compile(rb"[0-9]+\n")


class Phase:
    def __init__(self):
        self.ok = 0
        self.failed = 0
        self.conn_errors = 0
        self.bad_status = 0
        self.bad_body = 0
        self.other_errors = 0
        self.pids = {}
        self.thread_ok = {}
        self.errors = []

    def to_json(self):
        return {
            "ok": self.ok,
            "failed": self.failed,
            "conn_errors": self.conn_errors,
            "bad_status": self.bad_status,
            "bad_body": self.bad_body,
            "other_errors": self.other_errors,
            "pids": {str(k): v for k, v in sorted(self.pids.items())},
            "threads_ok": len([n for n in self.thread_ok.values() if n > 0]),
            "errors": self.errors,
        }


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.phase = "start"
        self.phases = {"start": Phase()}
        self.order = ["start"]
        self.stop = threading.Event()
        self.started = time.monotonic()
        self.started_wall = time.time()

    def current(self):
        return self.phases[self.phase]

    def set_phase(self, name):
        with self.lock:
            if name == self.phase:
                return
            if name not in self.phases:
                self.phases[name] = Phase()
                self.order.append(name)
            self.phase = name

    def success(self, tid, pid):
        with self.lock:
            p = self.current()
            p.ok += 1
            p.pids[pid] = p.pids.get(pid, 0) + 1
            p.thread_ok[tid] = p.thread_ok.get(tid, 0) + 1

    def failure(self, kind, what):
        with self.lock:
            p = self.current()
            p.failed += 1
            setattr(p, kind, getattr(p, kind) + 1)
            if len(p.errors) < 20:
                p.errors.append("%.3fs %s" % (time.monotonic() - self.started, what))

    def summary(self):
        with self.lock:
            total = Phase()
            for p in self.phases.values():
                total.ok += p.ok
                total.failed += p.failed
                total.conn_errors += p.conn_errors
                total.bad_status += p.bad_status
                total.bad_body += p.bad_body
                total.other_errors += p.other_errors
                for pid, n in p.pids.items():
                    total.pids[pid] = total.pids.get(pid, 0) + n
                for tid, n in p.thread_ok.items():
                    total.thread_ok[tid] = total.thread_ok.get(tid, 0) + n
                total.errors.extend(p.errors[: 20 - len(total.errors)])
            out = total.to_json()
            out["threads"] = self.args.threads
            out["seconds"] = round(time.monotonic() - self.started, 3)
            out["started_at"] = round(self.started_wall, 3)
            out["phase"] = self.phase
            out["phases"] = {n: self.phases[n].to_json() for n in self.order}
            return out


def local_port(conn):
    """The client side port of the connection (to find it in ss(8) output)."""
    try:
        return conn.sock.getsockname()[1]
    except (AttributeError, OSError):
        return None


def client(state, tid):
    a = state.args
    conn = None
    on_conn = 0
    while not state.stop.is_set():
        if conn is None:
            conn = http.client.HTTPConnection(a.host, a.port, timeout=a.timeout)
            on_conn = 0
        lport = None
        try:
            conn.request("GET", a.path)
            lport = local_port(conn)
            resp = conn.getresponse()
            body = resp.read()
            on_conn += 1
        except Exception as e:  # every exception is a failed request
            kind = "conn_errors" if isinstance(e, CONN_ERRORS) else "other_errors"
            state.failure(kind, "thread %d (port %s): %s: %s"
                          % (tid, lport or local_port(conn), type(e).__name__, e))
            conn.close()
            conn = None
            continue
        if resp.status != 200:
            state.failure("bad_status", "thread %d: status %d" % (tid, resp.status))
        elif not PID_LINE.fullmatch(body):
            state.failure("bad_body", "thread %d: body %r" % (tid, body[:80]))
        else:
            state.success(tid, int(body))
        # After "Connection: close" http.client reconnects on the next
        # request by itself; the test may also ask for fresh connections.
        if a.requests_per_conn and on_conn >= a.requests_per_conn:
            conn.close()
            conn = None
    if conn is not None:
        conn.close()


def watch(state):
    a = state.args
    deadline = state.started + a.duration
    last_stats = 0.0
    while not state.stop.is_set():
        now = time.monotonic()
        if now >= deadline or (a.stop_file and os.path.exists(a.stop_file)):
            state.stop.set()
            break
        if a.phase_file:
            try:
                with open(a.phase_file) as f:
                    name = f.read().strip()
                if name:
                    state.set_phase(name)
            except OSError:
                pass
        if a.stats_file and now - last_stats >= 0.1:
            last_stats = now
            tmp = a.stats_file + ".tmp"
            with open(tmp, "w") as f:
                json.dump(state.summary(), f)
            os.replace(tmp, a.stats_file)
        time.sleep(0.02)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--path", default="/")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--duration", type=float, default=20.0,
                    help="upper bound in seconds (default 20)")
    ap.add_argument("--stop-file", help="stop as soon as this file exists")
    ap.add_argument("--phase-file", help="count per phase: the content of this file")
    ap.add_argument("--stats-file", help="the summary so far, rewritten every 100 ms")
    ap.add_argument("--requests-per-conn", type=int, default=0,
                    help="open a new connection after this many requests (0: keep it)")
    ap.add_argument("--timeout", type=float, default=10.0,
                    help="socket timeout of each request in seconds")
    a = ap.parse_args()

    state = State(a)
    threads = [threading.Thread(target=client, args=(state, i), daemon=True)
               for i in range(a.threads)]
    for t in threads:
        t.start()
    watch(state)
    for t in threads:
        t.join(a.timeout + 5)
    # Write the final numbers to the stats file too, then the summary.
    summary = state.summary()
    if a.stats_file:
        with open(a.stats_file + ".tmp", "w") as f:
            json.dump(summary, f)
        os.replace(a.stats_file + ".tmp", a.stats_file)
    json.dump(summary, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
