# SPDX-License-Identifier: MIT
"""Plays pmcd for the Node preload shim: runs `node --require $PMC_SHIM app.js` with a
Node IPC channel, answers pmc:listen with sockets it bound itself, and reports TAP."""

import array
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import unittest

SHIM = os.environ.get('PMC_SHIM') or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', '..', 'daemon', 'node', 'pmc-require.js')
APPS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'apps')
WAIT = 20.0  # seconds; a deadline for things that take milliseconds


class Deadline:
    """A point in time to give up at; never a sleep."""

    def __init__(self, seconds=WAIT):
        self.end = time.monotonic() + seconds

    def left(self):
        return max(0.0, self.end - time.monotonic())

    def passed(self):
        return time.monotonic() >= self.end


def tcp_listener():
    """A listening socket on a free loopback port, as the daemon would bind it."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('127.0.0.1', 0))
    s.listen(128)
    return s


def unix_listener(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(128)
    return s


class Sockets:
    """The daemon's listening sockets, by port or path: answers pmc:listen requests."""

    def __init__(self):
        self.by_key = {}

    def add(self, sock):
        name = sock.getsockname()
        self.by_key[name if isinstance(name, str) else name[1]] = sock
        return sock

    def tcp(self):
        s = self.add(tcp_listener())
        return s, s.getsockname()[1]

    def unix(self, path):
        return self.add(unix_listener(path))

    def answer(self, msg):
        key = msg.get('path') or msg.get('port')
        sock = self.by_key.get(key)
        if sock is None:
            return ('error', 'EADDRNOTAVAIL', 'no socket for %r in the test' % key)
        return ('ok', sock)

    def close(self):
        for s in self.by_key.values():
            s.close()
        self.by_key.clear()


def base_env():
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(('PMC_', 'NODE_CHANNEL', 'NODE_OPTIONS', 'NODE_UNIQUE_ID'))}
    env['PMC_KILL_TIMEOUT'] = '60000'  # so a drain that ends by itself is told apart from the cap
    return env


class Child:
    """One Node instance: its IPC channel (the daemon's end), stdout lines and exit."""

    def __init__(self, app, env=None, cluster=True, channel=True, answer=None, shim=True):
        self.messages = []   # everything the child sent on the channel, decoded
        self.stdout = []     # stdout lines (JSON decoded where they are JSON)
        self.stderr = []
        self.cond = threading.Condition()
        self.answer = answer  # callable(msg) -> ('ok', sock) | ('error', code, text) | None
        self.eof = False
        self.send_lock = threading.Lock()
        full_env = base_env()
        if cluster:
            full_env['PMC_CLUSTER'] = '1'
        full_env.update(env or {})
        pass_fds = ()
        self.chan = None
        if channel:
            self.chan, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            full_env['NODE_CHANNEL_FD'] = str(theirs.fileno())
            full_env['NODE_CHANNEL_SERIALIZATION_MODE'] = 'json'
            pass_fds = (theirs.fileno(),)
        argv = ['node'] + (['--require', SHIM] if shim else []) + [os.path.join(APPS, app)]
        self.proc = subprocess.Popen(argv, env=full_env, pass_fds=pass_fds,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, start_new_session=True)
        self.pid = self.proc.pid
        self.threads = [threading.Thread(target=self._read_lines, args=(self.proc.stdout, self.stdout)),
                        threading.Thread(target=self._read_lines, args=(self.proc.stderr, self.stderr))]
        if channel:
            theirs.close()
            self.threads.append(threading.Thread(target=self._read_channel))
        for t in self.threads:
            t.daemon = True
            t.start()

    # -- readers (threads) --

    def _read_lines(self, stream, into):
        for raw in stream:
            line = raw.decode(errors='replace').rstrip('\n')
            try:
                item = json.loads(line)
            except ValueError:
                item = line
            with self.cond:
                into.append(item)
                self.cond.notify_all()

    def _read_channel(self):
        buf = b''
        while True:
            try:
                data = self.chan.recv(65536)
            except OSError:
                data = b''
            if not data:
                with self.cond:
                    self.eof = True
                    self.cond.notify_all()
                return
            buf += data
            while b'\n' in buf:
                line, buf = buf.split(b'\n', 1)
                msg = json.loads(line)
                with self.cond:
                    self.messages.append(msg)
                    self.cond.notify_all()
                if self.answer and isinstance(msg, dict) and msg.get('cmd') == 'pmc:listen':
                    reply = self.answer(msg)
                    if reply and reply[0] == 'ok':
                        self.send_handle(msg['seq'], reply[1])
                    elif reply:
                        self.send_error(msg['seq'], reply[1], reply[2])

    # -- the daemon's side of the channel --

    def send(self, obj):
        with self.send_lock:
            self.chan.sendall(json.dumps(obj).encode() + b'\n')

    def send_handle(self, seq, sock):
        """Node's handle passing: NODE_HANDLE with the fd as SCM_RIGHTS."""
        msg = {'cmd': 'NODE_HANDLE', 'type': 'net.Native',
               'msg': {'cmd': 'pmc:listen-ok', 'seq': seq}}
        fds = array.array('i', [sock.fileno()]).tobytes()
        with self.send_lock:
            self.chan.sendmsg([json.dumps(msg).encode() + b'\n'],
                              [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds)])

    def send_error(self, seq, code, text):
        self.send({'cmd': 'pmc:listen-error', 'seq': seq, 'code': code, 'message': text})

    # -- waiting --

    def _why(self, what):
        with self.cond:
            return '%s (pid %d, rc %r)\n  messages: %r\n  stdout: %r\n  stderr:\n    %s' % (
                what, self.pid, self.proc.poll(), self.messages, self.stdout[-20:],
                '\n    '.join(str(x) for x in self.stderr[-30:]))

    def _wait(self, find, what, seconds):
        dl = Deadline(seconds)
        with self.cond:
            while True:
                found = find()
                if found is not None:
                    return found
                if dl.passed():
                    break
                self.cond.wait(min(0.1, dl.left()) or 0.01)
        raise AssertionError(self._why('timed out waiting for ' + what))

    def wait_message(self, pred, what='a message', seconds=WAIT):
        return self._wait(lambda: next((m for m in self.messages if pred(m)), None), what, seconds)

    def wait_listen(self, n=1, seconds=WAIT):
        """The first n pmc:listen requests."""
        def find():
            found = [m for m in self.messages if isinstance(m, dict) and m.get('cmd') == 'pmc:listen']
            return found[:n] if len(found) >= n else None
        return self._wait(find, '%d pmc:listen' % n, seconds)

    def wait_listening(self, seq=None, seconds=WAIT):
        return self.wait_message(lambda m: isinstance(m, dict) and m.get('cmd') == 'pmc:listening'
                                 and (seq is None or m.get('seq') == seq), 'pmc:listening', seconds)

    def wait_out(self, event, seconds=WAIT):
        """The first stdout JSON line whose "event" is event."""
        return self._wait(lambda: next((x for x in self.stdout if isinstance(x, dict)
                                        and x.get('event') == event), None), 'stdout ' + event, seconds)

    def events(self, event):
        with self.cond:
            return [x for x in self.stdout if isinstance(x, dict) and x.get('event') == event]

    def wait_exit(self, seconds=WAIT):
        try:
            rc = self.proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            raise AssertionError(self._why('child did not exit')) from None
        for t in self.threads[:2]:
            t.join(Deadline(5).left())
        return rc

    def signal(self, sig):
        if self.proc.poll() is None:
            os.kill(self.pid, sig)

    def close(self):
        """Kill (only this child) if still running, and release everything."""
        if self.proc.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
        self.proc.wait()
        if self.chan:
            self.chan.close()
        for t in self.threads:
            t.join(Deadline(5).left())
        self.proc.stdout.close()
        self.proc.stderr.close()


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__('localhost', timeout=timeout)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.unix_path)


def http_get(where, url='/', seconds=10):
    """One request on a new connection: (status, headers dict lower-cased, body)."""
    conn = (UnixHTTPConnection(where, seconds) if isinstance(where, str)
            else http.client.HTTPConnection('127.0.0.1', where, timeout=seconds))
    try:
        conn.request('GET', url)
        r = conn.getresponse()
        body = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body
    finally:
        conn.close()


class ShimTest(unittest.TestCase):
    """Base: a private temp dir, the daemon's sockets, children cleaned up."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='pmc-shim-')
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.sockets = Sockets()
        self.addCleanup(self.sockets.close)

    def child(self, app='server.js', env=None, answer='auto', **kw):
        c = Child(app, env=env, answer=self.sockets.answer if answer == 'auto' else answer, **kw)
        self.addCleanup(c.close)
        return c

    def path(self, name):
        return os.path.join(self.dir, name)


class TapResult(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.n = 0
        self.printed = False
        self.sub_errors = []

    def startTest(self, test):
        super().startTest(test)
        self.printed = False
        self.sub_errors = []

    def stopTest(self, test):
        super().stopTest(test)
        if not self.printed:  # a subtest failed: the test has no outcome line of its own
            self._line(False, test)
            for sub, err in self.sub_errors:
                self._diag(sub.id(), err)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.sub_errors.append((subtest, err))

    def _line(self, ok, test, extra=''):
        self.printed = True
        self.n += 1
        print('%s %d - %s%s' % ('ok' if ok else 'not ok', self.n, test.id().split('.', 1)[-1], extra),
              flush=True)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(True, test)

    def _diag(self, title, err):
        text = title + '\n' + ''.join(traceback.format_exception(*err))
        print('\n'.join('# ' + line for line in text.splitlines()), flush=True)

    def _fail(self, test, err):
        self._line(False, test)
        self._diag(test.id(), err)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail(test, err)

    def addError(self, test, err):
        super().addError(test, err)
        self._fail(test, err)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._line(True, test, ' # SKIP ' + reason)


def main():
    """Run the calling module's tests, printing TAP; exit 1 on any failure."""
    module = sys.modules['__main__']
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    if not shutil.which('node'):
        print('1..0 # SKIP node is not installed')
        return
    print('1..%d' % suite.countTestCases(), flush=True)
    result = TapResult()
    suite.run(result)
    sys.exit(0 if result.wasSuccessful() else 1)
