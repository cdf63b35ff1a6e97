#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Graceful stop: on SIGINT/SIGTERM or "shutdown", an app with no handler of its own
stops accepting, finishes what is in flight with Connection: close and exits 0; an app
with its own handler keeps control."""

import http.client
import signal
import socket
import threading

from harness import Deadline, ShimTest, http_get, main

CLIENTS = 8


class Load:
    """Keep-alive clients sending requests back to back, counting every outcome."""

    def __init__(self, port):
        self.port = port
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self.by_pid = {}      # pid -> responses
        self.closing = {}     # pid -> responses that carried Connection: close
        self.failures = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(i * 0.003,), daemon=True)
                        for i in range(CLIENTS)]

    def start(self):
        for t in self.threads:
            t.start()

    def run(self, think):
        # Load shape, not synchronisation: a few ms between requests leave keep-alive
        # connections idle at the moment the signal comes, their next request close behind.
        conn, used = None, 0
        while not self.stop.wait(think):
            try:
                if conn is None:
                    conn, used = http.client.HTTPConnection('127.0.0.1', self.port, timeout=30), 0
                conn.request('GET', '/')
                r = conn.getresponse()
                body = r.read()
                pid = r.getheader('X-Pid')
                if r.status != 200 or not pid or pid.encode() not in body:
                    raise AssertionError('bad response %r %r' % (r.status, body))
                with self.cond:
                    self.by_pid[pid] = self.by_pid.get(pid, 0) + 1
                    if (r.getheader('Connection') or '').lower() == 'close':
                        self.closing[pid] = self.closing.get(pid, 0) + 1
                    self.cond.notify_all()
                used += 1
                if r.will_close or used == 10:  # new connections keep reaching every instance
                    conn.close()
                    conn = None
            except Exception as e:  # a reset, an early close, a bad response: all failures
                with self.cond:
                    self.failures.append(repr(e))
                if conn:
                    conn.close()
                conn = None
        if conn:
            conn.close()

    def wait(self, pred, what):
        dl = Deadline()
        with self.cond:
            while not pred():
                if dl.passed():
                    raise AssertionError('timed out waiting for %s: %r, failures %r'
                                         % (what, self.by_pid, self.failures[:5]))
                self.cond.wait(min(0.1, dl.left()) or 0.01)

    def count(self, pid):
        return self.by_pid.get(str(pid), 0)

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(Deadline().left())


def refused(port):
    s = socket.socket()
    s.settimeout(5)
    try:
        s.connect(('127.0.0.1', port))
        return False
    except (ConnectionRefusedError, ConnectionResetError):
        return True  # (reset: it was queued when the only listening socket closed)
    finally:
        s.close()


class Drain(ShimTest):

    def only_child(self, env=None):
        """One instance that alone holds its listening socket: once it stops accepting,
        connections are refused, which shows the drain has begun."""
        sock, port = self.sockets.tcp()
        c = self.child(env=dict({'PORT': str(port)}, **(env or {})))
        c.wait_listening()
        self.sockets.by_key.pop(port).close()
        return c, port

    def wait_refused(self, c, port):
        dl = Deadline()
        while not refused(port):
            self.assertFalse(dl.passed(), c._why('the child kept accepting'))

    def test_no_failed_request_under_load(self):
        sock, port = self.sockets.tcp()
        a = self.child(env={'PORT': str(port), 'DELAY': '50'})
        b = self.child(env={'PORT': str(port), 'DELAY': '50'})
        a.wait_listening()
        b.wait_listening()
        load = Load(port)
        load.start()
        try:
            load.wait(lambda: load.count(a.pid) >= 20 and load.count(b.pid) >= 20, 'both serving')
            a.signal(signal.SIGINT)
            # The cap is 60 s here: an exit now means the drain finished by itself.
            self.assertEqual(a.wait_exit(), 0, a._why('drained instance'))
            after = load.count(b.pid)
            load.wait(lambda: load.count(b.pid) >= after + 40, 'the other instance serving on')
        finally:
            load.finish()
        self.assertEqual(load.failures, [])
        # What was in flight on the stopping instance told its clients to move on.
        self.assertGreaterEqual(load.closing.get(str(a.pid), 0), 1)
        self.assertEqual(load.closing.get(str(b.pid), 0), 0)
        b.signal(signal.SIGTERM)
        self.assertEqual(b.wait_exit(), 0)

    def test_accepted_connection_gets_its_request_answered(self):
        c, port = self.only_child({'LOG_CONN': '1'})
        early = socket.create_connection(('127.0.0.1', port), timeout=10)
        self.addCleanup(early.close)
        c.wait_out('connection')  # accepted, its request not sent yet
        c.signal(signal.SIGTERM)
        self.wait_refused(c, port)
        early.sendall(b'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
        resp = http.client.HTTPResponse(early)
        resp.begin()
        self.assertEqual((resp.status, resp.getheader('Connection')), (200, 'close'))
        self.assertIn(str(c.pid).encode(), resp.read())
        self.assertEqual(c.wait_exit(), 0)

    def test_request_in_flight_finishes(self):
        c, port = self.only_child({'DELAY': '300', 'LOG_REQ': '1'})
        result = {}
        t = threading.Thread(target=lambda: result.update(r=http_get(port)))
        t.start()
        c.wait_out('request')
        c.signal(signal.SIGINT)
        t.join(Deadline().left())
        status, headers, body = result['r']
        self.assertEqual((status, headers['connection']), (200, 'close'))
        self.assertEqual(c.wait_exit(), 0)

    def test_idle_keep_alive_connection_is_ended(self):
        c, port = self.only_child()
        conn = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
        self.addCleanup(conn.close)
        conn.request('GET', '/')
        r = conn.getresponse()
        r.read()
        self.assertEqual(r.getheader('Connection'), 'keep-alive')
        c.signal(signal.SIGINT)
        self.assertEqual(c.wait_exit(), 0)  # after a short grace, not at the 60 s cap
        self.assertEqual(conn.sock.recv(1), b'')  # the server ended the connection

    def test_net_server_waits_for_its_connections(self):
        sock, port = self.sockets.tcp()
        c = self.child('echo.js', env={'PORT': str(port)})
        c.wait_listening()
        self.sockets.by_key.pop(port).close()
        conn = socket.create_connection(('127.0.0.1', port), timeout=10)
        self.addCleanup(conn.close)
        c.wait_out('connection')
        c.signal(signal.SIGINT)
        self.wait_refused(c, port)  # no longer accepting
        conn.sendall(b'still here')
        self.assertEqual(conn.recv(100), b'still here')  # the connection lives on
        conn.close()
        self.assertEqual(c.wait_exit(), 0)  # and the last one to close ends the drain

    def test_cap_ends_a_drain_that_never_finishes(self):
        c, port = self.only_child({'PMC_KILL_TIMEOUT': '500'})
        hung = socket.create_connection(('127.0.0.1', port), timeout=30)
        self.addCleanup(hung.close)
        hung.sendall(b'GET /hang HTTP/1.1\r\nHost: x\r\n\r\n')
        c.wait_out('hang')
        c.signal(signal.SIGINT)
        self.assertEqual(c.wait_exit(), 0)
        self.assertEqual(hung.recv(100), b'')

    def test_signal_before_the_socket_arrived(self):
        sock, port = self.sockets.tcp()
        c = self.child(env={'PORT': str(port)}, answer=None)
        (req,) = c.wait_listen()
        c.signal(signal.SIGINT)
        self.assertEqual(c.wait_exit(), 0)
        self.assertEqual(c.events('listening'), [])

    def test_own_sigint_handler_keeps_control(self):
        c, port = self.only_child({'OWN_SIGINT': '1'})
        c.signal(signal.SIGINT)
        c.wait_out('app-sigint')
        # Still accepting and serving, keep-alive as usual: the shim did not drain.
        status, headers, _ = http_get(port)
        self.assertEqual((status, headers['x-pid'], headers['connection']),
                         (200, str(c.pid), 'keep-alive'))
        c.signal(signal.SIGINT)
        c._wait(lambda: True if len(c.events('app-sigint')) == 2 else None, 'second SIGINT', 20)
        self.assertEqual(http_get(port)[0], 200)
        # The app decides when it ends.
        self.assertEqual(http_get(port, '/quit')[0], 200)
        self.assertEqual(c.wait_exit(), 7)

    def test_shutdown_message_drains(self):
        c, port = self.only_child({'DELAY': '300', 'LOG_REQ': '1'})
        result = {}
        t = threading.Thread(target=lambda: result.update(r=http_get(port)))
        t.start()
        c.wait_out('request')
        c.send('shutdown')
        t.join(Deadline().left())
        self.assertEqual((result['r'][0], result['r'][1]['connection']), (200, 'close'))
        self.assertEqual(c.wait_exit(), 0)

    def test_shutdown_after_app_removed_all_message_listeners(self):
        c, port = self.only_child({'REMOVE_ALL': '1'})
        c.send('shutdown')
        self.assertEqual(c.wait_exit(), 0)

    def test_app_message_listener_handles_shutdown(self):
        c, port = self.only_child({'OWN_MESSAGE': '1'})
        c.send('shutdown')
        self.assertEqual(c.wait_exit(), 5)  # its own decision, not the shim's drain
        self.assertEqual(c.wait_out('message')['m'], 'shutdown')


if __name__ == '__main__':
    main()
