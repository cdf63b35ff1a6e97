# SPDX-License-Identifier: MIT
# Prints its argv as JSON; with --port N it serves HTTP on 127.0.0.1:N, else it sleeps.
import http.server
import json
import signal
import sys

args = sys.argv[1:]
print(json.dumps({"argv": args, "xoptions": sys._xoptions}), flush=True)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"argv": args}).encode() + b"\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *unused):
        pass


if "--port" in args:
    port = int(args[args.index("--port") + 1])
    http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
else:
    signal.pause()
