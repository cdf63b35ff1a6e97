// SPDX-License-Identifier: MIT
// A plain net (not http) server: echoes what it reads.
'use strict';
const net = require('net');

const server = net.createServer((sock) => {
	console.log(JSON.stringify({ event: 'connection' }));
	sock.pipe(sock);
});
server.listen(Number(process.env.PORT), '127.0.0.1');
