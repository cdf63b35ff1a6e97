// SPDX-License-Identifier: MIT
// An unchanged HTTP app for the shim tests: FORM picks how it calls listen(), the
// other variables add behaviours; it reports what it sees as JSON lines on stdout.
'use strict';
const http = require('http');

const env = process.env;
const port = Number(env.PORT);
const log = (event, extra) => console.log(JSON.stringify({ event, ...extra }));

function handler(name) {
	return (req, res) => {
		if (env.LOG_REQ)
			log('request', { url: req.url });
		if (req.url === '/hang') {
			log('hang');
			return;
		}
		if (req.url === '/block') { // answer, then keep the event loop busy for a while
			res.setHeader('X-Pid', String(process.pid));
			res.end(JSON.stringify({ pid: process.pid, name }) + '\n');
			for (const end = Date.now() + 300; Date.now() < end;)
				;
			return;
		}
		if (req.url === '/quit') {
			res.end('bye\n', () => process.exit(7));
			return;
		}
		setTimeout(() => {
			res.setHeader('X-Pid', String(process.pid));
			res.end(JSON.stringify({ pid: process.pid, name }) + '\n');
			if (env.CLOSE_AFTER)
				server.close(() => log('closed', { channelRef: channelRef() }));
		}, Number(env.DELAY || 0));
	};
}

// Whether the IPC channel keeps the event loop alive (Node's own handle, looked up
// for the test).
function channelRef() {
	const k = Object.getOwnPropertySymbols(process).find((s) => s.description === 'kChannelHandle');
	return process[k].hasRef();
}

// An express-like app object, written by hand (no npm): app.listen() creates the server.
function expressLike() {
	const app = (req, res) => handler('express')(req, res);
	app.listen = function () {
		const s = http.createServer(this);
		return s.listen.apply(s, arguments);
	};
	return app;
}

const server = http.createServer(handler('main'));
const onListening = () => {
	log('listening', { address: server.address(), listening: server.listening });
	if (env.SEND_READY)
		process.send('ready');
	if (env.LATE_MESSAGE)
		process.on('message', onMessage);
};
function onMessage(m) {
	log('message', { m });
	if (m === 'shutdown' && env.OWN_MESSAGE)
		process.exit(5);
	if (m && m.bye)
		process.removeAllListeners('message');
}

if (env.REMOVE_ALL)
	process.removeAllListeners('message');
if (env.OWN_SIGINT)
	process.on('SIGINT', () => log('app-sigint'));
if (env.OWN_MESSAGE || env.MESSAGES)
	process.on('message', onMessage);
if (env.LOG_CONN)
	server.on('connection', () => log('connection'));

const forms = {
	'port': () => { server.on('listening', onListening); return server.listen(port); },
	'port-cb': () => server.listen(port, onListening),
	'port-host-cb': () => server.listen(port, '127.0.0.1', onListening),
	'port-host-backlog-cb': () => server.listen(port, '127.0.0.1', 32, onListening),
	'port-string': () => server.listen(String(port), onListening),
	'hostname': () => server.listen(port, 'localhost', onListening),
	'options': () => server.listen({ port }, onListening),
	'options-host-backlog': () =>
		server.listen({ port, host: '127.0.0.1', backlog: 64 }, onListening),
	'path': () => server.listen(env.SOCK, onListening),
	'path-options': () => server.listen({ path: env.SOCK, readableAll: true }, onListening),
	'path-relative': () => { process.chdir(env.DIR); return server.listen('rel.sock', onListening); },
	'express': () => {
		const s = expressLike().listen(port, () => {
			log('listening', { address: s.address(), listening: s.listening });
		});
		return s;
	},
	'multi': () => {
		const b = http.createServer(handler('b'));
		server.removeAllListeners('request');
		server.on('request', handler('a'));
		server.listen(port, '127.0.0.1', () => log('listening-a', { address: server.address() }));
		b.listen(Number(env.PORT2), '127.0.0.1', () => log('listening-b', { address: b.address() }));
		return server;
	},
};

const s = forms[env.FORM || 'port-host-cb']();
log('sync', { returned: s instanceof http.Server, address: s.address() });
