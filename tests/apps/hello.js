// SPDX-License-Identifier: MIT
// A small Node HTTP server on 127.0.0.1:$PORT (an ephemeral port when unset).
'use strict';
const http = require('http');

const server = http.createServer((req, res) => {
	res.end('hello from ' + (process.env.name || 'node') + '\n');
});
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
	console.log('listening on ' + server.address().port);
});
