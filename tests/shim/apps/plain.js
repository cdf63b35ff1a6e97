// SPDX-License-Identifier: MIT
// listen() calls the shim must leave to Node (MODE), then a short HTTP service; reports
// its address on stdout and, when it has a channel, as {"done":...}.
'use strict';
const http = require('http');

const env = process.env;
const server = http.createServer((req, res) => res.end(JSON.stringify({ pid: process.pid })));
const modes = {
	'zero': () => server.listen(0, '127.0.0.1'),
	'none': () => server.listen(),
	'exclusive': () => server.listen({ path: env.SOCK, exclusive: true }),
	'path': () => server.listen(env.SOCK),
};
modes[env.MODE]();
server.on('listening', () => {
	const address = server.address();
	console.log(JSON.stringify({ event: 'listening', address }));
	if (process.send)
		process.send({ done: address });
});
if (env.MODE === 'none')
	server.on('listening', () => server.close());
