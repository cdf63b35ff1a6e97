// SPDX-License-Identifier: MIT
// listen() on an address that is taken: report the error the app sees (HANDLER=1), or
// crash on it like an app without an 'error' handler.
'use strict';
const net = require('net');

const server = net.createServer();
if (process.env.HANDLER) {
	server.on('error', (e) => {
		const seen = { message: e.message, listening: server.listening, address: server.address() };
		for (const k of ['code', 'errno', 'syscall', 'address', 'port'])
			seen['err_' + k] = e[k];
		console.log(JSON.stringify(seen));
	});
}
if (process.env.SOCK)
	server.listen(process.env.SOCK);
else if (process.env.HOST)
	server.listen(Number(process.env.PORT), process.env.HOST);
else
	server.listen(Number(process.env.PORT));
