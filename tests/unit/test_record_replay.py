"""Record against a local stand-in for Azure Resource Manager, then replay with the stand-in gone."""

import json
import time

import pytest

from labkit.errors import NoRecordingError
from labkit.recording import scrub
from labkit.recording.recorder import Recorder
from labkit.recording.stepfile import RecordRun, RecordRunIncomplete
from labkit.recording.transport import make_transport
from tests import standin


class TokenCredential:
    def get_token(self, *scopes, **kwargs):
        from azure.core.credentials import AccessToken

        return AccessToken(standin.FAKE_JWT, int(time.time()) + 3600)


def clients(recorder, base_url, cert, subscription):
    from azure.mgmt.containerregistry import ContainerRegistryManagementClient
    from azure.mgmt.containerservice import ContainerServiceClient
    from azure.mgmt.resource.resources import ResourceManagementClient

    made = []
    for cls in (ContainerServiceClient, ContainerRegistryManagementClient, ResourceManagementClient):
        transport = make_transport(recorder)
        transport.connection_config.verify = str(cert)
        made.append(cls(TokenCredential(), subscription, base_url=base_url, transport=transport,
                        retry_backoff_factor=0.01))
    return made


def lab_steps(recorder, base_url, cert, subscription):
    """What a notebook would do: an LRO create, a throttled GET, secrets from two list calls."""
    from azure.mgmt.containerservice.models import ManagedCluster

    aks, acr, resources = clients(recorder, base_url, cert, subscription)
    with recorder.step_scope("create"):
        cluster = aks.managed_clusters.begin_create_or_update(
            "rg-student-k7q2", "aks-student-k7q2", ManagedCluster({"location": "eastus"})).result()
    with recorder.step_scope("secrets"):
        group = resources.resource_groups.get("rg-student-k7q2")
        creds = acr.registries.list_credentials("rg-student-k7q2", "acrstudentk7q2")
        kube = aks.managed_clusters.list_cluster_user_credentials("rg-student-k7q2", "aks-student-k7q2")
    return cluster, group, creds, kube


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("roundtrip")
    server, base_url, cert = standin.serve(tmp_path)
    recorder = Recorder("record", "roundtrip", root=tmp_path / "recordings", whole_run=True,
                        ids={standin.REAL_SUBSCRIPTION: scrub.SUBSCRIPTION, standin.REAL_TENANT: scrub.TENANT})
    started = time.monotonic()
    live = lab_steps(recorder, base_url, cert, standin.REAL_SUBSCRIPTION)
    record_seconds = time.monotonic() - started
    recorder.finish()
    server.shutdown()
    server.server_close()
    return tmp_path / "recordings", base_url, cert, live, record_seconds


@pytest.mark.unit
def test_record_then_replay_gives_the_same_answers_without_the_server(recorded, monkeypatch):
    root, base_url, cert, live, _ = recorded
    monkeypatch.setattr(time, "sleep", lambda s: pytest.fail(f"replay slept {s} s"))
    replay = Recorder("replay", "roundtrip", root=root)
    cluster, group, creds, kube = lab_steps(replay, base_url, cert, scrub.SUBSCRIPTION)
    assert cluster.provisioning_state == "Succeeded" == live[0].provisioning_state
    assert cluster.fqdn == live[0].fqdn and cluster.agent_pool_profiles[0].vm_size == "Standard_B2s"
    assert group.name == "rg-student-k7q2"
    assert creds.username == live[2].username and creds.passwords[0].value == scrub.REDACTED
    assert b"client-key-data" not in kube.kubeconfigs[0].value


@pytest.mark.unit
def test_recordings_keep_the_lro_and_429_shapes_and_drop_gzip(recorded):
    root = recorded[0]
    create = json.loads((root / "roundtrip" / "create.json").read_text(encoding="utf-8"))
    first = create["Entries"][0]
    assert first["StatusCode"] == 201 and first["ResponseHeaders"]["Retry-After"] == "1"
    assert "Azure-AsyncOperation" in first["ResponseHeaders"]
    final = create["Entries"][-1]
    assert "Content-Encoding" not in final["ResponseHeaders"]
    assert final["ResponseBody"]["properties"]["provisioningState"] == "Succeeded"
    assert create["provenance"]["kind"] == "recorded" and create["provenance"]["date"]
    secrets = json.loads((root / "roundtrip" / "secrets.json").read_text(encoding="utf-8"))
    assert [e["StatusCode"] for e in secrets["Entries"]][:2] == [429, 200]


@pytest.mark.unit
def test_a_record_run_keeps_each_steps_measured_time_and_replay_tells_it(recorded):
    root, record_seconds = recorded[0], recorded[4]
    create = json.loads((root / "roundtrip" / "create.json").read_text(encoding="utf-8"))
    assert 0 < create["seconds"] <= record_seconds
    replay = Recorder("replay", "roundtrip", root=root)
    with replay.step_scope("create"):
        assert replay.recorded_seconds() == create["seconds"]
        assert replay.recorded_seconds() is None  # told once: to the step's first progress box


@pytest.mark.unit
def test_no_secret_survives_recording(recorded):
    for path in (recorded[0] / "roundtrip").glob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert scrub.find_leaks(text) == [], path.name
        for secret in (standin.REAL_SUBSCRIPTION, standin.REAL_TENANT, standin.PRINCIPAL, standin.ACR_PASSWORD,
                       standin.FAKE_JWT, "very-secret-cookie", "private-key-bytes"):
            assert secret not in text, (path.name, secret)
        assert scrub.SUBSCRIPTION in text


@pytest.mark.unit
def test_replay_is_much_faster_than_the_recorded_waits(recorded):
    root, base_url, cert, _, record_seconds = recorded
    started = time.monotonic()
    lab_steps(Recorder("replay", "roundtrip", root=root), base_url, cert, scrub.SUBSCRIPTION)
    assert record_seconds >= 2  # the stand-in asked for two 1 s waits and one 1 s retry
    assert time.monotonic() - started < record_seconds / 2


@pytest.mark.unit
def test_unrecorded_request_names_the_step_and_how_to_record(recorded):
    root, base_url, cert, _, _ = recorded
    replay = Recorder("replay", "roundtrip", root=root)
    _, acr, _ = clients(replay, base_url, cert, scrub.SUBSCRIPTION)
    with replay.step_scope("secrets"), pytest.raises(NoRecordingError) as err:
        acr.registries.list_credentials("rg-student-k7q2", "someoneelse")
    assert "step 'secrets'" in err.value.problem and "someoneelse" in err.value.problem
    assert "LABKIT_MODE=record" in err.value.fix


@pytest.mark.unit
def test_rerunning_a_step_starts_its_recording_from_the_top(recorded):
    root, base_url, cert, _, _ = recorded
    replay = Recorder("replay", "roundtrip", root=root)
    for _ in range(2):
        assert lab_steps(replay, base_url, cert, scrub.SUBSCRIPTION)[0].provisioning_state == "Succeeded"


@pytest.mark.unit
def test_learner_names_are_mapped_onto_the_recorded_ones(recorded):
    root, base_url, cert, _, _ = recorded
    replay = Recorder("replay", "roundtrip", root=root, names={"acrerin9x8w": "acrstudentk7q2",
                                                               "rg-erin-9x8w": "rg-student-k7q2"})
    _, acr, _ = clients(replay, base_url, cert, scrub.SUBSCRIPTION)
    with replay.step_scope("secrets"):
        replay.step.take("Entries", lambda e: e["StatusCode"] == 429)  # skip the throttled GET
        replay.step.take("Entries", lambda e: "resourcegroups" in e["RequestUri"].lower())
        creds = acr.registries.list_credentials("rg-erin-9x8w", "acrerin9x8w")
    assert creds.username == "acrerin9x8w"


# -- a record run publishes only when it completes -------------------------------------------------
def record_run(root, base_url, cert, prefix, fail=False):
    """A notebook's record run with the lab ``prefix``; ``fail``: its last step raises half-way."""
    config = {"prefix": prefix, "suffix": "k7q2", "region": "eastus"}
    recorder = Recorder("record", "roundtrip", root=root, provenance={"config": config}, whole_run=True,
                        ids={standin.REAL_SUBSCRIPTION: scrub.SUBSCRIPTION, standin.REAL_TENANT: scrub.TENANT})
    aks, acr, resources = clients(recorder, base_url, cert, standin.REAL_SUBSCRIPTION)
    from azure.mgmt.containerservice.models import ManagedCluster

    with recorder.step_scope("create"):
        aks.managed_clusters.begin_create_or_update("rg-student-k7q2", "aks-student-k7q2",
                                                    ManagedCluster({"location": "eastus"})).result()
    with recorder.step_scope("secrets"):
        resources.resource_groups.get("rg-student-k7q2")
        if fail:
            raise ConnectionResetError("the kernel lost the network")
        acr.registries.list_credentials("rg-student-k7q2", "acrstudentk7q2")
    return recorder


def snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".staging" not in p.parts}


@pytest.fixture()
def arm(tmp_path):
    server, base_url, cert = standin.serve(tmp_path)
    yield base_url, cert
    server.shutdown()
    server.server_close()


@pytest.mark.unit
def test_a_failed_record_run_keeps_the_previous_recordings_and_a_complete_one_replaces_them(tmp_path, arm):
    root = tmp_path / "recordings"
    record_run(root, *arm, prefix="student").finish()
    good = snapshot(root)
    assert {"roundtrip/create.json", "roundtrip/secrets.json", "lab.json"} <= set(good)

    with pytest.raises(ConnectionResetError):
        record_run(root, *arm, prefix="erin", fail=True)
    assert snapshot(root) == good  # nothing is written over the recordings while a run is under way
    with pytest.raises(RecordRunIncomplete) as refused:
        RecordRun(root, "roundtrip").publish()  # what `labkit.notebooks run` or lab.finish() would do
    assert "step 'secrets' raised ConnectionResetError" in refused.value.problem
    assert snapshot(root) == good
    assert json.loads(good["lab.json"])["config"]["prefix"] == "student"

    record_run(root, *arm, prefix="erin")
    written = RecordRun(root, "roundtrip").publish()  # a fresh object, as the parent process has
    assert sorted(p.name for p in written) == ["create.json", "secrets.json"]
    now = snapshot(root)
    assert now.keys() == good.keys() and all(now[k] != good[k] for k in now)
    assert json.loads(now["lab.json"])["config"] == {"prefix": "erin", "suffix": "k7q2", "region": "eastus"}
    assert not (root / ".staging" / "roundtrip").exists()


@pytest.mark.unit
def test_a_step_that_passes_when_run_again_no_longer_fails_the_run(tmp_path):
    run = RecordRun(tmp_path, "nb")
    run.start()
    run.stage("deploy", {"provenance": {}, "Entries": [], "Calls": []}, RuntimeError("first try"))
    run.stage("deploy", {"provenance": {}, "Entries": [], "Calls": []})
    assert [p.name for p in run.publish()] == ["deploy.json"]


@pytest.mark.unit
def test_a_staged_file_that_still_holds_a_secret_is_not_published(tmp_path):
    (tmp_path / "nb").mkdir()
    (tmp_path / "nb" / "get.json").write_text("{}\n", encoding="utf-8")
    run = RecordRun(tmp_path, "nb")
    run.start()
    run.stage("get", {"provenance": {}, "Entries": [{"ResponseBody": {"createdBy": "alice@contoso.com"}}]})
    with pytest.raises(RecordRunIncomplete, match="e-mail address"):
        run.publish()
    assert (tmp_path / "nb" / "get.json").read_text(encoding="utf-8") == "{}\n"


@pytest.mark.unit
@pytest.mark.parametrize("completes", [True, False])
def test_notebooks_run_publishes_a_record_run_only_when_the_notebook_completes(tmp_path, monkeypatch, completes):
    """`labkit.notebooks run`: the kernel (faked here) stages its steps; the run publishes them only on success."""
    from labkit import notebooks

    workbook = tmp_path / "workbook"
    (workbook / "notebooks").mkdir(parents=True)
    (workbook / "recordings" / "02-deploy-aks").mkdir(parents=True)
    previous = workbook / "recordings" / "02-deploy-aks" / "create_cluster.json"
    previous.write_text('{"provenance": {"kind": "hand-built"}}\n', encoding="utf-8")
    monkeypatch.setenv("LABKIT_WORKBOOK", str(workbook))
    monkeypatch.setenv("LABKIT_HOME", str(tmp_path / "home"))

    def kernel(path, output, *args, **kwargs):  # what a record-mode kernel does through open_lab
        run = RecordRun(workbook / "recordings", path.stem)
        run.start()
        run.stage("create_cluster", {"provenance": {"kind": "recorded"}, "Entries": [], "Calls": []},
                  lab={"config": {"prefix": "erin", "suffix": "9x8w", "region": "eastus"}})
        if not completes:
            raise RuntimeError("a cell raised")

    monkeypatch.setattr(notebooks, "execute", kernel)
    notebook = workbook / "notebooks" / "02-deploy-aks.ipynb"
    if completes:
        assert notebooks.main(["run", str(notebook)]) == 0
        assert json.loads(previous.read_text(encoding="utf-8"))["provenance"]["kind"] == "recorded"
        lab = json.loads((workbook / "recordings" / "lab.json").read_text(encoding="utf-8"))
        assert lab["config"]["prefix"] == "erin"
    else:
        with pytest.raises(RuntimeError):
            notebooks.main(["run", str(notebook)])
        assert previous.read_text(encoding="utf-8") == '{"provenance": {"kind": "hand-built"}}\n'
        assert not (workbook / "recordings" / "lab.json").exists()
