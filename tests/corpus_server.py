"""A loopback HTTPS stand-in for Azure Resource Manager that answers from real-traffic corpus cases.

It listens on 127.0.0.1 with a certificate for ``management.azure.com``: a test sends the SDK's own
requests to it by resolving that name to this server (:func:`route`), so the clients keep Azure's base URL
and what record mode writes is what it would write against Azure. Each request is answered by the first
unused corpus entry with the same method, the same path (ARM paths are case-insensitive) and the same
query; answers are sent exactly as Azure sent them.
"""

from __future__ import annotations

import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

CORPUS = Path(__file__).resolve().parent / "corpus"
ARM_HOST = "management.azure.com"
NOT_SENT = {"content-length", "transfer-encoding", "content-encoding", "connection"}


def load(name: str) -> dict:
    """The corpus case ``<service>/<case>`` (e.g. ``aks/create_lro``)."""
    return json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))


def all_cases() -> dict:
    return {str(p.relative_to(CORPUS).with_suffix("")): json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(CORPUS.glob("*/*.json"))}


def request_key(method: str, uri: str) -> tuple:
    """What a request is matched on: method, lower-case path, and the query as a sorted list of pairs
    (an OData ``$filter`` in any case: ARM reads ``tagname`` and ``tagName`` alike, and the CLI sends the first)."""
    parts = urlsplit(uri)
    query = [(k, v.lower() if k == "$filter" else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return method.upper(), parts.path.lower().rstrip("/"), sorted(query)


class CorpusServer:
    """Serves the entries of ``cases`` on https://127.0.0.1:<port>: a case is a name (all its entries)
    or ``(name, [entry indices])`` (some of them, when a scenario joins cases)."""

    def __init__(self, cases, folder: Path):
        self.entries = []
        for case in cases:
            name, chosen = (case, None) if isinstance(case, str) else case
            entries = load(name)["Entries"]
            self.entries += [dict(entries[i]) for i in (range(len(entries)) if chosen is None else chosen)]
        self.used: set[int] = set()
        self.requests: list[tuple[str, str]] = []
        self.unmatched: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        folder.mkdir(parents=True, exist_ok=True)
        cert, key = arm_certificate(folder)
        self.cert = cert
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_port
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def take(self, method: str, path: str) -> dict | None:
        wanted = request_key(method, path)
        with self.lock:
            self.requests.append((method, path))
            for i, entry in enumerate(self.entries):
                if i not in self.used and request_key(entry["RequestMethod"], entry["RequestUri"]) == wanted:
                    self.used.add(i)
                    return entry
            self.unmatched.append((method, path))
        return None

    @property
    def unused(self) -> list[str]:
        return [f"{e['RequestMethod']} {e['RequestUri']}" for i, e in enumerate(self.entries) if i not in self.used]

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                entry = server.take(self.command, self.path)
                if entry is None:
                    status, headers = 418, {"Content-Type": "application/json"}  # not retried, not a 404
                    data = json.dumps({"error": {"code": "NotInCorpus", "message": f"{self.command} {self.path}"}})
                else:
                    status, headers, body = entry["StatusCode"], entry["ResponseHeaders"], entry["ResponseBody"]
                    data = (body if isinstance(body, str) or body is None else json.dumps(body)) or ""
                payload = data.encode("utf-8")
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() not in NOT_SENT:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = _answer

        return Handler

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def arm_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for management.azure.com (and 127.0.0.1), for the stand-in only."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ARM_HOST)])
    now = dt.datetime.now(dt.UTC)
    names = [x509.DNSName(ARM_HOST), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName(names), False).sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "arm.pem", folder / "arm.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def route(monkeypatch, port_of) -> None:
    """Resolve management.azure.com to the stand-in on 127.0.0.1 (``port_of()`` names its current port)."""
    import socket

    resolve = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == ARM_HOST:
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", port_of()))]
        return resolve(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
