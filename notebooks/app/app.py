"""The AKS workbook sample app: a tiny web server the labs build, push and run.

GET /         an HTML page naming the app, its image tag (APP_VERSION) and the host it runs on
GET /healthz  "ok" (for readiness and liveness probes)

Only the Python standard library: the image needs nothing but a Python base.
Run it locally with ``PORT=8080 python app.py``.
"""

import os
import signal
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NAME = "AKS workbook sample app"
VERSION = os.environ.get("APP_VERSION", "dev")
PORT = int(os.environ.get("PORT", "80"))


def page(version, host):
    """The HTML answer to GET / (tests/images/Dockerfile.scratch serves the same page)."""
    return (
        "<!doctype html>\n"
        f'<html><head><meta charset="utf-8"><title>{NAME}</title></head>\n'
        f"<body>\n<h1>{NAME}</h1>\n"
        f"<p>Version: <code>{version}</code></p>\n"
        f"<p>Host: <code>{host}</code></p>\n"
        "</body></html>\n"
    )


class Handler(BaseHTTPRequestHandler):
    server_version = "aks-sample-app"

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/":
            self.answer(200, "text/html; charset=utf-8", page(VERSION, socket.gethostname()))
        elif path == "/healthz":
            self.answer(200, "text/plain; charset=utf-8", "ok\n")
        else:
            self.answer(404, "text/plain; charset=utf-8", "not found\n")

    def answer(self, status, content_type, text):
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    # As PID 1 in a container, Python ignores SIGTERM unless told: stop promptly
    # when Kubernetes or ACI asks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = ThreadingHTTPServer(("", PORT), Handler)
    print(f"{NAME} {VERSION} listening on port {PORT} (host {socket.gethostname()})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
