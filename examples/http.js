// SPDX-License-Identifier: MIT
// A small Node HTTP server, unchanged from what anyone would write, for the README's tour.
const http = require('http');

const port = Number(process.env.PORT) || 3000;
const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'text/plain');
  res.end(`hello from pid ${process.pid} (instance ${process.env.NODE_APP_INSTANCE})\n`);
});
server.listen(port, '127.0.0.1', () => {
  console.log(`listening on 127.0.0.1:${port}`);
});
