#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Small number crunching for the benchmark scripts: medians, percentiles, JSON parsing."""
import json
import sys


def pct(values, p):
    """Nearest-rank percentile of a sorted list (p in 0..100)."""
    if not values:
        return float("nan")
    k = max(0, min(len(values) - 1, int(round(p / 100.0 * len(values) + 0.5)) - 1))
    return values[k]


def describe(values, unit, scale=1.0):
    """One line: n, median, p95, min, max in the given unit."""
    v = sorted(x / scale for x in values)
    if not v:
        return "n=0"
    return "n=%d median=%.3f%s p95=%.3f%s min=%.3f%s max=%.3f%s" % (
        len(v), pct(v, 50), unit, pct(v, 95), unit, v[0], unit, v[-1], unit)


def load_json(path):
    """JSON from a file, or from the first line that starts with [ or { (PM2 may chatter)."""
    with open(path) as f:
        text = f.read()
    try:
        return json.loads(text)
    except ValueError:
        for line in text.splitlines():
            if line.startswith("[") or line.startswith("{"):
                return json.loads(line)
        raise


def cmd_gaps(path):
    """crash-app stamps ("start_ns exit_ns" per run): time from one exit to the next start."""
    runs = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                runs.append((int(parts[0]), int(parts[1])))
    runs.sort()
    gaps = [runs[i + 1][0] - runs[i][1] for i in range(len(runs) - 1)]
    print(describe(gaps, "us", 1000.0))


def cmd_history(path):
    """pmc history --json: for each exit, the next start of the same pm_id (at, in ms)."""
    events = sorted(load_json(path)["events"], key=lambda e: e["id"])
    pending = {}
    deltas = []
    for e in events:
        if e["kind"] == "exit":
            pending[e["pm_id"]] = e["at"]
        elif e["kind"] == "start" and e["pm_id"] in pending:
            deltas.append(e["at"] - pending.pop(e["pm_id"]))
    print(describe(deltas, "ms"))


def cmd_hyperfine(path):
    """hyperfine --export-json: median, mean, stddev, min in ms."""
    r = load_json(path)["results"][0]
    print("runs=%d median=%.3fms mean=%.3fms stddev=%.3fms min=%.3fms" % (
        len(r["times"]), r["median"] * 1e3, r["mean"] * 1e3, r["stddev"] * 1e3,
        r["min"] * 1e3))


def cmd_online(path):
    """jlist (pmc or PM2): how many entries are online."""
    try:
        procs = load_json(path)
    except (ValueError, OSError):
        print(0)
        return
    print(sum(1 for p in procs if p.get("pm2_env", {}).get("status") == "online"))


def cmd_numbers(unit, scale):
    """Numbers on stdin, one per line."""
    values = [float(x) for x in sys.stdin.read().split()]
    print(describe(values, unit, float(scale)))


COMMANDS = {
    "gaps": cmd_gaps,
    "history": cmd_history,
    "hyperfine": cmd_hyperfine,
    "online": cmd_online,
    "numbers": cmd_numbers,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit("usage: stats.py %s ARGS" % "|".join(sorted(COMMANDS)))
    COMMANDS[sys.argv[1]](*sys.argv[2:])
