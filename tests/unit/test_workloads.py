"""Notebook 05's steps: replayed from the hand-built recordings (raw Kubernetes objects), and live and recorded
against the stand-in API server (tests/kube_server.py): apply → 409 → patch, the Service's IP, scale, delete."""

import base64
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

import labkit
from labkit import aks, costs, kube, workloads
from labkit.config import LabConfig
from labkit.errors import LabError
from labkit.lab import Lab
from labkit.recording.recorder import Recorder
from tests.kube_server import EXTERNAL_IP, Cluster, KubeStandIn, kubeconfig

ROOT = Path(__file__).resolve().parents[2]


def lab05():
    lab = labkit.open_lab("05-run-on-aks")
    aks.fetch_kubeconfig(lab)
    return lab


@pytest.mark.unit
def test_manifests_run_the_registry_image_behind_a_load_balancer():
    config = labkit.open_lab("05-run-on-aks").config
    dep, svc = workloads.deployment(config, 4), workloads.service()
    pod = dep["spec"]["template"]["spec"]
    assert dep["spec"]["replicas"] == 4 and pod["containers"][0]["image"] == config.app_image
    assert pod["imagePullSecrets"] == [{"name": workloads.SECRET}]
    assert dep["spec"]["selector"]["matchLabels"] == dep["spec"]["template"]["metadata"]["labels"] == svc["spec"]["selector"]
    assert svc["spec"]["type"] == "LoadBalancer" and svc["spec"]["ports"] == [{"port": 80, "targetPort": 80}]


@pytest.mark.unit
def test_pull_secret_is_a_docker_config_for_the_registry():
    secret = workloads.pull_secret("acrx.azurecr.io", "acrx", "pw")
    config = json.loads(base64.b64decode(secret["data"][".dockerconfigjson"]))
    assert secret["type"] == "kubernetes.io/dockerconfigjson"
    assert config["auths"]["acrx.azurecr.io"]["auth"] == base64.b64encode(b"acrx:pw").decode()


@pytest.mark.unit
def test_grant_pull_keeps_no_secret_in_its_result(capsys):
    result = workloads.grant_pull(lab05())
    assert result == {"kind": "Secret", "name": "acr-pull", "action": "created"}
    assert "kubectl create secret docker-registry acr-pull" in capsys.readouterr().out


@pytest.mark.unit
def test_deploy_ip_call_scale_and_remove(monkeypatch, capsys):
    monkeypatch.setattr(time, "sleep", lambda s: pytest.fail(f"replay slept {s} s"))
    lab = lab05()
    workloads.grant_pull(lab)
    assert [p["ready"] for p in workloads.deploy(lab, replicas=2)] == [True, True]
    ip = workloads.external_ip(lab)
    answers = workloads.call(lab, ip)
    assert ip == "20.81.112.45" and len({a["host"] for a in answers}) == 2
    pods = workloads.scale(lab, 3)
    assert len(pods) == 3 and {p["node"] for p in pods} == {"aks-nodepool1-31418627-vmss000000"}
    workloads.remove(lab)
    out = capsys.readouterr().out
    assert "Before creating the Service's load balancer" in out and "service/aks-workbook-app answers at http://20.81.112.45/" in out
    assert "3 pods on 1 node(s)" in out and "answered by pod aks-workbook-app-6d8f7c9b54-9rj4m" in out
    entry = costs.Ledger.of(lab).entries[f"kubernetes/{lab.config.cluster_name}/services/aks-workbook-app"]
    assert entry["end"] and costs.charge(entry, None)[1] == pytest.approx((17 + 10 / 60) / 60 * costs.table().load_balancer_per_hour)


@pytest.mark.unit
def test_replay_never_imports_the_kubernetes_package():
    code = ("import sys, labkit; from labkit import aks, workloads\n"
            "lab = labkit.open_lab('05-run-on-aks'); aks.fetch_kubeconfig(lab); workloads.grant_pull(lab)\n"
            "workloads.deploy(lab); workloads.scale(lab, 3); workloads.remove(lab)\n"
            "print('kubernetes' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("False")


@pytest.mark.unit
def test_an_ip_that_never_comes_times_out_with_the_last_event_and_a_hint(scenario_lab, capsys):
    lab = scenario_lab({"external_ip": "errors-workloads/no_external_ip"})
    with pytest.raises(LabError) as err:
        workloads.external_ip(lab, timeout=30, poll_seconds=10)
    assert "got no external IP within 30 s" in err.value.problem
    assert "PublicIPCountLimitReached" in err.value.problem
    assert "kubectl describe service aks-workbook-app" in err.value.fix and "public-ip list" in err.value.fix
    assert lab.recorder.step is None  # the step ended
    assert "⛔ service/aks-workbook-app got no external IP" in capsys.readouterr().out
    assert not costs.Ledger.of(lab).entries


@pytest.mark.unit
def test_an_image_the_nodes_cannot_pull_says_how_to_grant_access(scenario_lab):
    lab = scenario_lab({"deploy": "errors-workloads/image_pull_backoff"})
    with pytest.raises(LabError) as err:
        workloads.deploy(lab, replicas=1)
    assert "ImagePullBackOff" in err.value.problem
    assert "--attach-acr acrstudentk7q2" in err.value.fix and "grant_pull" in err.value.fix


@pytest.mark.unit
def test_compare_prices_both_from_the_table(capsys):
    workloads.compare(labkit.open_lab("05-run-on-aks"))
    out = capsys.readouterr().out
    assert f"ACI: ≈ ${0.5 * costs.aci_hour():.3f}" in out
    assert f"AKS: ≈ ${costs.cluster_hour('Standard_D2s_v5') + costs.table().load_balancer_per_hour:.3f}" in out
    assert costs.table().date in out


@pytest.mark.unit
def test_a_second_deploy_patches_what_exists_in_replay(scenario_lab, capsys):
    lab = scenario_lab({"deploy": "errors-workloads/apply_existing"})
    assert [p["ready"] for p in workloads.deploy(lab, replicas=2)] == [True, True]
    out = capsys.readouterr().out
    assert "deployment/aks-workbook-app configured" in out and "service/aks-workbook-app configured" in out


@pytest.mark.unit
def test_pod_and_service_readers_take_what_the_api_server_says():
    pod = {"metadata": {"name": "p", "deletionTimestamp": "2026-11-29T11:00:00Z"}, "spec": {"nodeName": "n"},
           "status": {"phase": "Pending", "containerStatuses": [
               {"ready": False, "state": {"waiting": {"reason": "ErrImagePull"}}}]}}
    assert workloads.app_pod(pod) == {"name": "p", "node": "n", "phase": "Pending", "ready": False,
                                      "waiting": "ErrImagePull", "terminating": True}
    assert workloads.service_ip({"status": {"loadBalancer": {}}}) is None
    assert workloads.service_ip({"status": {"loadBalancer": {"ingress": [{"hostname": "lb.example"}]}}}) == "lb.example"


# -- live and record against the stand-in API server -------------------------------------------------------------------
PASSWORD = "s3cr3t-registry-password-4711"
FAST = {"timeout": 5, "poll_seconds": 0.01}


def standin_lab(tmp_path, server, mode: str = "live") -> Lab:
    lab = Lab("05-run-on-aks", LabConfig(mode=mode), Recorder(mode, "05-run-on-aks", root=tmp_path / "rec"),
              None, "sub")
    path = kube.kubeconfig_path(lab)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(kubeconfig(server.url, server.pki), encoding="utf-8")
    registry = SimpleNamespace(username=lab.config.registry_name, passwords=[SimpleNamespace(value=PASSWORD)])
    lab.__dict__["acr"] = SimpleNamespace(registries=SimpleNamespace(list_credentials=lambda rg, name: registry))
    return lab


@pytest.fixture
def standin(tmp_path):
    server = KubeStandIn(tmp_path, Cluster(ready_after=1, ip_after=3)).start()
    yield server
    server.stop()


def notebook05(lab) -> list:
    """What notebook 05 does with the cluster, in order."""
    return [workloads.grant_pull(lab), workloads.deploy(lab, replicas=2, **FAST), workloads.external_ip(lab, **FAST),
            workloads.scale(lab, 3, **FAST), workloads.remove(lab)]


@pytest.mark.unit
def test_the_live_path_runs_against_an_api_server(tmp_path, standin, capsys):
    granted, deployed, ip, scaled, removed = notebook05(standin_lab(tmp_path, standin))
    assert granted == {"kind": "Secret", "name": "acr-pull", "action": "created"}
    assert [p["ready"] for p in deployed] == [True, True] and len(scaled) == 3
    assert ip == EXTERNAL_IP and standin.cluster.service_reads == 3  # polled until Azure gave the IP
    assert removed == ["service/aks-workbook-app", "deployment/aks-workbook-app", "secret/acr-pull"]
    assert standin.cluster.objects == {}
    out = capsys.readouterr().out
    assert f"service/aks-workbook-app answers at http://{EXTERNAL_IP}/" in out and "3 pods on 1 node(s)" in out
    scale = [(m, ct) for m, path, ct in standin.cluster.log if path.endswith("/deployments/aks-workbook-app/scale")]
    assert scale == [("PATCH", "application/merge-patch+json")]


@pytest.mark.unit
def test_applying_what_exists_patches_it_like_kubectl_apply(tmp_path, standin, capsys):
    lab = standin_lab(tmp_path, standin)
    workloads.grant_pull(lab)
    workloads.deploy(lab, replicas=2, **FAST)
    capsys.readouterr()
    assert workloads.grant_pull(lab)["action"] == "configured"
    assert len(workloads.deploy(lab, replicas=3, **FAST)) == 3
    out = capsys.readouterr().out
    assert "deployment/aks-workbook-app configured" in out and "service/aks-workbook-app configured" in out
    assert standin.cluster.objects[("deployments", "aks-workbook-app")]["spec"]["replicas"] == 3
    writes = [(m, p.split("?")[0], ct) for m, p, ct in standin.cluster.log if m in ("POST", "PATCH")][3:]
    assert writes == [("POST", "/api/v1/namespaces/default/secrets", "application/json"),
                      ("PATCH", "/api/v1/namespaces/default/secrets/acr-pull", kube.PATCH),
                      ("POST", "/apis/apps/v1/namespaces/default/deployments", "application/json"),
                      ("PATCH", "/apis/apps/v1/namespaces/default/deployments/aks-workbook-app", kube.PATCH),
                      ("POST", "/api/v1/namespaces/default/services", "application/json"),
                      ("PATCH", "/api/v1/namespaces/default/services/aks-workbook-app", kube.PATCH)]


@pytest.mark.unit
def test_a_service_without_an_ip_times_out_live_with_the_cloud_providers_last_event(tmp_path, tmp_path_factory):
    server = KubeStandIn(tmp_path_factory.mktemp("never"), Cluster(ip_after=10**6)).start()
    try:
        lab = standin_lab(tmp_path, server)
        workloads.deploy(lab, replicas=1, **FAST)
        with pytest.raises(LabError) as err:
            workloads.external_ip(lab, timeout=0.05, poll_seconds=0.01)
        assert "got no external IP" in err.value.problem and "EnsuringLoadBalancer" in err.value.problem
    finally:
        server.stop()


@pytest.mark.unit
def test_recorded_raw_answers_replay_to_the_same_notebook(tmp_path, standin, capsys):
    lab = standin_lab(tmp_path, standin, "record")
    live = notebook05(lab)
    lab.recorder.finish()
    live_out = capsys.readouterr().out
    folder = tmp_path / "rec" / "05-run-on-aks"
    texts = {p.stem: p.read_text(encoding="utf-8") for p in folder.glob("*.json")}
    for text in texts.values():
        assert PASSWORD not in text and base64.b64encode(PASSWORD.encode()).decode()[:20] not in text
    calls = {c["call"]: c["result"] for c in json.loads(texts["external_ip"])["Calls"] if c["call"].startswith("kube")}
    service = calls["kube GET /api/v1/namespaces/default/services/aks-workbook-app"]["body"]
    assert service["kind"] == "Service" and service["status"]["loadBalancer"]["ingress"][0]["ip"] == EXTERNAL_IP
    secret = json.loads(texts["grant_pull"])["Calls"][0]["result"]["body"]
    assert secret["kind"] == "Secret" and "data" not in secret

    standin.stop()
    replay = standin_lab(tmp_path, standin, "replay")
    assert notebook05(replay) == live
    replayed = capsys.readouterr().out
    assert "Replay shows the recorded lab, which had run 03 first" in replayed  # replay says where the registry came from
    assert untimed(replay_notes_dropped(replayed)) == untimed(live_out)


def replay_notes_dropped(out: str) -> str:
    return "".join(line for line in out.splitlines(keepends=True) if "Replay shows the recorded lab" not in line)


def untimed(out: str) -> str:
    """The output without durations; replay's "(done in 1 s — the recorded lab took 2 s)" reads as live's "(… s)"."""
    out = re.sub(r"\(done in ([^—)]*) — the recorded lab took [^)]*\)", r"(\1)", out)
    return re.sub(r"\d+(\.\d+)? s\b", "… s", out)
