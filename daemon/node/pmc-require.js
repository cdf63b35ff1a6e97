// SPDX-License-Identifier: MIT
// Preloaded into every Node instance of a pmc cluster: listen() gets the daemon's
// shared listening socket over the IPC channel, and a stop drains gracefully.
//
// Wire protocol (JSON lines on the Node IPC channel, see DESIGN.md §6):
//   -> {"cmd":"pmc:listen","seq":N,"host":IP|null,"port":P,"backlog":B}  or  {..,"path":"/abs"}
//   <- NODE_HANDLE {"cmd":"pmc:listen-ok","seq":N} + the fd, or {"cmd":"pmc:listen-error",..}
//   -> {"cmd":"pmc:listening","seq":N}           <- "shutdown" (--shutdown-with-message)
'use strict';

const net = require('net');

// Only the process the daemon started takes part: the variable is removed so that
// the app's own Node children (which inherit --require) stay plain Node.
const cluster = process.env.PMC_CLUSTER === '1';
delete process.env.PMC_CLUSTER;
if (!cluster || typeof process.send !== 'function' || process.env.NODE_UNIQUE_ID)
	return;

const GRACE_MS = 200; // how long an idle keep-alive connection may still bring a request
const killTimeout = /^\d+$/.test(process.env.PMC_KILL_TIMEOUT || '')
	? Number(process.env.PMC_KILL_TIMEOUT) : 1600;
const kReq = Symbol('pmc.listen');   // server -> its listen request in progress
const kConns = Symbol('pmc.conns');  // server -> Set of connection states
const kConn = Symbol('pmc.conn');    // socket or response -> connection state
const noop = () => {};

const origListen = net.Server.prototype.listen;
const origAddress = net.Server.prototype.address;
const origEmit = process.emit;

let lastSeq = 0;
const requests = new Set();   // listen requests not answered yet
const servers = new Set();    // servers that listen on a daemon socket (or tried to)
const inflight = new Set();   // http responses not finished yet
const appQueue = [];          // messages that arrived before the app had a listener
let holds = 0;
let holdTimer = null;
let signalsInstalled = false;
let draining = false;
let exiting = false;

// ---- The channel --------------------------------------------------------------------

// Node emits 'message' only while someone listens, so the shim keeps a listener of its
// own. Node refs the channel per listener; this one must not keep the app alive. (The
// explicit process.channel.ref()/unref() would switch Node's counting off for good and
// change how the app's own listeners keep it alive, so the counter is balanced instead.)
function onMessage() {}
function attachListener() {
	process.on('message', onMessage);
	if (process.channel && typeof process.channel.unrefCounted === 'function')
		process.channel.unrefCounted();
	else if (process.channel)
		process.channel.unref();
}
attachListener();
process.on('removeListener', (name, fn) => {
	if (name !== 'message' || fn !== onMessage || !process.channel)
		return;
	if (typeof process.channel.refCounted === 'function')
		process.channel.refCounted();
	process.nextTick(attachListener);
});
// Messages sent before the app listens wait for it, as they do in plain Node.
process.on('newListener', (name, fn) => {
	if (name === 'message' && fn !== onMessage && appQueue.length)
		process.nextTick(flushAppQueue);
});

function appListeners(event, own) {
	return process.listeners(event).filter((fn) => fn !== own).length;
}

function flushAppQueue() {
	while (appQueue.length && appListeners('message', onMessage))
		process.emit('message', ...appQueue.shift());
}

// pmc's own messages never reach the app's listeners.
process.emit = function emit(name, msg, handle) {
	if (name === 'message') {
		if (msg && typeof msg.cmd === 'string' && msg.cmd.startsWith('pmc:')) {
			onDaemonMessage(msg, handle);
			return true;
		}
		if (!appListeners('message', onMessage)) {
			if (msg === 'shutdown')
				drain();
			else
				appQueue.push([msg, handle]);
			return false;
		}
	} else if (name === 'disconnect') {
		// No daemon to answer: whatever is waiting binds by itself, as in plain Node.
		for (const req of requests)
			fallback(req);
	}
	return origEmit.apply(this, arguments);
};

function send(msg) {
	process.send(msg, noop); // a closed channel is not the app's error
}

// Keep the process alive while an answer is due (a ref'd timer leaves the channel's
// own ref counting alone).
function hold(delta) {
	holds += delta;
	if (holds > 0 && !holdTimer)
		holdTimer = setInterval(noop, 1 << 30);
	else if (holds === 0 && holdTimer) {
		clearInterval(holdTimer);
		holdTimer = null;
	}
}

// ---- listen() ------------------------------------------------------------------------

// Node's own argument handling (lib/net.js normalizeArgs, toNumber, isPipeName).
function toNumber(x) {
	return (x = Number(x)) >= 0 ? x : false;
}
function isPipeName(s) {
	return typeof s === 'string' && toNumber(s) === false;
}
function normalizeArgs(args) {
	let options = {};
	if (args.length === 0)
		return [options, null];
	const arg0 = args[0];
	if (typeof arg0 === 'object' && arg0 !== null) {
		options = arg0;
	} else if (isPipeName(arg0)) {
		options.path = arg0;
	} else {
		options.port = arg0;
		if (args.length > 1 && typeof args[1] === 'string')
			options.host = args[1];
	}
	const cb = args[args.length - 1];
	return [options, typeof cb === 'function' ? cb : null];
}
function validPort(p) {
	if (typeof p === 'string' && p.trim().length === 0)
		return false;
	return +p === (+p >>> 0) && +p <= 0xffff;
}

// The request for the daemon, or null when plain Node must do this listen: an
// ephemeral port (each instance its own), exclusive/reusePort, a handle or fd, an
// abstract socket, an aborted signal, or anything Node itself would reject.
function parseListen(args) {
	const [opts, cb] = normalizeArgs(args);
	if (opts._handle || opts.handle || 'fd' in opts || opts.exclusive || opts.reusePort)
		return null;
	if (opts.signal && opts.signal.aborted)
		return null;
	if (args.length === 0 || typeof args[0] === 'function' ||
	    (opts.port == null && 'port' in opts))
		return null;
	const backlog = opts.backlog || toNumber(args.length > 1 && args[1]) ||
		toNumber(args.length > 2 && args[2]) || 511;
	const req = { cb, backlog: Number(backlog) || 511, signal: opts.signal };
	if (typeof opts.port === 'number' || typeof opts.port === 'string') {
		if (!validPort(opts.port) || +opts.port === 0)
			return null;
		req.port = +opts.port;
		req.host = opts.host || null;
		req.ipv6Only = !!opts.ipv6Only;
		return req;
	}
	if (opts.path && isPipeName(opts.path) && opts.path[0] !== '\0') {
		req.path = opts.path;
		req.mode = (opts.readableAll === true ? 1 : 0) | (opts.writableAll === true ? 2 : 0);
		return req;
	}
	return null;
}

net.Server.prototype.listen = function listen(...args) {
	if (this[kReq]) {
		const err = new Error('Listen method has been called more than once without closing.');
		err.code = 'ERR_SERVER_ALREADY_LISTEN';
		throw err;
	}
	const req = draining || this._handle || !process.connected ? null : parseListen(args);
	if (!req)
		return origListen.apply(this, args);
	req.server = this;
	this[kReq] = req;
	if (req.path)
		this._pipeName = req.path; // as Node: address() names the path from now on
	requests.add(req);
	hold(1);
	track(this);
	installSignals();
	if (req.cb)
		this.once('listening', req.cb);
	req.onClose = () => finish(req); // closed before the answer came
	this.once('close', req.onClose);
	if (req.signal)
		req.signal.addEventListener('abort', () => this.close(), { once: true });
	if (req.host && !net.isIP(req.host))
		require('dns').lookup(req.host, (err, ip) => {
			if (!requests.has(req))
				return;
			if (err) {
				finish(req);
				this.emit('error', err);
				return;
			}
			req.host = ip;
			ask(req);
		});
	else
		ask(req);
	return this;
};

// Until the socket arrives, report the address that was asked for.
net.Server.prototype.address = function address() {
	const req = this[kReq];
	if (!req)
		return origAddress.call(this);
	if (req.path)
		return req.path;
	const host = req.host || '::';
	return { address: host, family: net.isIPv6(host) ? 'IPv6' : 'IPv4', port: req.port };
};

function ask(req) {
	req.seq = ++lastSeq;
	const msg = { cmd: 'pmc:listen', seq: req.seq };
	if (req.path) {
		msg.path = require('path').resolve(req.path);
	} else {
		msg.host = req.host;
		msg.port = req.port;
		if (req.ipv6Only)
			msg.ipv6Only = true;
	}
	msg.backlog = req.backlog;
	send(msg);
}

function finish(req) {
	if (!requests.delete(req))
		return false;
	delete req.server[kReq];
	req.server.removeListener('close', req.onClose);
	hold(-1);
	return true;
}

function fallback(req) {
	finish(req);
	const opts = req.path ? { path: req.path, backlog: req.backlog } :
		{ port: req.port, host: req.host, backlog: req.backlog, ipv6Only: req.ipv6Only };
	origListen.call(req.server, opts);
}

function onDaemonMessage(msg, handle) {
	const req = [...requests].find((r) => r.seq === msg.seq);
	if (msg.cmd === 'pmc:listen-ok') {
		if (!req) {
			if (handle)
				handle.close(); // nobody waits for it any more
		} else if (handle) { // (a handle lost on the way is sent again after Node's NACK)
			finish(req);
			serve(req, handle);
		}
	} else if (msg.cmd === 'pmc:listen-error' && req && finish(req)) {
		req.server.emit('error', listenError(req, msg));
	}
}

function serve(req, handle) {
	const server = req.server;
	server.once('listening', () => send({ cmd: 'pmc:listening', seq: req.seq }));
	if (!req.path) {
		origListen.call(server, handle, req.backlog);
		return;
	}
	// A Unix socket arrives as a Pipe, which listen() only takes by fd number (a
	// second handle on the same fd): install it the way cluster workers do.
	server._handle = handle;
	server._listen2(req.path, -1, -1, req.backlog);
	if (req.mode && server._handle)
		server._handle.fchmod(req.mode);
}

// The error plain Node would have raised for this listen (UVExceptionWithHostPort).
function listenError(req, msg) {
	const code = String(msg.code || 'EADDRINUSE');
	const address = req.path || req.host || '::';
	const port = req.path ? -1 : req.port;
	const known = [...require('util').getSystemErrorMap()].find(([, [name]]) => name === code);
	let err;
	if (known) {
		err = new Error(`listen ${code}: ${known[1][1]} ${port > 0 ? address + ':' + port : address}`);
	} else {
		err = new Error(msg.message || `listen ${code}`);
	}
	err.code = code;
	if (known)
		err.errno = known[0];
	err.syscall = 'listen';
	err.address = address;
	err.port = port;
	return err;
}

// ---- Graceful stop -------------------------------------------------------------------

// Remember every connection of a shared server and the http requests in progress.
function track(server) {
	if (server[kConns])
		return;
	server[kConns] = new Set();
	server.on('connection', onConnection);
	if (typeof server.keepAliveTimeout === 'number') // http and https
		server.prependListener('request', onRequest);
	servers.add(server);
}

function onConnection(sock) {
	const conns = this[kConns];
	const st = { sock, http: null, active: 0, grace: null, bytes: 0 };
	sock[kConn] = st;
	conns.add(st);
	sock.once('close', () => {
		conns.delete(st);
		clearTimeout(st.grace);
		if (draining)
			checkDrained();
	});
}

function onRequest(req, res) {
	const sock = req.socket; // a TLSSocket wraps the socket that was accepted
	const st = sock[kConn] || (sock._parent && sock._parent[kConn]);
	if (!st)
		return;
	st.http = sock;
	st.active++;
	res[kConn] = st;
	res.on('close', onResponseClose);
	inflight.add(res);
	if (draining) {
		res.shouldKeepAlive = false; // "Connection: close": the client moves on
		clearTimeout(st.grace);
	}
}

function onResponseClose() {
	const st = this[kConn];
	if (!st)
		return;
	this[kConn] = null;
	inflight.delete(this);
	if (--st.active === 0 && draining)
		idle(st);
}

// A keep-alive connection with no request in progress may have the next one on the
// wire already: give it a moment (it is then answered with Connection: close), then
// end the connection.
function idle(st) {
	clearTimeout(st.grace);
	st.bytes = st.http.bytesRead;
	st.grace = setTimeout(endIdle, GRACE_MS, st);
}

function endIdle(st) {
	const sock = st.http;
	const msg = sock._httpMessage;
	if (sock.destroyed || st.active > 0 || !sock.parser)
		return; // closing already, busy again, or no longer http (upgraded)
	if (sock.bytesRead !== st.bytes || (msg && !msg.finished)) {
		idle(st); // a request is arriving
		return;
	}
	sock.destroy();
}

function installSignals() {
	if (signalsInstalled)
		return;
	signalsInstalled = true;
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
}

// An app with a handler of its own keeps full control of its shutdown.
function onSignal(signal) {
	if (!appListeners(signal, onSignal))
		drain();
}

// Stop accepting, let requests in flight finish, end idle connections, then exit; the
// whole drain is capped just under the daemon's kill timeout.
function drain() {
	if (draining)
		return;
	draining = true;
	setTimeout(() => process.exit(0), Math.max(0, killTimeout - 100));
	for (const req of requests)
		finish(req); // a socket that arrives now is closed on arrival
	for (const res of inflight) {
		if (!res.headersSent)
			res.shouldKeepAlive = false;
	}
	for (const server of servers) {
		if (server._handle) {
			// Since Node 19 close() also destroys connections it thinks idle, among
			// them ones whose request is on the wire or not parsed yet.
			server.closeIdleConnections = noop;
			server.close();
		}
		for (const st of server[kConns]) {
			if (st.http && st.active === 0)
				idle(st);
			// no request yet (just accepted): in progress, it waits for its request
		}
	}
	checkDrained();
}

function checkDrained() {
	for (const server of servers) {
		if (server[kConns].size)
			return;
	}
	exit();
}

// Exit once what the app wrote has left (writes to files and pipes are synchronous on
// Linux; this waits for a stream that still buffers).
function exit() {
	if (exiting)
		return;
	exiting = true;
	const streams = [process.stdout, process.stderr].filter((s) => s.writableLength > 0);
	let left = streams.length;
	if (!left)
		process.exit(0);
	for (const s of streams)
		s.write('', () => --left === 0 && process.exit(0));
}
