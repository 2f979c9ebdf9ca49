"""labkit's live and record paths against real captured Azure traffic (tests/corpus, see its README).

Each scenario serves corpus cases from a loopback HTTPS stand-in for ARM (tests/corpus_server.py) to a
Lab built as a learner's (live or record mode, a fixed-token credential), and checks what the learner
sees. The recording written in record mode is then replayed, with the server gone: same output.
"""

from __future__ import annotations

import re
import time

import pytest
from azure.core.pipeline.transport import RequestsTransport

from labkit import aci, acr, aks, costs
from labkit.config import LabConfig
from labkit.errors import AZURE_HINTS, LabError
from labkit.lab import POLL_SECONDS, Lab
from labkit.recording.recorder import Recorder
from tests.corpus_server import CorpusServer

SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
DURATION = re.compile(r"\((\d+(\.\d+)? s|\d+ min \d+ s)\)")


class TokenCredential:
    """A fixed bearer token: the stand-in checks none."""

    def get_token(self, *scopes, **kwargs):
        from azure.core.credentials import AccessToken

        return AccessToken("corpus-token", int(time.time()) + 3600)


class StandInLab(Lab):
    """A learner's Lab whose SDK clients talk to the stand-in (its base URL, its certificate)."""

    base_url, cert = "", ""

    def _client(self, cls, **kwargs):
        client = super()._client(cls, base_url=self.base_url, **kwargs)
        client._client._pipeline._transport.connection_config.verify = str(self.cert)
        return client


def make_lab(mode: str, root, server_url: str, cert, notebook: str = "corpus") -> StandInLab:
    recorder = Recorder(mode, notebook, root=root, provenance={"config": {"prefix": "student", "suffix": "k7q2",
                                                                          "region": "eastus"}})
    lab = StandInLab(notebook, LabConfig(mode=mode), recorder, TokenCredential(), SUBSCRIPTION)
    lab.base_url, lab.cert = server_url, cert
    return lab


def shown(capsys) -> str:
    """What the learner saw, with elapsed times (which differ run to run) blanked."""
    return DURATION.sub("(…)", capsys.readouterr().out)


@pytest.fixture
def slept(monkeypatch):
    """Seconds the SDK transport was asked to sleep (LRO polls and retries), instead of sleeping."""
    asked = []
    monkeypatch.setattr(RequestsTransport, "sleep", lambda self, duration: asked.append(duration))
    monkeypatch.setattr(time, "sleep", asked.append)  # labkit's own waits (Lab.wait), none in replay
    monkeypatch.setattr(costs.prices_for, "done", True, raising=False)  # no Retail Prices call from tests
    return asked


def run(step, cases, tmp_path, capsys, mode="record"):
    """Serve ``cases`` to ``step(lab)`` in ``mode``: (its result or LabError, what was shown, the server)."""
    server = CorpusServer(cases, tmp_path)
    lab = make_lab(mode, tmp_path / "recordings", server.base_url, server.cert)
    try:
        result = _outcome(step, lab)
    finally:
        server.close()
    assert server.unmatched == [], f"labkit asked what the corpus does not hold: {server.unmatched}"
    return result, shown(capsys), server


def roundtrip(step, cases, tmp_path, capsys):
    """Run ``step`` live, then in record mode, then replay that recording with the server gone.

    All three must show the learner the same (and end in the same LabError, if one); returns
    (result, shown, record-mode server).
    """
    _, live, _ = run(step, cases, tmp_path / "live", capsys, mode="live")
    result, recorded, server = run(step, cases, tmp_path, capsys)
    replayed = _outcome(step, make_lab("replay", tmp_path / "recordings", server.base_url, ""))
    assert live == recorded == shown(capsys)
    assert isinstance(replayed, LabError) == isinstance(result, LabError)
    if isinstance(result, LabError):
        assert (replayed.problem, replayed.fix) == (result.problem, result.fix)
    return result, recorded, server


def _outcome(step, lab):
    try:
        return step(lab)
    except LabError as err:
        return err


# -- the five defects ---------------------------------------------------------------------------------------
@pytest.mark.unit
def test_cluster_create_polls_at_a_lab_interval_when_azure_sends_no_retry_after(tmp_path, capsys, slept,
                                                                                  monkeypatch):
    monkeypatch.setattr(aks, "pick_version", lambda lab: "1.22.6")  # no kubernetesVersions call in the corpus
    cluster, out, server = run(aks.create_cluster, ["aks/cluster_not_found", "resources/group_create",
                                                    "aks/create_lro"], tmp_path, capsys)
    polls = [uri for method, uri in server.requests if "/operations/" in uri]
    assert len(polls) == 7 and server.unused == []
    assert slept == [POLL_SECONDS] * 6  # the SDK's own default is 30 s: 180 s of waiting here
    assert 2 <= POLL_SECONDS <= 5
    assert "✅ Cluster aks-student-k7q2 created — provisioning state Succeeded" in out
    assert "aks-student-k7q2-9b92a40f.hcp.eastus.azmk8s.io" in out and cluster.provisioning_state == "Succeeded"


@pytest.mark.unit
def test_registry_name_taken_says_change_the_prefix_not_the_vm_size(tmp_path, capsys, slept, monkeypatch):
    monkeypatch.setattr(acr, "_find", lambda lab, name: None)  # the GET 404 before it is not in the corpus
    err, out, _ = roundtrip(acr.create_registry, ["resources/group_create", "acr/create_name_taken"], tmp_path,
                            capsys)
    assert isinstance(err, LabError) and "RegistryNameAlreadyInUse" in err.problem
    assert err.fix == AZURE_HINTS["RegistryNameAlreadyInUse"] and "VM size" not in err.fix
    assert "⛔ Creating registry acrstudentk7q2 failed: RegistryNameAlreadyInUse: The registry name acrstudentk7q2 " \
           "is already in use." in out


@pytest.mark.unit
def test_a_failed_container_group_shows_its_cause_from_the_group_events(tmp_path, capsys, slept):
    err, out, _ = roundtrip(aci.create, ["acr/credentials", ("aci/create", [0]), "aci/group_failed"], tmp_path,
                            capsys)
    assert isinstance(err, LabError)
    assert err.problem == "Container group aci-student-k7q2 is Failed (container Waiting): FailedMount: Output: " \
                          "mount error(2): Permission denied"
    events = [line for line in out.splitlines() if " event " in line]
    assert events == ['✅ event Pulling: pulling image "nginx"', '✅ event Pulled: Successfully pulled image "nginx"',
                      "⛔ event FailedMount: Output: mount error(2): Permission denied"]  # by time, as they happened
    assert slept == [5, 5]  # labkit's wait between two reads of the group, live and in record mode; none in replay


# -- the other calls, as Azure answered them -------------------------------------------------------------------
@pytest.mark.unit
def test_registry_create_waits_for_its_operation_and_shows_the_registry(tmp_path, capsys, slept, monkeypatch):
    monkeypatch.setattr(acr, "_find", lambda lab, name: None)
    registry, out, server = roundtrip(acr.create_registry, ["resources/group_create", "acr/create_lro"], tmp_path,
                                      capsys)
    assert "✅ Registry acrstudentk7q2 created — provisioning state Succeeded" in out
    assert "acrstudentk7q2.azurecr.io" in out and server.unused == []


@pytest.mark.unit
def test_registry_create_answered_at_once_needs_no_poll(tmp_path, capsys, slept, monkeypatch):
    monkeypatch.setattr(acr, "_find", lambda lab, name: None)
    _, out, _ = roundtrip(acr.create_registry, ["resources/group_create", "acr/create_sync"], tmp_path, capsys)
    assert "✅ Registry acrstudentk7q2 created — provisioning state Succeeded" in out and slept == []


@pytest.mark.unit
def test_check_name_free_and_taken(tmp_path, capsys, slept, monkeypatch):
    name, out, _ = roundtrip(acr.check_name, ["acr/check_name_available"], tmp_path / "free", capsys)
    assert name == "acrstudentk7q2" and "✅ acrstudentk7q2 is free" in out
    monkeypatch.setattr(acr, "_find", lambda lab, name: None)  # taken by someone else
    monkeypatch.setattr(acr, "new_suffix", lambda: "m3x9")
    err, out, _ = roundtrip(acr.check_name, ["acr/check_name_taken", "acr/check_name_available"],
                            tmp_path / "taken", capsys)
    assert "not available (AlreadyExists): The registry acrstudentk7q2 is already in use." in err.problem
    assert "LABKIT_SUFFIX=m3x9" in err.fix


@pytest.mark.unit
def test_registry_credentials_are_shown_without_the_password(tmp_path, capsys, slept):
    login, out, _ = roundtrip(acr.credentials, ["acr/credentials"], tmp_path, capsys)
    assert login.username == "acrstudentk7q2" and "hidden: 2 passwords" in out
    assert "00000000000000000000000000000000" not in out
    recorded = (tmp_path / "recordings" / "corpus" / "credentials.json").read_text(encoding="utf-8")
    assert "00000000000000000000000000000000" not in recorded


@pytest.mark.unit
def test_container_group_shown_with_and_without_a_public_address(tmp_path, capsys, slept):
    _, out, _ = roundtrip(aci.show, ["aci/show_public_address"], tmp_path / "public", capsys)
    assert "13.83.249.21 · http://student-k7q2-app.eastus.azurecontainer.io/" in out
    _, out, _ = roundtrip(aci.show, ["aci/show"], tmp_path / "private", capsys)
    assert "none (the group has no public IP address)" in out and "Succeeded · container Running" in out


@pytest.mark.unit
def test_ready_cluster_is_reused(tmp_path, capsys, slept):
    cluster, out, _ = roundtrip(aks.create_cluster, ["aks/get"], tmp_path, capsys)
    assert "already exists and is ready: reusing it" in out and "1 × Standard_DS2_v2" in out
