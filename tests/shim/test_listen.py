#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The shim turns every form of listen() into a pmc:listen request and serves on the
socket the daemon passes back; readiness and the app's channel stay as in plain Node."""

import os
import signal

from harness import ShimTest, http_get, main

TCP_FORMS = {
    # form: (host, backlog) expected in the request
    'port': (None, 511),
    'port-cb': (None, 511),
    'port-host-cb': ('127.0.0.1', 511),
    'port-host-backlog-cb': ('127.0.0.1', 32),
    'port-string': (None, 511),
    'options': (None, 511),
    'options-host-backlog': ('127.0.0.1', 64),
    'express': (None, 511),
}


class Listen(ShimTest):

    def serve_form(self, form, env=None):
        sock, port = self.sockets.tcp()
        c = self.child(env=dict({'FORM': form, 'PORT': str(port)}, **(env or {})))
        (req,) = c.wait_listen()
        ok = c.wait_listening(req['seq'])
        listening = c.wait_out('listening')
        status, headers, body = http_get(port)
        self.assertEqual(status, 200)
        self.assertEqual(headers['x-pid'], str(c.pid))
        return c, req, ok, listening, port

    def stop(self, c):
        c.signal(signal.SIGTERM)
        self.assertEqual(c.wait_exit(), 0)

    def test_tcp_forms(self):
        for form, (host, backlog) in TCP_FORMS.items():
            with self.subTest(form=form):
                c, req, _, listening, port = self.serve_form(form)
                self.assertEqual(req, {'cmd': 'pmc:listen', 'seq': 1, 'host': host,
                                       'port': port, 'backlog': backlog})
                # After listen(handle) Node asks the fd itself.
                self.assertEqual(listening['address'],
                                 {'address': '127.0.0.1', 'family': 'IPv4', 'port': port})
                self.assertTrue(listening['listening'])
                sync = c.wait_out('sync')
                self.assertTrue(sync['returned'] or form == 'express')
                # Before the socket arrives, address() reports what was asked for.
                self.assertEqual(sync['address'], {'address': host or '::',
                                                   'family': 'IPv4' if host else 'IPv6',
                                                   'port': port})
                self.assertEqual(c.events('listening'), [listening])  # the callback ran once
                self.stop(c)

    def test_hostname_is_resolved_for_the_daemon(self):
        c, req, _, _, port = self.serve_form('hostname')
        self.assertIn(req['host'], ('127.0.0.1', '::1'))
        self.stop(c)

    def test_ack_and_readiness(self):
        c, req, ok, _, _ = self.serve_form('port-host-cb', {'SEND_READY': '1'})
        self.assertIn({'cmd': 'NODE_HANDLE_ACK'}, c.messages)
        self.assertEqual(ok, {'cmd': 'pmc:listening', 'seq': req['seq']})
        c.wait_message(lambda m: m == 'ready', '"ready"')
        self.stop(c)

    def test_unix_path_forms(self):
        for form in ('path', 'path-options', 'path-relative'):
            with self.subTest(form=form):
                sock_path = self.path(form + '.sock')
                rel = form == 'path-relative'
                if rel:
                    sock_path = self.path('rel.sock')
                self.sockets.unix(sock_path)
                c = self.child(env={'FORM': form, 'SOCK': sock_path, 'DIR': self.dir})
                (req,) = c.wait_listen()
                self.assertEqual(req, {'cmd': 'pmc:listen', 'seq': 1, 'path': sock_path,
                                       'backlog': 511})
                c.wait_listening(1)
                listening = c.wait_out('listening')
                self.assertEqual(listening['address'], 'rel.sock' if rel else sock_path)
                self.assertEqual(c.wait_out('sync')['address'], listening['address'])
                status, headers, _ = http_get(sock_path)
                self.assertEqual((status, headers['x-pid']), (200, str(c.pid)))
                if form == 'path-options':  # readableAll: chmod a+r as Node does
                    self.assertEqual(os.stat(sock_path).st_mode & 0o044, 0o044)
                self.stop(c)
                os.unlink(sock_path)
                self.sockets.by_key.pop(sock_path).close()

    def test_several_servers_each_get_their_seq(self):
        _, port_a = self.sockets.tcp()
        _, port_b = self.sockets.tcp()
        c = self.child(env={'FORM': 'multi', 'PORT': str(port_a), 'PORT2': str(port_b)},
                       answer=None)
        a, b = c.wait_listen(2)
        self.assertNotEqual(a['seq'], b['seq'])
        self.assertEqual((a['port'], b['port']), (port_a, port_b))
        # Answer in the other order: each server still gets its own socket.
        c.send_handle(b['seq'], self.sockets.by_key[port_b])
        c.send_handle(a['seq'], self.sockets.by_key[port_a])
        c.wait_listening(a['seq'])
        c.wait_listening(b['seq'])
        self.assertEqual(c.wait_out('listening-a')['address']['port'], port_a)
        self.assertEqual(c.wait_out('listening-b')['address']['port'], port_b)
        self.assertIn(b'"name":"a"', http_get(port_a)[2])
        self.assertIn(b'"name":"b"', http_get(port_b)[2])
        self.stop(c)

    def test_pmc_messages_are_hidden_from_the_app(self):
        sock, port = self.sockets.tcp()
        c = self.child(env={'PORT': str(port), 'MESSAGES': '1'}, answer=None)
        (req,) = c.wait_listen()
        c.send({'cmd': 'pmc:something-else', 'seq': 99})
        c.send_handle(req['seq'], sock)
        c.send({'hello': 1})
        c.send('ready')
        c.wait_listening(req['seq'])
        # In order on the channel: once these two arrived, the pmc:* ones were handled.
        seen = lambda: [e['m'] for e in c.events('message')]
        c._wait(lambda: seen() if len(seen()) >= 2 else None, 'two messages', 20)
        self.assertEqual(seen(), [{'hello': 1}, 'ready'])
        self.stop(c)

    def test_message_before_the_app_listens_is_kept(self):
        sock, port = self.sockets.tcp()
        c = self.child(env={'PORT': str(port), 'LATE_MESSAGE': '1'}, answer=None)
        (req,) = c.wait_listen()
        c.send({'early': 1})  # the app adds its listener only once it listens
        c.send_handle(req['seq'], sock)
        self.assertEqual(c.wait_out('message')['m'], {'early': 1})
        self.stop(c)

    def test_app_message_listener_keeps_it_alive(self):
        # The server closes after one request; then only the app's own 'message'
        # listener holds the process, as in plain Node, until it removes it.
        sock, port = self.sockets.tcp()
        c = self.child(env={'PORT': str(port), 'MESSAGES': '1', 'CLOSE_AFTER': '1'})
        c.wait_listening()
        http_get(port)
        # What holds the loop now: the channel, ref'd for the app's listener only.
        self.assertIs(c.wait_out('closed')['channelRef'], True)
        c.send({'bye': 1})  # the app then calls process.removeAllListeners('message')
        self.assertEqual(c.wait_out('message')['m'], {'bye': 1})
        self.assertEqual(c.wait_exit(), 0)

    def test_app_exits_when_its_server_closes(self):
        sock, port = self.sockets.tcp()
        c = self.child(env={'PORT': str(port), 'CLOSE_AFTER': '1'})
        c.wait_listening()
        http_get(port)
        self.assertEqual(c.wait_exit(), 0)
        self.assertIs(c.wait_out('closed')['channelRef'], False)

    def test_idle_app_without_server_exits(self):
        c = self.child('idle.js')
        self.assertEqual(c.wait_exit(), 0)
        c.wait_out('done')
        self.assertEqual(c.messages, [])


class NotIntercepted(ShimTest):

    def assert_plain(self, c, channel=True):
        listening = c.wait_out('listening')
        if channel:
            c.wait_message(lambda m: isinstance(m, dict) and 'done' in m, 'done')
            self.assertFalse([m for m in c.messages if isinstance(m, dict)
                              and str(m.get('cmd')).startswith('pmc:')])
        return listening['address']

    def test_port_zero(self):
        c = self.child('plain.js', env={'MODE': 'zero'})
        address = self.assert_plain(c)
        self.assertNotEqual(address['port'], 0)
        status, _, body = http_get(address['port'])
        self.assertIn(str(c.pid).encode(), body)
        # No server of the shim: SIGINT ends the app as it ends plain Node.
        c.signal(signal.SIGINT)
        self.assertEqual(c.wait_exit(), -signal.SIGINT)

    def test_no_port(self):
        c = self.child('plain.js', env={'MODE': 'none'})
        self.assertNotEqual(self.assert_plain(c)['port'], 0)
        self.assertEqual(c.wait_exit(), 0)

    def test_app_own_forked_child(self):
        sock_path = self.path('child.sock')
        c = self.child('fork.js', env={'SOCK': sock_path})
        self.assertEqual(c.wait_out('child'), {'event': 'child', 'cluster': None,
                                              'm': {'listening': sock_path}})
        self.assertEqual(c.wait_out('child-exit')['code'], 0)
        self.assertEqual(c.wait_exit(), 0)
        self.assertEqual(c.messages, [])

    def test_exclusive(self):
        sock_path = self.path('excl.sock')
        c = self.child('plain.js', env={'MODE': 'exclusive', 'SOCK': sock_path})
        self.assertEqual(self.assert_plain(c), sock_path)
        self.assertIn(str(c.pid).encode(), http_get(sock_path)[2])

    def test_without_pmc_cluster(self):
        sock_path = self.path('plain.sock')
        c = self.child('plain.js', env={'MODE': 'path', 'SOCK': sock_path}, cluster=False)
        self.assertEqual(self.assert_plain(c), sock_path)
        self.assertIn(str(c.pid).encode(), http_get(sock_path)[2])

    def test_without_channel(self):
        sock_path = self.path('nochan.sock')
        c = self.child('plain.js', env={'MODE': 'path', 'SOCK': sock_path}, channel=False)
        self.assertEqual(self.assert_plain(c, channel=False), sock_path)
        self.assertIn(str(c.pid).encode(), http_get(sock_path)[2])


if __name__ == '__main__':
    main()
