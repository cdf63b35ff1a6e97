// SPDX-License-Identifier: MIT
// A Node HTTP server for --wait-ready: it listens on PORT, then says
// process.send('ready') after READY_AFTER_MS, or never when that is unset.
'use strict';
const http = require('http');

const server = http.createServer((req, res) => res.end(process.pid + '\n'));
server.listen(process.env.PORT || 3000, () => {
	console.log(`ready-app ${process.pid} listening`);
	if (process.env.READY_AFTER_MS === undefined)
		return;
	setTimeout(() => {
		console.log(`ready-app ${process.pid} sends ready`);
		process.send('ready');
	}, Number(process.env.READY_AFTER_MS));
});
