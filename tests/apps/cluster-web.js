// SPDX-License-Identifier: MIT
// A plain Node HTTP server that knows nothing of pmc: listen(PORT or 3000), no
// signal handler. GET / answers its pid after ~5 ms; /env the variables a cluster
// instance gets; /slow?ms=N its pid after N ms (logged when it starts).
'use strict';
const http = require('http');

const KEYS = ['LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES', 'PORT', 'NODE_APP_INSTANCE',
	'PMC_INSTANCE', 'pm_id', 'PMC_ID', 'name', 'INSTANCE_ID'];

const server = http.createServer((req, res) => {
	const url = new URL(req.url, 'http://x');
	if (url.pathname === '/env') {
		const env = { pid: process.pid };
		for (const k of KEYS)
			env[k] = process.env[k] === undefined ? null : process.env[k];
		res.setHeader('Content-Type', 'application/json');
		res.end(JSON.stringify(env) + '\n');
		return;
	}
	const ms = url.pathname === '/slow' ? Number(url.searchParams.get('ms') || 1000) : 5;
	if (url.pathname === '/slow')
		console.log(`slow request started in ${process.pid}`);
	setTimeout(() => res.end(process.pid + '\n'), ms);
});
server.listen(process.env.PORT || 3000, () => {
	console.log(`web ${process.pid} listening on ${server.address().port}`);
});
