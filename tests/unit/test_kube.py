"""labkit.kube: the reducers, raw answers recorded and replayed, and the client's credential files.

The live calls go to the stand-in API server (tests/kube_server.py: HTTPS on 127.0.0.1, mutual TLS with the
kubeconfig's client certificate, as AKS hands it out).
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from labkit import kube
from labkit.config import LabConfig
from labkit.errors import LabError
from labkit.lab import Lab
from labkit.recording.recorder import Recorder
from tests.kube_server import NODE, TOKEN, Cluster, KubeStandIn, kubeconfig

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]


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


@pytest.fixture
def standin(tmp_path):
    server = KubeStandIn(tmp_path, Cluster()).start()
    yield server
    server.stop()


def make_lab(tmp_path, mode: str, server=None, **kubeconfig_args) -> Lab:
    lab = Lab("kube-test", LabConfig(mode=mode), Recorder(mode, "kube-test", root=tmp_path / "rec"), None, "sub")
    if server is not None:
        path = kube.kubeconfig_path(lab)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(kubeconfig(server.url, server.pki, **kubeconfig_args), encoding="utf-8")
    return lab


def look(lab):
    with lab.step("look"):
        return [kube.version(lab), kube.readyz(lab), kube.nodes(lab), kube.pods(lab)]


def test_record_keeps_the_raw_answers_and_replay_reads_them_with_the_same_reducers(tmp_path, standin):
    live = look(make_lab(tmp_path, "record", standin))
    assert live[0]["gitVersion"] == "v1.35.2" and "[+]etcd ok" in live[1]
    assert live[2][0] == {"name": NODE, "pool": "nodepool1", "vmSize": "Standard_B2s", "ready": True,
                          "kubeletVersion": "v1.35.2", "kubeProxyVersion": "", "containerRuntimeVersion":
                          "containerd://2.1.3-1", "osImage": "Ubuntu 24.04.3 LTS",
                          "kernelVersion": "6.8.0-1040-azure", "architecture": "amd64"}
    assert [p["component"] for p in live[3]] == ["coredns", "kube-proxy"]

    calls = json.loads((tmp_path / "rec" / "kube-test" / "look.json").read_text(encoding="utf-8"))["Calls"]
    assert [c["call"] for c in calls] == ["kube GET /version", "kube GET /readyz?verbose=true", "kube GET /api/v1/nodes",
                                          "kube GET /api/v1/namespaces/kube-system/pods"]
    nodes = calls[2]["result"]
    assert nodes["status"] == 200 and nodes["body"]["kind"] == "NodeList"  # the API object, not a summary
    assert nodes["body"]["items"][0]["status"]["nodeInfo"]["machineID"] == "m"
    assert "managedFields" not in json.dumps(nodes)
    assert calls[1]["result"]["body"].endswith("readyz check passed\n")

    standin.stop()
    assert look(make_lab(tmp_path, "replay")) == live


def test_refused_credentials_and_missing_kubeconfig_say_what_to_do(tmp_path, standin):
    lab = make_lab(tmp_path, "live", standin, token="wrong-token", client_cert=False)
    with lab.step("look"), pytest.raises(LabError, match="refused") as raised:
        kube.version(lab)
    assert "fetch the kubeconfig again" in raised.value.fix
    lab = make_lab(tmp_path, "live", standin, token=TOKEN, client_cert=False)
    with lab.step("look"):
        assert kube.version(lab)["gitVersion"] == "v1.35.2"
    kube.kubeconfig_path(lab).unlink()
    with lab.step("look"), pytest.raises(LabError, match="no kubeconfig"):
        kube.nodes(lab)


def test_an_error_answer_is_recorded_raw_and_replayed_as_the_same_error(tmp_path, standin):
    lab = make_lab(tmp_path, "record", standin)
    with lab.step("missing"), pytest.raises(LabError) as live:
        kube.get(lab, "/api/v1/namespaces/default/services/nothing", "Reading the Service")
    recorded = json.loads((tmp_path / "rec" / "kube-test" / "missing.json").read_text(encoding="utf-8"))["Calls"]
    assert recorded[0]["result"]["status"] == 404 and recorded[0]["result"]["body"]["reason"] == "NotFound"
    replay = make_lab(tmp_path, "replay")
    with replay.step("missing"), pytest.raises(LabError) as replayed:
        kube.get(replay, "/api/v1/namespaces/default/services/nothing", "Reading the Service")
    assert str(replayed.value) == str(live.value) and 'services "nothing" not found' in live.value.problem


# -- the client's certificate and key files -------------------------------------------------------------------------
def test_client_key_lives_in_the_lab_folder_only_during_a_call(tmp_path, standin, lab_home, monkeypatch):
    temp = tmp_path / "system-temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    key = standin.pki["client_key"].read_bytes()
    seen = []

    def during(path):
        folders = list((lab_home / kube.CREDENTIALS).glob("*"))
        files = [f for folder in folders for f in folder.iterdir()]
        seen.append(({f: f.stat().st_mode & 0o777 for f in folders},
                     {f: (f.read_bytes(), f.stat().st_mode & 0o777) for f in files}))

    standin.cluster.on_request = during
    lab = make_lab(tmp_path, "live", standin)
    with lab.step("look"):
        kube.version(lab)
    folders, files = seen[0]
    ((folder, mode),) = folders.items()
    assert folder.name == str(os.getpid()) and mode == 0o700
    assert (lab_home / kube.CREDENTIALS).stat().st_mode & 0o777 == 0o700
    assert [content for content, mode in files.values() if content == key and mode == 0o600]
    assert not folder.exists() and list((lab_home / kube.CREDENTIALS).iterdir()) == []
    assert list(temp.iterdir()) == []  # nothing in the system's temporary folder


KILLED_CALL = """
import sys
from labkit import kube
from labkit.config import LabConfig
from labkit.lab import Lab
from labkit.recording.recorder import Recorder
lab = Lab("kube-test", LabConfig(mode="live"), Recorder("live", "kube-test"), None, "sub")
with lab.step("look"):
    kube.version(lab)
"""


def test_a_killed_kernel_leaves_its_key_in_the_lab_folder_and_the_next_call_removes_it(tmp_path, lab_home):
    cluster = Cluster(hang="/version")
    server = KubeStandIn(tmp_path, cluster).start()
    arrived = []
    cluster.on_request = arrived.append
    lab = make_lab(tmp_path, "live", server)
    temp = tmp_path / "system-temp"
    temp.mkdir()
    env = {**os.environ, "LABKIT_HOME": str(lab_home), "TMPDIR": str(temp), "PYTHONPATH": str(ROOT)}
    kernel = subprocess.Popen([sys.executable, "-c", KILLED_CALL], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 30
        while not arrived and time.monotonic() < deadline and kernel.poll() is None:
            time.sleep(0.05)
        assert arrived, "the call never reached the stand-in"
        os.kill(kernel.pid, signal.SIGKILL)
        kernel.wait(10)
        left = lab_home / kube.CREDENTIALS / str(kernel.pid)
        assert server.pki["client_key"].read_bytes() in [f.read_bytes() for f in left.iterdir()]
        assert list(temp.iterdir()) == []
        cluster.hang = ""
        with lab.step("look"):
            kube.nodes(lab)
        assert not left.exists()
    finally:
        if kernel.poll() is None:
            kernel.kill()
        server.stop()


# -- the shipped recordings hold what the API server sends, not labkit's summaries ----------------------------------
RECORDINGS = ROOT / "recordings"
SUMMARY_KEYS = {"component", "vmSize", "pool", "terminating", "waiting", "action"}  # what labkit's readers make


def kube_calls():
    for path in sorted(RECORDINGS.rglob("*.json")):
        for call in json.loads(path.read_text(encoding="utf-8")).get("Calls", []):
            if call["call"].startswith("kube"):
                yield path, call


def test_recorded_kubernetes_calls_are_raw_api_answers():
    found = list(kube_calls())
    assert len(found) >= 20
    for path, call in found:
        method, target = call["call"].split(" ", 2)[1:]
        assert method in ("GET", "POST", "PATCH", "DELETE") and target.startswith("/"), (path, call["call"])
        answer = call["result"]
        assert set(answer) == {"status", "body"} and 200 <= answer["status"] < 600, (path, call["call"])
        body = answer["body"]
        if target.startswith("/readyz"):
            assert isinstance(body, str) and body.endswith("\n")
        elif target == "/version":
            assert body["gitVersion"].startswith("v") and "kind" not in body
        else:
            assert body["apiVersion"] and body["kind"], (path, call["call"])
            if body["kind"].endswith("List"):
                assert all("metadata" in item for item in body["items"])
        assert not SUMMARY_KEYS & set(body if isinstance(body, dict) else {}), (path, call["call"])
        assert "managedFields" not in json.dumps(body)
        if isinstance(body, dict) and body.get("kind") == "Secret":
            assert "data" not in body and "stringData" not in body
