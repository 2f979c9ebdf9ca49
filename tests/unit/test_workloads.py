"""Notebook 05's steps against the hand-built recordings: pull access, Deployment, Service, scale, errors."""

import base64
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

import labkit
from labkit import aks, costs, workloads
from labkit.errors import LabError
from tests.unit.test_aci import scenario_lab

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
    assert entry["end"] and costs.charge(entry, None)[1] == pytest.approx((17 + 10 / 60) / 60 * costs.LOAD_BALANCER_PER_HOUR)


@pytest.mark.unit
def test_replay_never_imports_the_kubernetes_package():
    code = ("import sys, labkit; from labkit import aks, workloads\n"
            "lab = labkit.open_lab('05-run-on-aks'); aks.fetch_kubeconfig(lab); workloads.grant_pull(lab)\n"
            "workloads.deploy(lab); workloads.scale(lab, 3); workloads.remove(lab)\n"
            "print('kubernetes' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("False")


@pytest.mark.unit
def test_an_ip_that_never_comes_times_out_with_the_last_event_and_a_hint(tmp_path, capsys):
    lab = scenario_lab(tmp_path, "no_external_ip", "external_ip", "errors-workloads")
    with pytest.raises(LabError) as err:
        workloads.external_ip(lab, timeout=30, poll_seconds=10)
    assert "got no external IP within 30 s" in err.value.problem
    assert "PublicIPCountLimitReached" in err.value.problem
    assert "kubectl describe service aks-workbook-app" in err.value.fix and "public-ip list" in err.value.fix
    assert lab.recorder.step is None  # the step ended
    assert "⛔ service/aks-workbook-app got no external IP" in capsys.readouterr().out
    assert not costs.Ledger.of(lab).entries


@pytest.mark.unit
def test_an_image_the_nodes_cannot_pull_says_how_to_grant_access(tmp_path):
    lab = scenario_lab(tmp_path, "image_pull_backoff", "deploy", "errors-workloads")
    with pytest.raises(LabError) as err:
        workloads.deploy(lab, replicas=1)
    assert "ImagePullBackOff" in err.value.problem
    assert "--attach-acr acrstudentk7q2" in err.value.fix and "grant_pull" in err.value.fix


@pytest.mark.unit
def test_compare_prices_both_from_the_table(capsys):
    workloads.compare(labkit.open_lab("05-run-on-aks"))
    out = capsys.readouterr().out
    assert f"ACI: ≈ ${0.5 * costs.aci_hour():.3f}" in out
    assert f"AKS: ≈ ${costs.cluster_hour('Standard_B2s') + costs.LOAD_BALANCER_PER_HOUR:.3f}" in out
    assert costs.PRICES_DATE in out
