"""A stand-in Kubernetes API server on 127.0.0.1 (HTTPS, its own test CA), for labkit's live and record paths.

It holds objects the way kube-apiserver does for what the workbook sends: POST creates (201) or answers 409
AlreadyExists, PATCH merges, GET answers the object or 404 NotFound, DELETE answers as the API reference says
(a Service is returned, a Deployment or Secret gets a Status), ``/scale`` reads and patches replicas. The app's
pods follow the Deployment and become ready after ``ready_after`` listings; the Service gets its
``status.loadBalancer.ingress`` after ``ip_after`` reads, with the cloud provider's events. A caller is let in
with the kubeconfig's client certificate (mutual TLS) or its bearer token. Every request is logged.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import ipaddress
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

TOKEN = "kube-stand-in-token-0123456789abcdef"
NODE = "aks-nodepool1-12345678-vmss000000"
EXTERNAL_IP = "203.0.113.80"  # TEST-NET-3: never routed


# -- certificates --------------------------------------------------------------------------------------------------
def _certificate(subject: str, key, issuer=None, issuer_key=None, *, ca=False, server=False):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer or name)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(hours=2))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               # the key identifiers and usages that Python 3.13's strict verification asks of every certificate
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key((issuer_key or key).public_key()),
                              critical=False)
               .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=ca, crl_sign=ca,
                                            content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=not ca,
                                            encipher_only=False, decipher_only=False), critical=True))
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
    return builder.sign(issuer_key or key, hashes.SHA256())


def make_pki(folder: Path) -> dict:
    """A test CA, a server certificate for 127.0.0.1 and a client certificate, as PEM files in ``folder``."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    def pem_key(key):
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())

    ca_key, server_key, client_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    ca = _certificate("kube stand-in CA", ca_key, ca=True)
    server = _certificate("127.0.0.1", server_key, ca.subject, ca_key, server=True)
    client = _certificate("masterclient", client_key, ca.subject, ca_key)
    files = {"ca": ca.public_bytes(serialization.Encoding.PEM),
             "server": server.public_bytes(serialization.Encoding.PEM), "server_key": pem_key(server_key),
             "client": client.public_bytes(serialization.Encoding.PEM), "client_key": pem_key(client_key)}
    paths = {}
    for name, data in files.items():
        paths[name] = folder / f"{name}.pem"
        paths[name].write_bytes(data)
    return paths


def kubeconfig(url: str, pki: dict, *, token: str | None = None, client_cert: bool = True) -> str:
    """A kubeconfig for the stand-in, shaped like the one AKS gives (client certificate and key, inline)."""
    def b64(name):
        return base64.b64encode(pki[name].read_bytes()).decode()

    user = {}
    if client_cert:
        user.update({"client-certificate-data": b64("client"), "client-key-data": b64("client_key")})
    if token:
        user["token"] = token
    return json.dumps({"apiVersion": "v1", "kind": "Config", "current-context": "standin",
                       "clusters": [{"name": "standin", "cluster": {"server": url,
                                                                    "certificate-authority-data": b64("ca")}}],
                       "contexts": [{"name": "standin", "context": {"cluster": "standin", "user": "clusterUser"}}],
                       "users": [{"name": "clusterUser", "user": user}]})


# -- what the cluster holds ------------------------------------------------------------------------------------------
def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status(code: int, reason: str = "", message: str = "", details: dict | None = None) -> dict:
    """A ``meta/v1`` Status, as the API server answers errors (and deletes of most kinds)."""
    if code < 400:
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details or {}}
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": reason, "details": details or {}, "code": code}


STATIC = {
    "/version": {"major": "1", "minor": "35", "gitVersion": "v1.35.2",
                 "gitCommit": "0123456789abcdef0123456789abcdef01234567", "gitTreeState": "clean",
                 "buildDate": "2026-09-10T08:00:00Z", "goVersion": "go1.25.1",
                 "compiler": "gc", "platform": "linux/amd64"},
    "/api/v1/nodes": {"kind": "NodeList", "apiVersion": "v1", "metadata": {"resourceVersion": "4711"}, "items": [{
        "metadata": {"name": NODE, "uid": "b1c4a8f2-0d3e-4c5b-9a7f-6e2d1c0b9a88", "resourceVersion": "4700",
                     "creationTimestamp": "2026-11-29T10:05:00Z",
                     "labels": {"agentpool": "nodepool1", "kubernetes.azure.com/agentpool": "nodepool1",
                                "kubernetes.io/os": "linux", "node.kubernetes.io/instance-type": "Standard_B2s",
                                "topology.kubernetes.io/region": "eastus"},
                     "managedFields": [{"manager": "kubelet", "operation": "Update", "apiVersion": "v1"}]},
        "spec": {"podCIDR": "10.244.0.0/24", "providerID": "azure:///subscriptions/x/vm/0"},
        "status": {"conditions": [{"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory"},
                                  {"type": "Ready", "status": "True", "reason": "KubeletReady",
                                   "message": "kubelet is posting ready status"}],
                   "nodeInfo": {"kubeletVersion": "v1.35.2", "kubeProxyVersion": "", "operatingSystem": "linux",
                                "architecture": "amd64", "containerRuntimeVersion": "containerd://2.1.3-1",
                                "kernelVersion": "6.8.0-1040-azure", "osImage": "Ubuntu 24.04.3 LTS",
                                "machineID": "m", "systemUUID": "s", "bootID": "b"}}}]},
    "/api/v1/namespaces/kube-system/pods": {"kind": "PodList", "apiVersion": "v1", "metadata": {}, "items": [{
        "metadata": {"name": "coredns-5d6c7b8f9d-qx2lp", "namespace": "kube-system",
                     "labels": {"k8s-app": "kube-dns", "pod-template-hash": "5d6c7b8f9d"},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                          "name": "coredns-5d6c7b8f9d", "controller": True}]},
        "spec": {"nodeName": NODE, "containers": [{"name": "coredns",
                                                   "image": "mcr.microsoft.com/oss/v2/kubernetes/coredns:v1.12.1"}]},
        "status": {"phase": "Running"}}, {
        "metadata": {"name": "kube-proxy-7wq9c", "namespace": "kube-system",
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "kube-proxy",
                                          "controller": True}]},
        "spec": {"nodeName": NODE, "containers": [{"name": "kube-proxy",
                                                   "image": "mcr.microsoft.com/oss/v2/kubernetes/kube-proxy:v1.35.2"}]},
        "status": {"phase": "Running"}}]},
}
READYZ = "".join(f"[+]{check} ok\n"
                 for check in ("ping", "log", "etcd", "etcd-readiness", "informer-sync", "shutdown")) \
    + "readyz check passed\n"


def _merge(target: dict, patch: dict) -> dict:
    """A JSON merge patch (RFC 7386); enough of a strategic merge for the workbook's manifests."""
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)
    return target


class Cluster:
    """The stand-in's state: objects by (resource, name) in namespace default, and how they progress."""

    def __init__(self, *, ready_after: int = 1, ip_after: int = 2, pull_failure: str = "", hang: str = ""):
        self.ready_after, self.ip_after, self.pull_failure, self.hang = ready_after, ip_after, pull_failure, hang
        self.objects: dict = {}
        self.listings = 0  # pod listings since the Deployment last changed
        self.service_reads = 0
        self.log: list[tuple] = []  # (method, path with query, content type)
        self.released = threading.Event()  # set at shutdown: a hanging request ends
        self.lock = threading.Lock()
        self.on_request = None  # called with the request's path while it is being answered
        self.version = 100

    def stamp(self, obj: dict, kind: str, api: str) -> dict:
        self.version += 1
        meta = obj.setdefault("metadata", {})
        meta.setdefault("namespace", "default")
        meta.setdefault("uid", f"00000000-0000-4000-8000-{self.version:012d}")
        meta.setdefault("creationTimestamp", _now())
        meta["resourceVersion"] = str(self.version)
        obj.update({"kind": kind, "apiVersion": api})
        if kind == "Deployment":
            meta["generation"] = meta.get("generation", 0) + 1
            obj.setdefault("status", {})
        if kind == "Service":
            obj["spec"].setdefault("clusterIP", "10.0.142.17")
            for port in obj["spec"].get("ports", []):
                port.setdefault("protocol", "TCP")
                port.setdefault("nodePort", 31380)
            obj.setdefault("status", {"loadBalancer": {}})
        return obj

    def pods(self) -> dict:
        deployment = self.objects.get(("deployments", "aks-workbook-app"))
        items = []
        if deployment:
            self.listings += 1
            ready = self.listings > self.ready_after
            for i in range(deployment["spec"].get("replicas", 1)):
                items.append(self._pod(deployment, i, ready))
        return {"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": str(self.version)},
                "items": items}

    def _pod(self, deployment: dict, i: int, ready: bool) -> dict:
        template = deployment["spec"]["template"]
        name = f"aks-workbook-app-7c9d8b6f4d-{'abcdefghjk'[i]}{i}q7x"
        if self.pull_failure:
            state, ready = {"waiting": {"reason": self.pull_failure, "message": "Back-off pulling image"}}, False
        elif ready:
            state = {"running": {"startedAt": _now()}}
        else:
            state = {"waiting": {"reason": "ContainerCreating"}}
        return {"metadata": {"name": name, "namespace": "default", "labels": {**template["metadata"]["labels"],
                                                                              "pod-template-hash": "7c9d8b6f4d"},
                             "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                                  "name": "aks-workbook-app-7c9d8b6f4d", "controller": True}]},
                "spec": {**copy.deepcopy(template["spec"]), "nodeName": NODE},
                "status": {"phase": "Running" if ready else "Pending",
                           "conditions": [{"type": "Ready", "status": str(ready)}],
                           "containerStatuses": [{"name": c["name"], "image": c["image"], "ready": ready,
                                                  "restartCount": 0, "state": state}
                                                 for c in template["spec"]["containers"]]}}

    def service(self, obj: dict) -> dict:
        self.service_reads += 1
        if self.service_reads >= self.ip_after:
            obj["status"] = {"loadBalancer": {"ingress": [{"ip": EXTERNAL_IP, "ipMode": "VIP"}]}}
        return obj

    def events(self) -> dict:
        reasons = [("Normal", "EnsuringLoadBalancer", "Ensuring load balancer")]
        if self.service_reads >= self.ip_after:
            reasons.append(("Normal", "EnsuredLoadBalancer", "Ensured load balancer"))
        items = [{"metadata": {"name": f"aks-workbook-app.18{i}", "namespace": "default"},
                  "involvedObject": {"kind": "Service", "namespace": "default", "name": "aks-workbook-app",
                                     "apiVersion": "v1"},
                  "reason": reason, "message": message, "type": kind, "count": 1,
                  "source": {"component": "service-controller"},
                  "firstTimestamp": f"2026-11-29T11:2{i}:00Z", "lastTimestamp": f"2026-11-29T11:2{i}:00Z"}
                 for i, (kind, reason, message) in enumerate(reasons)]
        return {"kind": "EventList", "apiVersion": "v1", "metadata": {}, "items": items}


# -- the server --------------------------------------------------------------------------------------------------------
KINDS = {"deployments": ("Deployment", "apps/v1"), "services": ("Service", "v1"), "secrets": ("Secret", "v1")}


class Handler(BaseHTTPRequestHandler):
    cluster: Cluster

    def log_message(self, *args):
        pass

    def _send(self, code: int, body, kind: str = "application/json"):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _allowed(self) -> bool:
        return bool(self.connection.getpeercert()) or self.headers.get("Authorization") == f"Bearer {TOKEN}"

    def _route(self, method: str):
        cluster = self.cluster
        url = urlsplit(self.path)
        cluster.log.append((method, self.path, self.headers.get("Content-Type", "")))
        if cluster.on_request:
            cluster.on_request(self.path)
        if not self._allowed():
            return self._send(401, status(401, "Unauthorized", "Unauthorized"))
        if cluster.hang and url.path == cluster.hang:
            cluster.released.wait(60)
            return self._send(503, status(503, "ServiceUnavailable", "stand-in released"))
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        with cluster.lock:
            return self._answer(method, url.path, parse_qs(url.query), body)

    def _answer(self, method, path, query, body):
        cluster = self.cluster
        if method == "GET" and path == "/readyz":
            return self._send(200, READYZ if query.get("verbose") else "ok", "text/plain; charset=utf-8")
        if method == "GET" and path in STATIC:
            return self._send(200, STATIC[path])
        parts = path.strip("/").split("/")
        prefix = parts[:2] if parts[0] == "api" else parts[:3]
        rest = parts[len(prefix):]
        if len(rest) < 3 or rest[0] != "namespaces" or rest[1] != "default":
            return self._send(404, status(404, "NotFound", "the server could not find the requested resource"))
        resource, name, sub = rest[2], (rest[3:4] or [None])[0], (rest[4:5] or [None])[0]
        if resource == "pods" and method == "GET" and name is None:
            return self._send(200, cluster.pods())
        if resource == "events" and method == "GET":
            return self._send(200, cluster.events())
        if resource not in KINDS:
            return self._send(404, status(404, "NotFound", "the server could not find the requested resource"))
        kind, api = KINDS[resource]
        key = (resource, name or (body or {}).get("metadata", {}).get("name"))
        found = cluster.objects.get(key)
        if method == "POST":
            if found:
                group = api.split("/")[0] if "/" in api else ""
                return self._send(409, status(409, "AlreadyExists", f'{resource}{"." + group if group else ""} '
                                              f'"{key[1]}" already exists', {"name": key[1], "kind": resource}))
            cluster.objects[key] = cluster.stamp(copy.deepcopy(body), kind, api)
            if kind == "Deployment":
                cluster.listings = 0
            return self._send(201, cluster.objects[key])
        if not found:
            return self._send(404, status(404, "NotFound", f'{resource} "{key[1]}" not found',
                                          {"name": key[1], "kind": resource}))
        if sub == "scale":
            if method == "PATCH":
                found["spec"]["replicas"] = body["spec"]["replicas"]
                cluster.stamp(found, kind, api)
                cluster.listings = 0
            return self._send(200, {"kind": "Scale", "apiVersion": "autoscaling/v1",
                                    "metadata": {"name": key[1], "namespace": "default"},
                                    "spec": {"replicas": found["spec"]["replicas"]},
                                    "status": {"replicas": found["spec"]["replicas"],
                                               "selector": "app=aks-workbook-app"}})
        if method == "GET":
            return self._send(200, cluster.service(found) if kind == "Service" else found)
        if method == "PATCH":
            cluster.objects[key] = cluster.stamp(_merge(found, body), kind, api)
            if kind == "Deployment":
                cluster.listings = 0
            return self._send(200, cluster.objects[key])
        if method == "DELETE":
            del cluster.objects[key]
            if kind == "Service":
                return self._send(200, found)
            return self._send(200, status(200, details={"name": key[1], "kind": resource,
                                                        "uid": found["metadata"]["uid"]}))
        return self._send(405, status(405, "MethodNotAllowed", f"{method} is not supported"))

    def do_GET(self):
        self._route("GET")

    def do_POST(self):
        self._route("POST")

    def do_PATCH(self):
        self._route("PATCH")

    def do_DELETE(self):
        self._route("DELETE")


class KubeStandIn:
    """Start with :meth:`start`; ``url``, ``cluster`` and ``pki`` (the certificate files) are then set."""

    def __init__(self, folder: Path, cluster: Cluster | None = None):
        self.folder, self.cluster = folder, cluster or Cluster()
        self.pki = make_pki(folder)

    def start(self) -> KubeStandIn:
        handler = type("BoundHandler", (Handler,), {"cluster": self.cluster})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.pki["server"], self.pki["server_key"])
        context.load_verify_locations(self.pki["ca"])
        context.verify_mode = ssl.CERT_OPTIONAL
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"https://127.0.0.1:{self.server.server_address[1]}"
        return self

    def stop(self) -> None:
        self.cluster.released.set()
        self.server.shutdown()
        self.server.server_close()
