// SPDX-License-Identifier: MIT
// An express-style app written by hand (no npm): app.get(path, fn) and
// app.listen(port, cb) over http.createServer, on a hard-coded port.
'use strict';
const http = require('http');

function express() {
	const routes = new Map();
	const app = (req, res) => {
		const fn = routes.get(req.url.split('?')[0]);
		if (!fn) {
			res.statusCode = 404;
			res.end('not found\n');
			return;
		}
		res.send = (body) => res.end(String(body));
		fn(req, res);
	};
	app.get = (path, fn) => routes.set(path, fn);
	app.listen = (...args) => http.createServer(app).listen(...args);
	return app;
}

const app = express();
app.get('/', (req, res) => res.send(process.pid + '\n'));
app.listen(3000, () => console.log(`express-like ${process.pid} listening on 3000`));
