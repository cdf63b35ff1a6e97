# SPDX-License-Identifier: MIT
# Raw clients for $PMC_HOME/rpc.sock that send what the real CLI never would;
# `python3 rpc_cases.py CASE` exits 0 when the daemon answered as the protocol says.
import json
import os
import socket
import sys
import threading

LIMIT = 1048576
TIMEOUT = 15


def sock_path():
    return os.path.join(os.environ["PMC_HOME"], "rpc.sock")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


class Conn:
    def __init__(self):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        # A blocking connect waits while the listen backlog is full (a
        # non-blocking one would fail with EAGAIN on AF_UNIX).
        self.s.connect(sock_path())
        self.s.settimeout(TIMEOUT)
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def send_obj(self, obj):
        self.send(json.dumps(obj).encode() + b"\n")

    def read_line(self):
        """One response line parsed, or None at EOF."""
        while b"\n" not in self.buf:
            try:
                chunk = self.s.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                check(self.buf == b"", "partial line before EOF: %r" % self.buf[:200])
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            fail("daemon sent a line that is not JSON: %r" % line[:200])

    def expect_eof(self):
        msg = self.read_line()
        check(msg is None, "expected the connection to be closed, got %r" % (msg,))

    def call(self, obj):
        self.send_obj(obj)
        msg = self.read_line()
        check(msg is not None, "connection closed instead of answering %r" % (obj,))
        return msg

    def close(self):
        self.s.close()


def expect_error(msg, code, rid="any"):
    check(isinstance(msg, dict), "not an object: %r" % (msg,))
    check(msg.get("jsonrpc") == "2.0", "no jsonrpc 2.0 in %r" % (msg,))
    check("result" not in msg, "got a result instead of an error: %r" % (msg,))
    err = msg.get("error")
    check(isinstance(err, dict), "no error object in %r" % (msg,))
    codes = code if isinstance(code, tuple) else (code,)
    check(err.get("code") in codes, "error code %r, expected %r: %r" % (err.get("code"), code, msg))
    check(isinstance(err.get("message"), str) and err["message"], "empty error message: %r" % (msg,))
    if rid != "any":
        check(msg.get("id") == rid, "id %r, expected %r" % (msg.get("id"), rid))
    return err


def expect_pong(msg, rid):
    check(msg.get("id") == rid, "id %r, expected %r: %r" % (msg.get("id"), rid, msg))
    res = msg.get("result")
    check(isinstance(res, dict), "no result in %r" % (msg,))
    check(res.get("version") == "0.1.0" and res.get("protocol") == 1, "bad pong %r" % (res,))


def ping(rid):
    return {"jsonrpc": "2.0", "id": rid, "method": "ping"}


def case_garbage():
    c = Conn()
    c.send(b"hello there, this is not json\n")
    expect_error(c.read_line(), -32700, None)
    # The line was complete, so the connection is still usable.
    expect_pong(c.call(ping(7)), 7)
    c.send(b"{\"jsonrpc\": \"2.0\", \"id\": 8, \"method\": \n")
    expect_error(c.read_line(), -32700, None)
    c.send(b"\x00\xff\xfe garbage \x01\n")
    expect_error(c.read_line(), -32700, None)
    expect_pong(c.call(ping(9)), 9)
    c.close()


def case_invalid_request():
    c = Conn()
    for raw in [b"{}", b"[]", b"\"ping\"", b"42", b"null",
                b'{"jsonrpc":"2.0","id":1}',
                b'{"jsonrpc":"1.0","id":1,"method":"ping"}',
                b'{"id":1,"method":"ping"}',
                b'{"jsonrpc":"2.0","id":1,"method":5}',
                b'{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}']:
        c.send(raw + b"\n")
        msg = c.read_line()
        check(msg is not None, "connection closed after %r" % raw)
        expect_error(msg, -32600)
    expect_pong(c.call(ping(2)), 2)
    c.close()


def case_truncated_eof():
    c = Conn()
    c.send(b'{"jsonrpc":"2.0","id":1,"method":"pi')
    c.s.shutdown(socket.SHUT_WR)
    # Nothing, or one error, then EOF; never a result.
    msg = c.read_line()
    if msg is not None:
        expect_error(msg, (-32700, -32600))
        c.expect_eof()
    c.close()


def case_wrong_types():
    c = Conn()
    bad = [
        ("stop", {"targets": "x"}, "targets"),
        ("stop", {"targets": [1, 2]}, "targets"),
        ("restart", {"targets": {"a": 1}}, "targets"),
        ("delete", {}, "targets"),
        ("describe", {"target": 5}, "target"),
        ("history", {"limit": "x"}, "limit"),
        ("start", {"app": 5}, "app"),
        ("start", {}, "app"),
    ]
    for i, (method, params, word) in enumerate(bad):
        msg = c.call({"jsonrpc": "2.0", "id": 100 + i, "method": method, "params": params})
        err = expect_error(msg, -32602, 100 + i)
        check(word in err["message"], "message for %s %r does not name %r: %r"
              % (method, params, word, err["message"]))
    expect_pong(c.call(ping(3)), 3)
    c.close()


def case_unknown_method():
    c = Conn()
    err = expect_error(c.call({"jsonrpc": "2.0", "id": 3, "method": "frobnicate", "params": {}}),
                       -32601, 3)
    check("frobnicate" in err["message"], "message does not name the method: %r" % err)
    expect_error(c.call({"jsonrpc": "2.0", "id": "str-id", "method": "PING"}), -32601, "str-id")
    expect_pong(c.call(ping(4)), 4)
    c.close()


def case_params_array():
    c = Conn()
    expect_error(c.call({"jsonrpc": "2.0", "id": 5, "method": "stop", "params": ["all"]}),
                 (-32602, -32600), 5)
    expect_error(c.call({"jsonrpc": "2.0", "id": 6, "method": "ping", "params": "x"}),
                 (-32602, -32600), 6)
    expect_pong(c.call(ping(7)), 7)
    c.close()


def case_notification():
    c = Conn()
    # No id: no answer. The next answer is for id 11.
    c.send_obj({"jsonrpc": "2.0", "method": "ping"})
    c.send_obj({"jsonrpc": "2.0", "method": "frobnicate"})
    expect_pong(c.call(ping(11)), 11)
    c.close()


def case_pipelined():
    c = Conn()
    c.send(b"".join(json.dumps(ping(i)).encode() + b"\n" for i in range(20, 40)))
    for i in range(20, 40):
        expect_pong(c.read_line(), i)
    c.close()


def case_big_line_ok():
    c = Conn()
    # Under the limit, the line is decoded and answered on its merits (an
    # unknown param may be refused), and the connection stays open.
    pad = "p" * (LIMIT - 4096)
    msg = c.call({"jsonrpc": "2.0", "id": 12, "method": "ping", "params": {"pad": pad}})
    check(msg.get("id") == 12, "no answer for id 12: %r" % (msg,))
    if "error" in msg:
        check(msg["error"].get("code") != -32600, "refused as too large: %r" % (msg,))
    msg = c.call({"jsonrpc": "2.0", "id": 13, "method": "describe", "params": {"target": pad}})
    expect_error(msg, (-32001, -32602), 13)
    expect_pong(c.call(ping(14)), 14)
    c.close()


def case_huge_line():
    c = Conn()
    payload = (b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"'
               + b"a" * (10 * 1024 * 1024) + b'"}}\n')

    def sender():
        try:
            c.s.sendall(payload)
        except OSError:
            pass  # the daemon closed on us: expected

    t = threading.Thread(target=sender, daemon=True)
    t.start()
    msg = c.read_line()
    check(msg == {"jsonrpc": "2.0", "id": None,
                  "error": {"code": -32600,
                            "message": "request too large (limit 1048576 bytes)"}},
          "unexpected answer to a 10 MB line: %r" % (msg,))
    c.expect_eof()
    t.join(TIMEOUT)
    c.close()


def case_vanish():
    for i in range(50):
        c = Conn()
        c.send(b'{"jsonrpc":"2.0","id":1,"method":"pi' if i % 2 else b'{"jsonrpc":"2.0","id":1,')
        c.close()
    # Requests whose answer nobody reads.
    for i in range(20):
        c = Conn()
        c.send_obj({"jsonrpc": "2.0", "id": i, "method": "list"})
        c.close()


def case_many_connections():
    conns = []
    for i in range(200):
        conns.append(Conn())
        if i % 3 == 0:
            conns[-1].send(b'{"jsonrpc":')
    for c in conns:
        c.close()
    c = Conn()
    expect_pong(c.call(ping(13)), 13)
    c.close()


CASES = {name[5:].replace("_", "-"): fn for name, fn in globals().items()
         if name.startswith("case_")}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        fail("usage: rpc_cases.py " + "|".join(sorted(CASES)))
    CASES[sys.argv[1]]()
    print("ok")
