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


def wrk_counts(path):
    """The "wrk-count ..." line that wrk-count.lua prints, as a dict (pids as {pid: n})."""
    with open(path) as f:
        line = [x for x in f if x.startswith("wrk-count ")][-1]
    out = {}
    for field in line.split()[1:]:
        key, _, value = field.partition("=")
        if key == "pids":
            out[key] = {int(p): int(n) for p, n in
                        (x.split(":") for x in value.split(",") if x)}
        else:
            out[key] = int(value)
    return out


def cmd_wrk(path):
    """Requests/s, failed requests (socket errors + non-2xx), p99 and max latency, pids seen."""
    w = wrk_counts(path)
    errors = ("connect", "read", "write", "timeout", "non2xx")
    failed = sum(w[k] for k in errors)
    print("rps=%.1f requests=%d failed=%d (%s) p50=%.2fms p99=%.2fms max=%.1fms pids_seen=%d" % (
        w["requests"] / (w["duration_us"] / 1e6), w["requests"], failed,
        " ".join("%s=%d" % (k, w[k]) for k in errors),
        w["p50_us"] / 1e3, w["p99_us"] / 1e3, w["max_us"] / 1e3, len(w["pids"])))


def cmd_spread(path, *pids):
    """Share of the responses served by each instance (pids given; one with none counts 0)."""
    w = wrk_counts(path)
    per = sorted((w["pids"].get(int(p), 0) for p in pids), reverse=True)
    total = sum(w["pids"].values())
    other = total - sum(per)
    if not total:
        print("responses=0")
        return
    print("responses=%d busiest=%.1f%% least=%.1f%% ideal=%.1f%% per_instance=%s%s" % (
        total, 100.0 * per[0] / total, 100.0 * per[-1] / total, 100.0 / len(per),
        "/".join(str(n) for n in per), " other_pids=%d" % other if other else ""))


def cmd_pids(path, name):
    """jlist (pmc or PM2): the pids of the online instances of app NAME."""
    procs = load_json(path)
    print(" ".join(str(p["pid"]) for p in procs
                   if p.get("name") == name and p.get("pm2_env", {}).get("status") == "online"))


COMMANDS = {
    "gaps": cmd_gaps,
    "history": cmd_history,
    "hyperfine": cmd_hyperfine,
    "online": cmd_online,
    "numbers": cmd_numbers,
    "wrk": cmd_wrk,
    "spread": cmd_spread,
    "pids": cmd_pids,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit("usage: stats.py %s ARGS" % "|".join(sorted(COMMANDS)))
    COMMANDS[sys.argv[1]](*sys.argv[2:])
