// SPDX-License-Identifier: MIT
// A Node HTTP server with its own shutdown: it logs whether it was told to stop by
// the 'shutdown' message or by SIGINT, then closes its server and exits 0.
'use strict';
const http = require('http');

const server = http.createServer((req, res) => res.end(process.pid + '\n'));
server.listen(process.env.PORT || 3000, () => console.log(`shutdown-app ${process.pid} listening`));

function bye(how) {
	console.log(`shutdown-app ${process.pid} got ${how}`);
	server.close(() => process.exit(0));
	server.closeAllConnections();
}
process.on('message', (msg) => {
	if (msg === 'shutdown')
		bye('shutdown message');
});
process.on('SIGINT', () => bye('SIGINT'));
