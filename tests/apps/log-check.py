#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# log-check.py [--prefix REGEX] [--gz] [--any-start] FILE...: reads the files
# in the order given as one stream; every line must be "PREFIX(out|err) TAG I"
# and each (stream, TAG) must count 1, 2, 3.. (or from its first number, with
# --any-start) without a gap or a repeat. Prints one
# "STREAM TAG COUNT" line per group, sorted, or the first fault and exits 1.
import gzip
import re
import sys

args = sys.argv[1:]
prefix = ""
opener = open
any_start = False
while args and args[0].startswith("--"):
    if args[0] == "--prefix":
        prefix = args[1]
        args = args[2:]
    elif args[0] == "--any-start":
        any_start = True
        args = args[1:]
    elif args[0] == "--gz":
        opener = gzip.open
        args = args[1:]
    else:
        sys.exit("log-check.py: unknown flag " + args[0])
line_re = re.compile(prefix + r"(out|err) (i\d+) (\d+)")
last = {}
for path in args:
    op = gzip.open if path.endswith(".gz") else opener
    with op(path, "rb") as f:
        data = f.read()
    if data and not data.endswith(b"\n"):
        print("%s: does not end with a newline" % path)
        sys.exit(1)
    for no, raw in enumerate(data.split(b"\n")[:-1], 1):
        line = raw.decode("utf-8", "replace")
        m = line_re.fullmatch(line)
        if not m:
            print("%s:%d: malformed line %r" % (path, no, line[:200]))
            sys.exit(1)
        key = (m.group(1), m.group(2))
        i = int(m.group(3))
        want = last.get(key, i - 1 if any_start else 0) + 1
        if i != want:
            print("%s:%d: %s %s: expected %d, got %d" % (path, no, key[0], key[1], want, i))
            sys.exit(1)
        last[key] = i
for key in sorted(last):
    print("%s %s %d" % (key[0], key[1], last[key]))
