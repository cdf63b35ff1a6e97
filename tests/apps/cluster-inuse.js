// SPDX-License-Identifier: MIT
// listen(PORT) with an 'error' handler, as careful Node apps have: it logs the
// error code and keeps running without a server.
'use strict';
const http = require('http');

const server = http.createServer((req, res) => res.end(process.pid + '\n'));
server.on('error', (err) => {
	console.log(`inuse-app ${process.pid} listen error ${err.code} syscall ${err.syscall} port ${err.port}`);
	setInterval(() => {}, 1 << 30);
});
server.listen(process.env.PORT || 3000, () => console.log(`inuse-app ${process.pid} listening`));
