"""A stand-in for Azure Resource Manager on 127.0.0.1 (HTTPS, self-signed), for record→replay tests.

It answers the shapes that matter to the recorder: a long-running PUT (201 + Azure-AsyncOperation +
Retry-After), gzip bodies, a 429 with Retry-After, and answers full of secrets to be scrubbed.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REAL_SUBSCRIPTION = "d3b07384-d9a0-4c3f-9a6e-2f1c7b5e8a41"
REAL_TENANT = "7f3c2a91-5b6e-4d2f-8c1a-9e0b4d6f3a27"
PRINCIPAL = "5a1e9c37-2b4d-4f8e-a6c0-3d7b9e1f2c58"
FAKE_JWT = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0.c2lnbmF0dXJl"
FAKE_KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----"
ACR_PASSWORD = "s3cr3t+ACR/password=="
API_AKS = "2026-08-01"


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "standin.pem", folder / "standin.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def kubeconfig() -> str:
    text = (f"apiVersion: v1\nclusters:\n- cluster:\n"
            f"    certificate-authority-data: {base64.b64encode(FAKE_KEY.encode()).decode()}\n"
            f"users:\n- user:\n    client-key-data: {base64.b64encode(b'private-key-bytes-0123456789').decode()}\n"
            f"    token: {FAKE_JWT}\n")
    return base64.b64encode(text.encode()).decode()


class StandIn(BaseHTTPRequestHandler):
    """Routes on the path; counts requests so tests can see what replay did not send."""

    polls: dict = {}
    throttled: set = set()
    requests_seen: list = []

    def log_message(self, *args):
        pass

    def _answer(self, status, body=None, headers=None, gzip_body=False):
        data = json.dumps(body).encode() if body is not None else b""
        if gzip_body:
            data = gzip.compress(data)
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("x-ms-request-id", PRINCIPAL)
        self.send_header("x-ms-correlation-request-id", PRINCIPAL)
        self.send_header("Set-Cookie", "session=very-secret-cookie")
        if gzip_body:
            self.send_header("Content-Encoding", "gzip")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _cluster(self, state):
        return {"id": f"/subscriptions/{REAL_SUBSCRIPTION}/resourceGroups/rg-student-k7q2/providers/"
                      "Microsoft.ContainerService/managedClusters/aks-student-k7q2",
                "name": "aks-student-k7q2", "location": "eastus", "type": "Microsoft.ContainerService/ManagedClusters",
                "identity": {"type": "SystemAssigned", "principalId": PRINCIPAL, "tenantId": REAL_TENANT},
                "properties": {"provisioningState": state, "kubernetesVersion": "1.33.5",
                               "dnsPrefix": "aks-student-k7q2",
                               "fqdn": "aks-student-k7q2-abc.hcp.eastus.azmk8s.io",
                               "agentPoolProfiles": [{"name": "nodepool1", "count": 1, "vmSize": "Standard_B2s",
                                                      "mode": "System", "osType": "Linux"}]}}

    def do_PUT(self):
        self.requests_seen.append(("PUT", self.path))
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        op = f"https://127.0.0.1:{self.server.server_port}/subscriptions/{REAL_SUBSCRIPTION}/providers/" \
             f"Microsoft.ContainerService/locations/eastus/operations/{PRINCIPAL}?api-version={API_AKS}"
        StandIn.polls[op.split("operations/")[1].split("?")[0]] = 0
        self._answer(201, self._cluster("Creating"), {"Azure-AsyncOperation": op, "Retry-After": "1"})

    def do_POST(self):
        self.requests_seen.append(("POST", self.path))
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.split("?")[0].endswith("/listCredentials"):
            self._answer(200, {"username": "acrstudentk7q2",
                               "passwords": [{"name": "password", "value": ACR_PASSWORD},
                                             {"name": "password2", "value": ACR_PASSWORD + "2"}]})
        elif self.path.split("?")[0].endswith("/listClusterUserCredential"):
            self._answer(200, {"kubeconfigs": [{"name": "clusterUser", "value": kubeconfig()}]})
        else:
            self._answer(404, {"error": {"code": "NotFound", "message": self.path}})

    def do_GET(self):
        self.requests_seen.append(("GET", self.path))
        path = self.path.split("?")[0]
        if "/operations/" in path:
            key = path.rsplit("/", 1)[1]
            StandIn.polls[key] += 1
            done = StandIn.polls[key] >= 2
            self._answer(200, {"status": "Succeeded" if done else "InProgress"},
                         None if done else {"Retry-After": "1"})
        elif path.endswith("managedClusters/aks-student-k7q2"):
            self._answer(200, self._cluster("Succeeded"), gzip_body=True)
        elif "/resourcegroups/" in path.lower():
            if path not in StandIn.throttled:
                StandIn.throttled.add(path)
                self._answer(429, {"error": {"code": "TooManyRequests", "message": "slow down"}}, {"Retry-After": "1"})
            else:
                self._answer(200, {"id": f"/subscriptions/{REAL_SUBSCRIPTION}/resourceGroups/rg-student-k7q2",
                                   "name": "rg-student-k7q2", "location": "eastus", "tags": {"owner": "student"},
                                   "properties": {"provisioningState": "Succeeded"}})
        else:
            self._answer(404, {"error": {"code": "NotFound", "message": path}})


def serve(folder: Path):
    """Start the stand-in; returns (server, base_url, certificate path)."""
    cert, key = make_certificate(folder)
    StandIn.polls, StandIn.throttled, StandIn.requests_seen = {}, set(), []
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"https://127.0.0.1:{server.server_port}", cert
