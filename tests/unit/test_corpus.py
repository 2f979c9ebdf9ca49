"""labkit's live and record paths against real captured Azure traffic (tests/corpus, see its README).

Each scenario serves corpus cases from a loopback HTTPS stand-in for ARM (tests/corpus_server.py) to a
Lab built as a learner's (live or record mode, a fixed-token credential), and checks what the learner
sees. The recording written in record mode is then replayed, with the server gone: same output.
"""

from __future__ import annotations

import difflib
import json
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from azure.core.pipeline.transport import RequestsTransport

from labkit import aci, acr, aks, cleanup, costs, ui
from labkit.config import LabConfig
from labkit.errors import AZURE_HINTS, LabError
from labkit.lab import POLL_SECONDS, Lab
from labkit.recording import scrub
from labkit.recording.recorder import Recorder
from tests.corpus_checks import entry_problems, headers_of, learn
from tests.corpus_server import CorpusServer, all_cases, route

SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
RECORDINGS = Path(__file__).resolve().parents[2] / "recordings"  # the shipped ones
ARM_PORT = {"port": 9}  # where management.azure.com leads: the running scenario's stand-in
REPLAY_SAYS = re.compile(r"Recorded lab|Replay shows|recorded lab")  # replay telling the recorded lab's story
DURATION = re.compile(r"\((\d+(\.\d+)? s|\d+ min \d+ s)\)")


class TokenCredential:
    """A fixed bearer token: the stand-in checks none."""

    def get_token(self, *scopes, **kwargs):
        from azure.core.credentials import AccessToken

        return AccessToken("corpus-token", int(time.time()) + 3600)


class StandInLab(Lab):
    """A learner's Lab whose SDK clients trust the stand-in's certificate (their base URL stays Azure's)."""

    cert = ""

    def _client(self, cls, **kwargs):
        client = super()._client(cls, **kwargs)
        client._client._pipeline._transport.connection_config.verify = str(self.cert)
        return client


def make_lab(mode: str, root, cert, notebook: str = "corpus") -> StandInLab:
    recorder = Recorder(mode, notebook, root=root, provenance={"config": {"prefix": "student", "suffix": "k7q2",
                                                                          "region": "eastus"}})
    lab = StandInLab(notebook, LabConfig(mode=mode), recorder, TokenCredential(), SUBSCRIPTION)
    lab.cert = cert
    return lab


def shown(capsys) -> str:
    """What the learner saw, with elapsed times (which differ run to run) blanked."""
    return DURATION.sub("(…)", capsys.readouterr().out)


@pytest.fixture(autouse=True)
def arm(monkeypatch):
    """management.azure.com resolves to the stand-in of the running scenario (nothing else is reachable)."""
    route(monkeypatch, lambda: ARM_PORT["port"])


@pytest.fixture
def slept(monkeypatch):
    """Seconds the SDK transport was asked to sleep (LRO polls and retries), instead of sleeping."""
    asked = []
    monkeypatch.setattr(RequestsTransport, "sleep", lambda self, duration: asked.append(duration))
    monkeypatch.setattr(time, "sleep", asked.append)  # labkit's own waits (Lab.wait), none in replay
    monkeypatch.setattr(costs.prices_for, "done", True, raising=False)  # no Retail Prices call from tests
    return asked


def run(step, cases, tmp_path, capsys, mode="record", notebook="corpus"):
    """Serve ``cases`` to ``step(lab)`` in ``mode``: (its result or LabError, what was shown, the server).
    Record mode writes ``tmp_path/recordings/<notebook>/<step>.json``."""
    server = CorpusServer(cases, tmp_path)
    ARM_PORT["port"] = server.port
    lab = make_lab(mode, tmp_path / "recordings", server.cert, notebook)
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
    replayed = _outcome(step, make_lab("replay", tmp_path / "recordings", ""))
    assert live == recorded
    assert same_story(live, shown(capsys)) == []
    assert isinstance(replayed, LabError) == isinstance(result, LabError)
    if isinstance(result, LabError):
        assert (replayed.problem, replayed.fix) == (result.problem, result.fix)
    return result, recorded, server


def same_story(live: str, replayed: str) -> list:
    """Where replay shows something else than live: only lines in which replay says it is the recorded lab's
    story (e.g. "Recorded lab: cluster … was reused") may differ; anything else is returned."""
    said, told = live.splitlines(), replayed.splitlines()
    matcher = difflib.SequenceMatcher(a=said, b=told, autojunk=False)
    return [(said[i1:i2], told[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
            if tag != "equal" and not (told[j1:j2] and all(REPLAY_SAYS.search(line) for line in told[j1:j2]))]


def _outcome(step, lab):
    try:
        return step(lab)
    except LabError as err:
        return err


# -- the five defects ---------------------------------------------------------------------------------------
@pytest.mark.unit
def test_cluster_create_polls_at_a_lab_interval_when_azure_sends_no_retry_after(tmp_path, capsys, slept,
                                                                                  monkeypatch):
    cluster, out, server = run(aks.create_cluster, ["aks/cluster_not_found", "resources/group_create",
                                                    "aks/kubernetes_versions", "aks/create_lro"], tmp_path, capsys)
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
    events = [line.split()[:2] for line in out.splitlines() if line.lstrip().startswith(("✅", "⛔"))][:3]
    assert events == [["✅", "Pulling"], ["✅", "Pulled"], ["⛔", "FailedMount"]]  # by time, as they happened
    assert "Output: mount error(2): Permission denied" in out
    assert slept == [5, 5]  # labkit's wait between two reads of the group, live and in record mode; none in replay


@pytest.mark.unit
def test_upgrade_profile_without_pools_shows_the_control_plane(tmp_path, capsys, slept):
    _, out, _ = roundtrip(aks.show_upgrades, ["aks/upgrade_profile_pools_null"], tmp_path, capsys)
    assert "Control plane  1.22.6 → 1.23.3 (preview)" in out
    assert "Node pools     not listed in this profile" in out and "az aks nodepool get-upgrades" in out


# -- failures a learner meets, as Azure answered them
@pytest.mark.unit
def test_region_refused_for_the_subscription_says_set_another_region(tmp_path, capsys, slept):
    err, out, _ = roundtrip(aks.create_cluster, ["aks/cluster_not_found", "resources/group_create",
                                                 "aks/kubernetes_versions", "aks/create_disallowed_by_azure"],
                            tmp_path, capsys)
    assert isinstance(err, LabError) and "RequestDisallowedByAzure: Resource 'aks-student-k7q2' was disallowed by " \
                                         "Azure" in err.problem
    assert err.fix == AZURE_HINTS["RequestDisallowedByAzure"] and "`region`" in err.fix
    assert "⛔" in out and "RequestDisallowedByAzure" in out and slept == []  # a refusal is not retried


@pytest.mark.unit
def test_region_refused_by_a_policy_says_ask_which_regions_are_allowed(tmp_path, capsys, slept):
    err, out, _ = roundtrip(aks.create_cluster, ["aks/cluster_not_found", "resources/group_create",
                                                 "aks/kubernetes_versions", "aks/create_disallowed_by_policy"],
                            tmp_path, capsys)
    assert isinstance(err, LabError) and "RequestDisallowedByPolicy: Resource 'aks-student-k7q2' was disallowed by " \
                                         "policy" in err.problem and "Allowed locations" in err.problem
    assert err.fix == AZURE_HINTS["RequestDisallowedByPolicy"] and "⛔" in out and slept == []


@pytest.mark.unit
def test_vm_size_not_allowed_says_pick_another_size(tmp_path, capsys, slept):
    err, out, _ = roundtrip(aks.create_cluster, ["aks/cluster_not_found", "resources/group_create",
                                                 "aks/kubernetes_versions", "aks/create_vm_size_not_allowed"],
                            tmp_path, capsys)
    assert isinstance(err, LabError) and "The VM size of Standard_DS2_v2 is not allowed in your subscription" in \
        err.problem
    assert err.fix == AZURE_HINTS["SkuNotAvailable"] and "⛔" in out and slept == []


@pytest.mark.unit
def test_quota_exceeded_says_use_a_small_node_or_ask_for_quota(tmp_path, capsys, slept):
    err, out, _ = roundtrip(aks.create_cluster, ["aks/cluster_not_found", "resources/group_create",
                                                 "aks/kubernetes_versions", "aks/create_quota_exceeded"],
                            tmp_path, capsys)
    assert isinstance(err, LabError) and err.problem.startswith("Creating cluster aks-student-k7q2 failed: "
                                                                "QuotaExceeded: Provisioning of resource(s)")
    assert "standardDv5Family Cores quota" in err.problem and err.fix == AZURE_HINTS["QuotaExceeded"]
    assert "⛔" in out and slept == []  # a refusal, not a passing error: not retried


@pytest.mark.unit
def test_throttled_read_waits_what_azure_asks_then_says_wait_and_run_again(tmp_path, capsys, slept):
    err, out, server = roundtrip(aks.show_running, ["aks/get_throttled"] * 3, tmp_path, capsys)
    assert isinstance(err, LabError) and "429 Too Many Requests" in err.problem and "wait 5 s" in err.problem
    assert err.fix == "wait 5 s, then run the cell again."
    assert slept == [5, 5] * 2  # live and record: the SDK's two retries, each after Azure's Retry-After; none in replay
    assert out.count("Azure asks us to wait 5 s (429 throttled)") == 2 and len(server.requests) == 3


@pytest.mark.unit
def test_throttled_read_answered_on_the_next_try(tmp_path, capsys, slept):
    _, out, server = roundtrip(aks.show_running, ["aks/get_throttled", "aks/get"], tmp_path, capsys)
    assert "Azure asks us to wait 5 s (429 throttled); then trying again (2/3)" in out
    assert "aks-student-k7q2: Running, Free tier" in out and slept == [5, 5] and server.unused == []


# -- the other calls, as Azure answered them
@pytest.mark.unit
@pytest.mark.parametrize("not_found", ["aks/cluster_not_found", "aks/get_after_delete"])  # ARM's 404, and AKS's own
def test_start_cluster_returns_at_once_while_azure_creates(tmp_path, capsys, slept, not_found):
    _, out, server = roundtrip(aks.start_cluster, [not_found, "resources/group_create", "aks/kubernetes_versions",
                                                   "aks/create_started"], tmp_path, capsys)
    assert "✅ Creation of aks-student-k7q2 started" in out and "provisioning state Creating" in out
    assert "--kubernetes-version 1.24 " in out  # the version the region's list marks default
    assert not [uri for _, uri in server.requests if "/operations/" in uri] and slept == []


@pytest.mark.unit
def test_create_cluster_joins_a_create_already_running(tmp_path, capsys, slept):
    cluster, out, _ = roundtrip(aks.create_cluster, ["aks/get_creating_then_ready"], tmp_path, capsys)
    assert "joining the operation already running" in out
    assert "✅ Cluster aks-student-k7q2 is ready — you waited only for what was left of its creation" in out
    assert "aks-student-k7q2-cb43cc45.hcp.eastus.azmk8s.io" in out
    assert slept == [15, 15]  # labkit's wait between two reads, live and in record mode; none in replay -------------------------------------------------------------------
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
def test_cluster_delete_polls_at_a_lab_interval(tmp_path, capsys, slept):
    _, out, server = run(aks.delete_cluster, ["aks/delete_lro"], tmp_path, capsys)
    assert "✅ Cluster aks-student-k7q2 deleted" in out and server.unused == []
    assert slept == [POLL_SECONDS]  # the recording's client waited 30 s at each of its twenty polls


@pytest.mark.unit
def test_container_logs_are_shown_line_by_line(tmp_path, capsys, slept):
    text, out, _ = roundtrip(lambda lab: aci.logs(lab, tail=None), ["aci/logs"], tmp_path, capsys)
    assert text == "hello\n" and "  1  hello" in out


@pytest.mark.unit
def test_container_group_delete_answers_at_once_then_the_group_is_gone(tmp_path, capsys, slept, monkeypatch):
    """ACI deletes synchronously (200 with the group): nothing to poll; the GET after it answers 404."""
    monkeypatch.setenv("LABKIT_HOME", str(tmp_path / "home"))
    _, out, server = roundtrip(aci.delete, ["aci/show", "aci/delete_sync", "aci/get_after_delete"], tmp_path, capsys)
    assert [m for m, _ in server.requests] == ["GET", "DELETE", "GET"] and server.unused == []
    assert "✅ aci-student-k7q2 deleted" in out and "aci-student-k7q2 is gone (GET answers 404)" in out
    assert slept == []


@pytest.mark.unit
def test_kubernetes_versions_are_listed_with_the_default_marked(tmp_path, capsys, slept):
    _, out, _ = roundtrip(aks.show_versions, ["aks/kubernetes_versions"], tmp_path, capsys)
    assert "patches 1.24.6, 1.24.9 · default" in out and "patches 1.26.0 · preview" in out
    assert out.index("1.23") < out.index("1.24") < out.index("1.25") < out.index("1.26")


@pytest.mark.unit
def test_kubeconfig_is_saved_private_and_never_shown(tmp_path, capsys, slept, monkeypatch):
    monkeypatch.setenv("LABKIT_HOME", str(tmp_path / "home"))
    path, _, _ = run(aks.fetch_kubeconfig, ["aks/user_credentials"], tmp_path / "live", capsys, mode="live")
    assert path.read_bytes() == b"credentialValue1" and path.stat().st_mode & 0o777 == 0o600
    path, out, _ = roundtrip(aks.fetch_kubeconfig, ["aks/user_credentials"], tmp_path, capsys)
    assert "credentialValue1" not in out and "Y3JlZGVudGlhbFZhbHVlMQ" not in out
    recorded = (tmp_path / "recordings" / "corpus" / "fetch_kubeconfig.json").read_text(encoding="utf-8")
    assert "Y3JlZGVudGlhbFZhbHVlMQ" not in recorded  # the credential is not kept, even a synthetic one
    assert "Kubeconfig saved as kubeconfig-aks-student-k7q2" in out


@pytest.mark.unit
def test_container_group_restart_needs_no_poll(tmp_path, capsys, slept):
    group, out, server = roundtrip(aci.restart, ["aci/restart", "aci/show"], tmp_path, capsys)
    assert "✅ aci-student-k7q2 restarted" in out and "is Running again since" in out
    assert slept == [] and [m for m, _ in server.requests] == ["POST", "GET"]


@pytest.mark.unit
def test_cluster_stop_polls_its_operation_then_its_location(tmp_path, capsys, slept):
    _, out, server = roundtrip(aks.stop_cluster, ["aks/stop_lro"], tmp_path, capsys)
    assert "✅ Cluster aks-student-k7q2 stopped" in out and server.unused == []
    assert [urlsplit(uri).path.split("/")[-2] for _, uri in server.requests[1:]] == ["operations", "operations",
                                                                                      "operationresults"]
    assert set(slept) == {POLL_SECONDS}  # live and record; the recording's client waited 30 s between its polls


@pytest.mark.unit
def test_cluster_start_is_not_failed_by_an_error_object_in_a_poll_in_progress(tmp_path, capsys, slept):
    cluster, out, server = roundtrip(lambda lab: _in_step(lab, aks._start), ["aks/start_lro", "aks/get"], tmp_path,
                                     capsys)
    assert "✅ Cluster aks-student-k7q2 started" in out and "NotLatestOperation" not in out
    assert cluster.provisioning_state == "Succeeded" and server.unused == []


@pytest.mark.unit
def test_stopped_cluster_is_started_not_created_nor_reused(tmp_path, capsys, slept):
    cluster, out, server = roundtrip(aks.create_cluster, ["aks/get_stopped", "aks/start_lro", "aks/get"], tmp_path,
                                     capsys)
    assert "az aks start --resource-group rg-student-k7q2 --name aks-student-k7q2" in out
    assert "✅ Cluster aks-student-k7q2 started" in out and cluster.power_state.code == "Running"
    assert "Create AKS cluster" not in out and "reusing it" not in out
    assert [m for m, _ in server.requests] == ["GET", "POST", "GET", "GET", "GET", "GET"] and server.unused == []


@pytest.mark.unit
def test_node_pools_are_listed_even_without_mode_or_os_sku(tmp_path, capsys, slept):
    _, out, _ = roundtrip(aks.show_node_pools, ["aks/agent_pools_list"], tmp_path, capsys)
    row = next(line for line in out.splitlines() if "nodepool1" in line and "×" in line)
    assert "3 × Standard_DS1_v2" in row and "Kubernetes 1.9.6" in row and "Succeeded" in row
    assert "None" not in row  # a field AKS left out is not shown as Python's None


@pytest.mark.unit
def test_ready_cluster_is_reused(tmp_path, capsys, slept):
    cluster, out, _ = roundtrip(aks.create_cluster, ["aks/get"], tmp_path, capsys)
    assert "already exists and is ready: reusing it" in out and "1 × Standard_DS2_v2" in out


@pytest.mark.unit
def test_resource_group_delete_polls_its_location_at_a_lab_interval(tmp_path, capsys, slept):
    listed, _, _ = run(lambda lab: _in_step(lab, cleanup.course_groups), ["resources/group_list_by_tag"],
                       tmp_path / "list", capsys)
    outcomes, out, server = run(lambda lab: cleanup.delete_groups(lab, listed), ["resources/group_delete"], tmp_path,
                                capsys)
    assert [o.state for o in outcomes] == [cleanup.DELETED] and server.unused == []
    assert "✅ rg-student-k7q2 deleted" in out
    assert slept == [POLL_SECONDS] * 4  # five polls; the CLI's recorder kept no Retry-After of Azure's


@pytest.mark.unit
def test_groups_are_found_by_their_course_tag_and_checked_by_name(tmp_path, capsys, slept):
    listed, _, _ = roundtrip(lambda lab: _in_step(lab, cleanup.course_groups), ["resources/group_list_by_tag"],
                             tmp_path / "list", capsys)
    assert [(g.name, g.tags, g.owner) for g in listed] == [("rg-student-k7q2", {"course": "aks-workbook",
                                                                                         "c": ""}, "?")]
    left, _, _ = roundtrip(lambda lab: cleanup.leftovers(lab, listed), ["resources/group_list_by_tag"],
                           tmp_path / "listed", capsys)
    assert left == ["rg-student-k7q2"]  # still tagged: the listing was recorded before the delete


def _in_step(lab, find):
    with lab.step("find"):
        return find(lab)


# -- invariants of real traffic: the corpus has them, record mode keeps them, shipped recordings must too ------
CASES = all_cases()
# Public recorded test suites of Azure clients (real traffic, captured by their recorders): the Azure CLI's, the
# Azure SDK for Go's and the Azure SDKs' shared recording store (azure-sdk-assets; test-proxy recordings).
RECORDED_SUITES = ("Azure/azure-cli", "Azure/azure-sdk-for-go", "Azure/azure-sdk-assets")
REAL = learn(CASES.values())


# Kinds the leak finder reports that a corpus case may hold: e-mail addresses (what Azure sends in systemData;
# the sources' own placeholders, left for the scrubber to meet) and key: value pairs that hold no secret (the
# CLI's "password": "***", ACI's empty "secret": {} volume). Real password values are checked on their own.
NOT_SECRET_IN_CORPUS = {"e-mail address or UPN", "secret given as key: value", "password value"}


def leaks(text: str) -> list[str]:
    """Secrets in a text: what the leak finder reports, and any password value but the CLI's '***'."""
    return [kind for kind in scrub.find_leaks(text) if kind not in NOT_SECRET_IN_CORPUS] + \
        [value for value in re.findall(r'"password"\s*:\s*"([^"]*)"', text) if value not in ("***", scrub.REDACTED)]


@pytest.mark.unit
@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_case_names_its_source_and_has_real_traffic_shapes(name):
    case = CASES[name]
    source = case["source"]
    if "thread" in source:  # an answer quoted whole in a public issue or pull request
        assert re.fullmatch(rf"https://github\.com/{re.escape(source['repository'])}/(issues|pull)/\d+",
                            source["thread"])
        assert "the request is the lab's" in case["changed"] and len(case["Entries"]) == 1
    else:
        assert source["repository"] in RECORDED_SUITES + ("Azure/azure-rest-api-specs",)
        assert re.fullmatch(r"[0-9a-f]{40}", source["commit"]) and source["path"].endswith((".yaml", ".json"))
        assert source.get("interactions") or source.get("response")
    assert case["changed"] and case["covers"] and case["Entries"]
    assert [p for e in case["Entries"] for p in entry_problems(e, REAL)] == []
    assert leaks(json.dumps(case)) == []


@pytest.mark.unit
def test_record_mode_writes_what_real_traffic_looks_like(tmp_path, capsys, slept, monkeypatch):
    monkeypatch.setattr(acr, "_find", lambda lab, name: None)
    run(aks.create_cluster, ["aks/cluster_not_found", "resources/group_create", "aks/kubernetes_versions",
                             "aks/create_lro"], tmp_path, capsys)
    run(acr.create_registry, ["resources/group_create", "acr/create_lro"], tmp_path, capsys)
    run(aci.create, ["acr/credentials", ("aci/create", [0]), "aci/group_failed"], tmp_path, capsys)
    written = sorted((tmp_path / "recordings" / "corpus").glob("*.json"))
    entries = [e for path in written for e in json.loads(path.read_text(encoding="utf-8"))["Entries"]]
    assert len(written) == 3 and len(entries) == 19
    assert all(e["RequestUri"].startswith("https://management.azure.com/subscriptions/") for e in entries)
    assert [p for e in entries for p in entry_problems(e, REAL)] == []
    assert [leaks(path.read_text(encoding="utf-8")) for path in written] == [[], [], []]


@pytest.mark.unit
@pytest.mark.parametrize("step", sorted(str(p.relative_to(RECORDINGS).with_suffix(""))
                                        for p in RECORDINGS.glob("*/*.json")))
def test_shipped_recording_has_real_traffic_shapes(step):
    data = json.loads((RECORDINGS / f"{step}.json").read_text(encoding="utf-8"))
    assert [p for e in data.get("Entries", []) for p in entry_problems(e, REAL)] == []
