"""labkit.kube: the reducers, the scrubber, and a real client against a local stand-in API server."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from labkit import kube
from labkit.config import LabConfig
from labkit.errors import LabError
from labkit.lab import Lab
from labkit.recording.recorder import Recorder
from labkit.recording.scrub import find_leaks

pytestmark = pytest.mark.unit
TOKEN = "s3cr3t-kube-token-0123456789abcdef"
PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"


def test_pod_summary_names_the_deployment_or_daemonset():
    rs = {"metadata": {"name": "coredns-7d9f8c6b5c-x1", "labels": {"pod-template-hash": "7d9f8c6b5c"},
                       "ownerReferences": [{"kind": "ReplicaSet", "name": "coredns-7d9f8c6b5c"}]},
          "spec": {"nodeName": "n1", "containers": [{"image": "coredns:v1"}]}, "status": {"phase": "Running"}}
    ds = {"metadata": {"name": "kube-proxy-abcde", "ownerReferences": [{"kind": "DaemonSet", "name": "kube-proxy"}]},
          "spec": {}, "status": {}}
    assert kube.pod_summary(rs) == {"name": "coredns-7d9f8c6b5c-x1", "component": "coredns", "node": "n1",
                                    "phase": "Running", "images": ["coredns:v1"]}
    assert kube.pod_summary(ds)["component"] == "kube-proxy"


def test_node_summary_reads_node_info_and_readiness():
    node = {"metadata": {"name": "n1", "labels": {"kubernetes.azure.com/agentpool": "nodepool1"}},
            "status": {"conditions": [{"type": "Ready", "status": "True"}],
                       "nodeInfo": {"kubeletVersion": "v1.35.4", "containerRuntimeVersion": "containerd://2.1.4-1"}}}
    summary = kube.node_summary(node)
    assert summary["pool"] == "nodepool1" and summary["ready"] is True
    assert summary["containerRuntimeVersion"].startswith("containerd://") and summary["kubeProxyVersion"] == ""


def test_clean_drops_credentials_and_redacts_what_looks_like_one():
    cleaned = kube.clean({"token": TOKEN, "client-key-data": "abc", "note": PEM, "ok": ["[+]etcd ok"],
                          "auth": f"Bearer {TOKEN}"})
    assert cleaned == {"note": "REDACTED", "ok": ["[+]etcd ok"], "auth": "REDACTED"}


class StandIn(BaseHTTPRequestHandler):
    """A tiny kube-apiserver: answers only requests that carry the kubeconfig's token."""

    ANSWERS = {
        "/version": {"gitVersion": "v1.35.4", "platform": "linux/amd64", "caData": PEM},
        "/api/v1/nodes": {"items": [{"metadata": {"name": "n1", "labels": {}},
                                     "status": {"nodeInfo": {"kubeletVersion": "v1.35.4"}}}]},
        "/api/v1/namespaces/kube-system/pods": {"items": [{"metadata": {"name": "metrics-server-1"},
                                                           "spec": {"nodeName": "n1"}}]},
    }

    def do_GET(self):
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._send(401, b"{}")
        if self.path == "/readyz?verbose=true":
            return self._send(200, b"[+]ping ok\n[+]etcd ok\nreadyz check passed\n", "text/plain")
        return self._send(200, json.dumps(self.ANSWERS[self.path]).encode())

    def _send(self, status, body, kind="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def api_server():
    server = HTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def record_lab(tmp_path, server: str, token: str = TOKEN) -> Lab:
    config = LabConfig(mode="record")
    lab = Lab("kube-test", config, Recorder("record", "kube-test", root=tmp_path / "rec"), None, "sub")
    path = kube.kubeconfig_path(lab)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"""apiVersion: v1
kind: Config
clusters: [{{name: c, cluster: {{server: "{server}"}}}}]
contexts: [{{name: c, context: {{cluster: c, user: u}}}}]
current-context: c
users: [{{name: u, user: {{token: {token}}}}}]
""")
    return lab


def test_record_then_replay_with_a_real_client(tmp_path, api_server):
    lab = record_lab(tmp_path, api_server)
    with lab.step("look"):
        live = [kube.version(lab), kube.readyz(lab), kube.nodes(lab), kube.pods(lab)]
    assert live[0]["gitVersion"] == "v1.35.4" and live[0]["caData"] == "REDACTED"
    assert "[+]etcd ok" in live[1] and live[2][0]["kubeletVersion"] == "v1.35.4"
    assert live[3][0]["component"] == "metrics-server-1"
    text = (tmp_path / "rec" / "kube-test" / "look.json").read_text()
    assert TOKEN not in text and find_leaks(text) == []

    replay = Lab("kube-test", LabConfig(), Recorder("replay", "kube-test", root=tmp_path / "rec"), None, "sub")
    with replay.step("look"):
        assert [kube.version(replay), kube.readyz(replay), kube.nodes(replay), kube.pods(replay)] == live


def test_refused_credentials_and_missing_kubeconfig_say_what_to_do(tmp_path, api_server):
    lab = record_lab(tmp_path, api_server, token="wrong-token")
    with lab.step("look"), pytest.raises(LabError, match="refused") as raised:
        kube.version(lab)
    assert "fetch the kubeconfig again" in raised.value.fix
    kube.kubeconfig_path(lab).unlink()
    with lab.step("look"), pytest.raises(LabError, match="no kubeconfig"):
        kube.nodes(lab)
