"""Notebook 02's steps in replay: create, join, reuse; errors with a fix; kubeconfig; costs; recordings."""

import json
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import labkit
from labkit import aks, costs, kube
from labkit.config import LabConfig
from labkit.errors import LabError
from labkit.paths import recordings
from labkit.recording.mode import Mode, Policy, VirtualClock

pytestmark = pytest.mark.unit
RECORDINGS = recordings()
SCENARIOS = RECORDINGS / "errors-aks"


def test_cluster_spec_is_small_free_and_has_its_own_identity():
    spec = aks.cluster_spec(LabConfig(vm_size="Standard_D2s_v3"), "1.35").as_dict()
    assert spec["sku"] == {"name": "Base", "tier": "Free"}
    assert spec["identity"] == {"type": "SystemAssigned"}
    assert spec["location"] == "eastus" and spec["tags"]["course"] == "aks-workbook"
    props = spec["properties"]
    assert props["kubernetesVersion"] == "1.35" and props["dnsPrefix"] == "aks-student-k7q2"
    assert props["agentPoolProfiles"] == [{"name": "nodepool1", "mode": "System", "count": 1,
                                           "vmSize": "Standard_D2s_v3", "osType": "Linux"}]


def test_version_is_the_regions_default_asked_at_run_time():
    lab = labkit.open_lab("02-deploy-aks")
    with lab.step("show_versions"):
        assert aks.pick_version(lab) == "1.36"  # N-1 on the recording date: the calendar's default


def test_fresh_create_shows_az_and_progress(scenario_lab, capsys):
    cluster = aks.create_cluster(scenario_lab({"create_cluster": "errors-aks/create_fresh"}))
    out = capsys.readouterr().out
    assert cluster.provisioning_state == "Succeeded"
    assert "az aks create --resource-group rg-student-k7q2 --name aks-student-k7q2" in out
    assert ("--tier free --kubernetes-version 1.36 --nodepool-name nodepool1 --node-count 1 "
            "--node-vm-size Standard_D2s_v5") in out
    assert "✅ Cluster aks-student-k7q2 created" in out and "✅ Resource group rg-student-k7q2" in out


def test_create_in_progress_is_joined_not_restarted(capsys):
    # the recording holds only GETs: a PUT would find no answer and fail
    cluster = aks.create_cluster(labkit.open_lab("02-deploy-aks"))
    out = capsys.readouterr().out
    assert cluster.provisioning_state == "Succeeded"
    # replay tells the recorded lab's story: this learner started nothing, whatever their prefix
    assert "Recorded lab: its 00-setup had started cluster aks-student-k7q2" in out and "az aks wait --created" in out
    assert "joining the operation already running" not in out and "you waited" not in out
    # two polls 15 s apart after the first read: replay's virtual clock moved on by their pauses, and only them
    assert "it waited only for what was left of its creation (30 s)" in out


def test_live_the_learner_joins_their_own_create(monkeypatch, capsys):
    lab = labkit.open_lab("02-deploy-aks")
    lab.policy = Policy(Mode.LIVE, VirtualClock())  # the answers still come from the recording; no real pause
    aks.create_cluster(lab)
    out = capsys.readouterr().out
    assert "joining the operation already running" in out and "you waited only for what was left" in out
    assert "Recorded lab" not in out


def test_existing_cluster_is_reused(scenario_lab, capsys):
    aks.create_cluster(scenario_lab({"create_cluster": "errors-aks/reuse_existing"}))
    assert "Recorded lab: cluster aks-student-k7q2 already existed and was running, so it was reused" in (
        capsys.readouterr().out)


def test_stopped_cluster_is_started(scenario_lab, capsys):
    cluster = aks.create_cluster(scenario_lab({"create_cluster": "errors-aks/stopped_cluster"}))
    assert "az aks start" in capsys.readouterr().out and cluster.power_state.code == "Running"


def test_start_cluster_begins_the_create_without_waiting(capsys):
    aks.start_cluster(labkit.open_lab("00-setup"))
    out = capsys.readouterr().out
    assert "provisioning state Creating" in out and "--no-wait" in out and "notebook 02" in out


def test_start_cluster_again_leaves_the_running_create_alone(scenario_lab, capsys):
    aks.start_cluster(scenario_lab({"start_cluster": "errors-aks/start_existing"}))
    out = capsys.readouterr().out
    assert "(provisioning state Creating)" in out and "nothing new was started" in out


@pytest.mark.parametrize("scenario, code, fix", [
    ("missing_registration", "MissingSubscriptionRegistration", "az provider register"),
    ("insufficient_vcpu_quota", "ErrCode_InsufficientVCPUQuota", "request more quota"),
    ("quota_exceeded_async", "QuotaExceeded", "request more quota"),
    ("sku_not_available", "SkuNotAvailable", "pick another size"),
    ("vm_size_not_allowed", "SkuNotAvailable", "pick another size"),
    ("region_disallowed", "RequestDisallowedByAzure", "set `region`"),
    ("policy_disallowed", "RequestDisallowedByPolicy", "set `region`"),
    ("authorization_failed", "AuthorizationFailed", "Contributor"),
    ("create_failed", "OutboundConnFailVMExtensionError", "aks.delete_cluster(lab)"),
    ("found_failed", "provisioning state Failed", "aks.delete_cluster(lab)"),
])
def test_azure_refusals_say_what_to_do(scenario_lab, capsys, scenario, code, fix):
    with pytest.raises(LabError) as raised:
        aks.create_cluster(scenario_lab({"create_cluster": f"errors-aks/{scenario}"}))
    assert code in raised.value.problem and fix in raised.value.fix
    assert "⛔" in capsys.readouterr().out


def test_create_and_inspect_cells_run_twice_in_one_kernel(capsys):
    lab = labkit.open_lab("02-deploy-aks")
    runs = []
    for _ in range(2):
        aks.create_cluster(lab)
        aks.fetch_kubeconfig(lab)
        aks.show_api_server(lab)
        aks.show_system_pods(lab)
        aks.show_nodes(lab)
        runs.append(capsys.readouterr().out)
    assert runs[0] == runs[1] and "[+]" not in runs[0] and "containerd" in runs[0]


def test_kubeconfig_is_private_and_never_printed(lab_home, capsys):
    path = aks.fetch_kubeconfig(labkit.open_lab("02-deploy-aks"))
    assert path.parent == lab_home and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "kind: Config" in path.read_text(encoding="utf-8") and "client-key-data" not in path.read_text(encoding="utf-8")
    out = capsys.readouterr().out
    assert "apiVersion" not in out and "token" not in out and "server:" not in out


def test_learner_names_replace_the_recorded_ones(capsys):
    aks.create_cluster(labkit.open_lab("02-deploy-aks", prefix="alice"))
    out = capsys.readouterr().out
    assert "aks-alice-" in out and "student" not in out


def test_pools_upgrades_and_what_is_left_running(capsys):
    lab = labkit.open_lab("02-deploy-aks")
    aks.show_node_pools(lab)
    aks.add_user_pool(lab)
    aks.remove_user_pool(lab)
    aks.show_upgrades(lab)
    aks.show_running(lab)
    aks.stop_cluster(lab)
    aks.delete_cluster(lab)
    out = capsys.readouterr().out
    assert "aks-userpool-31418627-vmss000000" in out and "✅ Node pool userpool deleted" in out
    assert "Control plane   1.36.6 → 1.37.2, 1.37.3" in out
    assert f"≈ ${costs.cluster_hour('Standard_D2s_v5'):.3f} per hour" in out
    assert "az aks stop" in out and "az aks delete" in out and "✅ Cluster aks-student-k7q2 stopped" in out


def test_replay_never_imports_kubernetes(tmp_path):
    code = ("import sys, labkit; from labkit import aks; lab = labkit.open_lab('02-deploy-aks'); "
            "aks.fetch_kubeconfig(lab); aks.show_api_server(lab); aks.show_nodes(lab); "
            "print('kubernetes' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"LABKIT_HOME": str(tmp_path), "LABKIT_MODE": "replay", "PATH": ""}, encoding="utf-8")
    assert done.stdout.strip().endswith("False")


def _recordings():
    return sorted([*(RECORDINGS / "02-deploy-aks").glob("*.json"), *SCENARIOS.glob("*.json"),
                   RECORDINGS / "00-setup" / "start_cluster.json"])


@pytest.mark.parametrize("path", _recordings(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_recordings_use_the_pinned_sdks_api_versions_and_its_models(path):
    from azure.mgmt.containerservice.models import ManagedCluster

    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["provenance"]["kind"] == "hand-built" and (data["provenance"].get("follows") or not data["Entries"])
    for entry in data["Entries"]:
        uri = entry["RequestUri"]
        if re.search(r"/(operations|operationresults)/", uri):
            assert "api-version=2026-08-01" not in uri  # an operation URL has the operation API's own version
        elif "/register?" in uri:
            assert uri.endswith("api-version=2016-02-01")  # azure-mgmt-core's automatic registration
        elif "Microsoft.ContainerService" in uri:
            assert "api-version=2026-08-01" in uri
        else:
            assert "api-version=2025-04-01" in uri
        body = entry["ResponseBody"] or {}
        if body.get("type") == "Microsoft.ContainerService/ManagedClusters":
            cluster = ManagedCluster(body)
            assert cluster.provisioning_state and cluster.node_resource_group.startswith("MC_")
        if entry["StatusCode"] >= 400:  # ARM wraps its errors in "error"; AKS's own answers may not (the corpus)
            assert {"code", "message"} <= set(body.get("error", body))


def test_kubeconfig_path_is_in_the_lab_folder(lab_home):
    assert kube.kubeconfig_path(labkit.open_lab("02-deploy-aks")) == Path(lab_home) / "kubeconfig-aks-student-k7q2"
