#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Two instances fed the same listening fd both accept from it: the kernel spreads the
connections, with no process in the data path."""

import signal

from harness import Deadline, ShimTest, http_get, main


class Share(ShimTest):

    def test_two_children_share_one_socket(self):
        sock, port = self.sockets.tcp()
        env = {'PORT': str(port)}
        children = [self.child(env=env), self.child(env=env)]
        for c in children:
            c.wait_listening()
        pids = {str(c.pid) for c in children}
        seen = set()
        # The instance that answers /block is then busy for a moment: a connection made
        # meanwhile can only be accepted by the other one.
        dl = Deadline()
        while seen != pids and not dl.passed():
            for url in ('/block', '/'):
                seen.add(http_get(port, url)[1]['x-pid'])
            self.assertLessEqual(seen, pids)
        self.assertEqual(seen, pids)
        for c in children:
            c.signal(signal.SIGTERM)
            self.assertEqual(c.wait_exit(), 0)


if __name__ == '__main__':
    main()
