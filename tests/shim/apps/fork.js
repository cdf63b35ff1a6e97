// SPDX-License-Identifier: MIT
// An app that forks a Node child of its own (which inherits --require): the child's
// listen() must stay plain Node, talking to its own parent, not to pmc.
'use strict';
const { fork } = require('child_process');
const net = require('net');

if (process.argv[2] === 'child') {
	const server = net.createServer((s) => s.end('child\n'));
	server.listen(process.env.SOCK, () => process.send({ listening: server.address() }));
	process.on('message', () => process.exit(0));
} else {
	const child = fork(__filename, ['child']);
	child.on('message', (m) => {
		console.log(JSON.stringify({ event: 'child', m, cluster: process.env.PMC_CLUSTER || null }));
		child.send('bye');
	});
	child.on('exit', (code) => console.log(JSON.stringify({ event: 'child-exit', code })));
}
