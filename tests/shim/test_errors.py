#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""pmc:listen-error reaches the app as the very error plain Node raises for a taken
address: same message and properties in its 'error' handler, the same crash without one."""

from harness import ShimTest, main


class ListenError(ShimTest):

    def plain_node(self, env):
        """What Node itself reports for this listen, with the address really taken."""
        c = self.child('errors.js', env=env, cluster=False, channel=False, shim=False)
        rc = c.wait_exit()
        return rc, c

    def with_shim(self, env, key):
        c = self.child('errors.js', env=env, answer=lambda m: (
            'error', 'EADDRINUSE', 'address %s is in use' % key))
        rc = c.wait_exit()
        (req,) = c.wait_listen()
        return rc, c, req

    def test_handler_sees_node_error_tcp_host(self):
        _, port = self.sockets.tcp()  # holds 127.0.0.1:port
        env = {'HANDLER': '1', 'PORT': str(port), 'HOST': '127.0.0.1'}
        rc_plain, plain = self.plain_node(env)
        rc, c, req = self.with_shim(env, '127.0.0.1:%d' % port)
        self.assertEqual((rc_plain, rc), (0, 0))  # nothing left to do after the error
        expected = plain.stdout[0]
        self.assertEqual(expected['err_code'], 'EADDRINUSE')  # the address was taken
        self.assertEqual(c.stdout, [expected])
        self.assertEqual(c.stdout[0]['message'],
                         'listen EADDRINUSE: address already in use 127.0.0.1:%d' % port)
        self.assertEqual(req['host'], '127.0.0.1')

    def test_handler_sees_node_error_any_address(self):
        _, port = self.sockets.tcp()
        rc, c, req = self.with_shim({'HANDLER': '1', 'PORT': str(port)}, '0.0.0.0:%d' % port)
        self.assertEqual(rc, 0)
        # Node binds the unspecified IPv6 address first, and names it in the error.
        self.assertEqual(c.stdout, [{
            'message': 'listen EADDRINUSE: address already in use :::%d' % port,
            'listening': False, 'address': None, 'err_code': 'EADDRINUSE', 'err_errno': -98,
            'err_syscall': 'listen', 'err_address': '::', 'err_port': port}])

    def test_handler_sees_node_error_unix_path(self):
        sock_path = self.path('taken.sock')
        self.sockets.unix(sock_path)
        env = {'HANDLER': '1', 'SOCK': sock_path}
        rc_plain, plain = self.plain_node(env)
        rc, c, req = self.with_shim(env, sock_path)
        self.assertEqual(plain.stdout[0]['err_code'], 'EADDRINUSE')
        self.assertEqual(c.stdout, plain.stdout)
        self.assertEqual(req['path'], sock_path)

    def test_other_codes_keep_the_daemon_text_when_node_has_none(self):
        _, port = self.sockets.tcp()
        c = self.child('errors.js', env={'HANDLER': '1', 'PORT': str(port)},
                       answer=lambda m: ('error', 'EACCES', 'permission denied'))
        self.assertEqual(c.wait_exit(), 0)
        seen = c.stdout[0]
        self.assertEqual((seen['err_code'], seen['err_errno'], seen['err_syscall']),
                         ('EACCES', -13, 'listen'))
        self.assertEqual(seen['message'], 'listen EACCES: permission denied :::%d' % port)

    def test_no_handler_crashes_like_node(self):
        _, port = self.sockets.tcp()
        env = {'PORT': str(port), 'HOST': '127.0.0.1'}
        rc_plain, plain = self.plain_node(env)
        rc, c, _ = self.with_shim(env, '127.0.0.1:%d' % port)
        line = 'Error: listen EADDRINUSE: address already in use 127.0.0.1:%d' % port
        self.assertEqual((rc_plain, rc), (1, 1))
        self.assertIn(line, plain.stderr)
        self.assertIn(line, c.stderr)
        self.assertIn("Emitted 'error' event on Server instance at:", c.stderr)


if __name__ == '__main__':
    main()
