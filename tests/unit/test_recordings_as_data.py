"""The shipped recordings are data that follows real traffic (tests/corpus), not labkit's echo (issue 9 item 2).

Every ARM answer in recordings/ must satisfy what the corpus's real answers satisfy (tests/corpus_checks.py),
send Retry-After only where the corpus's poll timing shows Azure sent one, and name the corpus cases it
follows; nothing that builds recordings or fixtures may import labkit; and labkit must read the headers of a
recording whatever their case.
"""

from __future__ import annotations

import ast
import datetime as dt
import email.utils
import inspect
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import labkit
from labkit import acr, aks, cleanup
from labkit.errors import LabError
from labkit.groups import Group
from tests.corpus_checks import OPERATION, entry_problems, headers_of, kind, learn
from tests.corpus_server import all_cases

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = ROOT / "recordings"
STEPS = sorted(p for p in RECORDINGS.glob("*/*.json"))
ARM_STEPS = [p for p in STEPS if json.loads(p.read_text(encoding="utf-8")).get("Entries")]
CASES = all_cases()
REAL = learn(CASES.values())


def step_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def sdk_default_poll_seconds() -> float:
    """How long the SDK waits between polls when Azure sends no Retry-After (ARMPolling's default)."""
    from azure.mgmt.core.polling.arm_polling import ARMPolling

    return inspect.signature(ARMPolling.__init__).parameters["timeout"].default


# -- what the corpus's poll timing says about Retry-After --------------------------------------------------------
def _when(entry: dict) -> dt.datetime | None:
    stamp = headers_of(entry).get("date")
    return email.utils.parsedate_to_datetime(stamp) if stamp else None


def lro_kind(entry: dict) -> tuple:
    method, types, _, _ = kind(entry)
    return method, types


def poll_intervals(cases) -> dict:
    """For each kind of long-running request in the corpus, the seconds between two of its polls (only polls
    consecutive in the source recording, so no left-out poll hides in between; the wait before the first poll
    is the client's own choice)."""
    found: dict = {}
    for case in cases:
        entries, order = case["Entries"], case["source"].get("interactions") or []
        for i, first in enumerate(entries):
            urls = {headers_of(first).get(h) for h in ("azure-asyncoperation", "location")} - {None}
            if not urls or OPERATION.search(urlsplit(first["RequestUri"]).path) or len(order) != len(entries):
                continue
            chain = [j for j in range(i + 1, len(entries)) if entries[j]["RequestUri"] in urls]
            for a, b in zip(chain, chain[1:]):
                if order[b] == order[a] + 1 and _when(entries[a]) and _when(entries[b]):
                    seconds = (_when(entries[b]) - _when(entries[a])).total_seconds()
                    found.setdefault(lro_kind(first), []).append(seconds)
    return found


INTERVALS = poll_intervals(CASES.values())


def polled_at_sdk_default(kind_of: tuple) -> bool:
    """True when every measured poll of this kind of request waited the SDK's default: Azure sent no Retry-After."""
    seen = INTERVALS.get(kind_of)
    return bool(seen) and all(abs(s - sdk_default_poll_seconds()) <= 2 for s in seen)


def retry_after_problems(entries: list[dict]) -> list[str]:
    found = []
    for i, first in enumerate(entries):
        urls = {headers_of(first).get(h) for h in ("azure-asyncoperation", "location")} - {None}
        if not urls or OPERATION.search(urlsplit(first["RequestUri"]).path):
            continue
        chain = [first] + [e for e in entries[i + 1:] if e["RequestUri"] in urls]
        sent = [e for e in chain if "retry-after" in headers_of(e)]
        if sent and polled_at_sdk_default(lro_kind(first)):
            found.append(f"{first['RequestMethod']} {first['RequestUri']}: Retry-After, but the corpus's polls of "
                         f"this request waited the SDK's default {sdk_default_poll_seconds()} s")
        measured = INTERVALS.get(lro_kind(first))
        for e in sent:
            value = float(headers_of(e)["retry-after"])
            if measured and not polled_at_sdk_default(lro_kind(first)) and \
                    all(abs(value - s) > 2 for s in measured):
                found.append(f"{first['RequestUri']}: Retry-After {value}, the corpus's polls waited {measured}")
    return found


@pytest.mark.unit
def test_the_corpus_timing_tells_where_azure_sends_retry_after():
    assert polled_at_sdk_default(("PUT", "microsoft.containerservice/managedclusters"))
    assert polled_at_sdk_default(("PUT", "microsoft.containerinstance/containergroups"))
    assert not polled_at_sdk_default(("DELETE", ""))  # resource groups: ARM's own 15 s


@pytest.mark.unit
def test_retry_after_check_fails_on_a_retry_after_azure_does_not_send():
    create = json.loads((RECORDINGS / "errors-aks" / "create_fresh.json").read_text(encoding="utf-8"))["Entries"]
    assert retry_after_problems(create) == []
    put = next(e for e in create if e["RequestMethod"] == "PUT" and "managedClusters" in e["RequestUri"])
    put["ResponseHeaders"]["Retry-After"] = "10"
    assert retry_after_problems(create)


@pytest.mark.unit
def test_api_version_check_knows_who_registers_a_provider():
    """labkit registers with the resources client's api-version, azure-mgmt-core's automatic registration with
    its own; any other api-version is one no pinned code sends."""
    register = json.loads((RECORDINGS / "errors-aks" / "missing_registration.json").read_text(encoding="utf-8"))
    post = next(e for e in register["Entries"] if e["RequestUri"].split("?")[0].endswith("/register"))
    assert entry_problems(post, REAL) == []
    post["RequestUri"] = post["RequestUri"].split("?")[0] + "?api-version=2019-05-01"
    assert "is not the pinned SDK's" in " ".join(entry_problems(post, REAL))


# -- every shipped step -----------------------------------------------------------------------------------------
def real_traffic_problems(data: dict) -> list[str]:
    return [p for entry in data["Entries"] for p in entry_problems(entry, REAL)] + retry_after_problems(data["Entries"])


@pytest.mark.unit
@pytest.mark.parametrize("path", ARM_STEPS, ids=step_id)
def test_shipped_arm_answers_have_real_traffic_shapes(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert real_traffic_problems(data) == []


@pytest.mark.unit
@pytest.mark.parametrize("path", ARM_STEPS, ids=step_id)
def test_shipped_step_names_the_corpus_cases_it_follows(path):
    provenance = json.loads(path.read_text(encoding="utf-8"))["provenance"]
    if provenance["kind"] == "recorded":
        return  # made by a record run: its answers are Azure's own
    follows = provenance.get("follows") or []
    assert follows, "a hand-built step names the corpus cases its ARM answers follow"
    for name in follows:
        assert re.fullmatch(r"tests/corpus/[a-z]+/[a-z0-9_]+\.json", name) and (ROOT / name).is_file(), name


@pytest.mark.unit
@pytest.mark.parametrize("path", ARM_STEPS, ids=step_id)
def test_shipped_resource_bodies_say_who_made_them_only_as_the_scrubbed_learner(path):
    text = path.read_text(encoding="utf-8")
    for found in re.findall(r'"(?:createdBy|lastModifiedBy)": "([^"]*)"', text):
        assert found.endswith(("@example.com",)), found


@pytest.mark.unit
def test_the_shipped_cluster_answers_carry_what_real_ones_do():
    data = json.loads((RECORDINGS / "00-setup" / "start_cluster.json").read_text(encoding="utf-8"))
    put = next(e for e in data["Entries"] if e["RequestMethod"] == "PUT" and "managedClusters" in e["RequestUri"])
    assert put["StatusCode"] == 201 and put["ResponseBody"]["properties"]["provisioningState"] == "Creating"
    assert put["ResponseBody"]["properties"]["fqdn"]  # Azure names the API server from the first answer on
    assert "systemData" in put["ResponseBody"]
    operation = headers_of(put)["azure-asyncoperation"]
    assert "api-version=2026-08-01" not in operation and {"t", "c", "s", "h"} <= {
        k.split("=")[0] for k in urlsplit(operation).query.split("&")}


@pytest.mark.unit
def test_shipped_aci_answers_are_as_azure_gives_them():
    delete = json.loads((RECORDINGS / "04-run-aci" / "delete.json").read_text(encoding="utf-8"))["Entries"]
    deleted = next(e for e in delete if e["RequestMethod"] == "DELETE")
    real = CASES["aci/delete_sync"]["Entries"][0]
    assert deleted["StatusCode"] == real["StatusCode"] and set(headers_of(deleted)) & {"location",
                                                                                       "azure-asyncoperation"} == set()
    restart = json.loads((RECORDINGS / "04-run-aci" / "restart.json").read_text(encoding="utf-8"))["Entries"]
    events = restart[-1]["ResponseBody"]["properties"]["containers"][0]["properties"]["instanceView"]["events"]
    firsts = [e["firstTimestamp"] for e in events]
    assert firsts != sorted(firsts) or any(e["count"] > 1 for e in events)  # Azure's order, not labkit's


# -- nothing that makes recordings or fixtures imports labkit --------------------------------------------------
def imports_labkit(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "labkit" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "labkit":
            return True
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant) and \
                str(node.args[0].value).split(".")[0] == "labkit":
            return True
    return False


# Every tool, and every fixture module under tests/ (stand-in servers, the corpus and its checks); conftest.py
# builds labs for the tests and is no fixture maker.
DATA_MAKERS = sorted([*(ROOT / "tools").rglob("*.py"),
                      *(p for p in (ROOT / "tests").glob("*.py") if p.name not in ("conftest.py", "__init__.py"))])


@pytest.mark.unit
@pytest.mark.parametrize("path", DATA_MAKERS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_tool_or_fixture_maker_imports_labkit(path):
    assert not imports_labkit(path)


@pytest.mark.unit
def test_the_import_finder_finds_an_import_of_labkit(tmp_path):
    for line in ("import labkit", "from labkit.recording.scrub import TENANT", "import labkit.aks as a",
                 "importlib.import_module('labkit.aks')"):
        (tmp_path / "x.py").write_text(line + "\n", encoding="utf-8")
        assert imports_labkit(tmp_path / "x.py"), line
    (tmp_path / "x.py").write_text("import labkitx\nfrom tools.handbuilt import write\n", encoding="utf-8")
    assert not imports_labkit(tmp_path / "x.py")


def build_handmade(target: Path, monkeypatch) -> None:
    """Run the converter (tools.handbuilt) with its output sent to ``target`` instead of recordings/."""
    import tools.handbuilt as package

    monkeypatch.setattr(package, "RECORDINGS", target)
    package.build_all()


@pytest.mark.unit
def test_every_hand_built_recording_is_what_the_converter_makes_of_the_corpus(tmp_path, monkeypatch):
    """No hand edit hides in a shipped recording: each hand-built step file is exactly the converter's output, so
    the corpus cases it names are really what it follows. A recording made by a record run is not compared."""
    build_handmade(tmp_path, monkeypatch)
    built = {step_id(p): p for p in tmp_path.glob("*/*.json")}
    for path in STEPS:
        if json.loads(path.read_text(encoding="utf-8"))["provenance"]["kind"] == "recorded":
            continue
        assert step_id(path) in built, f"{step_id(path)}: hand-built, but the converter does not make it"
        assert path.read_text(encoding="utf-8") == built[step_id(path)].read_text(encoding="utf-8"), step_id(path)


@pytest.mark.unit
def test_the_converter_comparison_sees_a_hand_edit(tmp_path, monkeypatch):
    build_handmade(tmp_path, monkeypatch)
    step = tmp_path / "02-deploy-aks" / "remove_user_pool.json"
    shipped = (RECORDINGS / "02-deploy-aks" / "remove_user_pool.json").read_text(encoding="utf-8")
    assert step.read_text(encoding="utf-8") == shipped
    assert step.read_text(encoding="utf-8") != shipped.replace('"InProgress"', '"Running"', 1)


# -- header names: labkit reads them whatever their case --------------------------------------------------------
def with_header_names(source: Path, target: Path, rename) -> None:
    data = json.loads(source.read_text(encoding="utf-8"))
    for entry in data["Entries"]:
        entry["ResponseHeaders"] = {rename(k): v for k, v in entry["ResponseHeaders"].items()}
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data), encoding="utf-8")


GROUP = Group("rg-student-k7q2", "eastus", {"course": "aks-workbook", "owner": "student", "lab": "rg-student-k7q2"},
              owner="student", lab="rg-student-k7q2", created="", expires="", node_of="", managed_by="", state="")
# (recording, the step it replays as, what runs it): long-running operations with Azure-AsyncOperation, Location
# and Retry-After
SCENARIOS = [
    ("errors-aks/create_fresh", "create_cluster", aks.create_cluster),
    ("03-publish-acr/create_registry", "create_registry", acr.create_registry),
    ("02-deploy-aks/stop_cluster", "stop_cluster", aks.stop_cluster),
    ("99-cleanup/delete_groups", "delete_groups", lambda lab: [o.state for o in cleanup.delete_groups(lab, [GROUP])]),
]


def replayed(tmp_path, recording: str, step: str, run, rename, capsys) -> str:
    """What the learner sees when ``run`` replays ``recording`` (as step ``step``) with its header names renamed."""
    root = tmp_path / "recordings"
    with_header_names(RECORDINGS / f"{recording}.json", root / "scenario" / f"{step}.json", rename)
    shutil.copy(RECORDINGS / "lab.json", root / "lab.json")
    try:
        run(labkit.open_lab("scenario", recordings=root))
    except LabError as err:
        print(err.problem)
    return re.sub(r"\(\d+(\.\d+)? s\)", "(…)", capsys.readouterr().out)


@pytest.mark.unit
@pytest.mark.parametrize("recording,step,run", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_header_names_in_any_case_replay_the_same(recording, step, run, tmp_path, capsys):
    as_shipped = replayed(tmp_path / "a", recording, step, run, lambda k: k, capsys)
    lower = replayed(tmp_path / "b", recording, step, run, str.lower, capsys)
    upper = replayed(tmp_path / "c", recording, step, run, str.upper, capsys)
    assert as_shipped and "No recorded answer" not in as_shipped and "Replay has no" not in as_shipped
    assert as_shipped == lower == upper


@pytest.mark.unit
@pytest.mark.parametrize("rename", [lambda k: k, str.lower, str.upper], ids=["as sent", "lower", "upper"])
def test_registry_answers_are_read_whatever_the_case_of_their_header_names(rename):
    """The /v2/ answers a recording holds (Calls): paging by Link and the manifest digest, any header case."""
    from labkit import images

    pages = {"registry GET /v2/_catalog": {"status": 200, "body": {"repositories": ["b"]},
                                           "headers": {rename("Link"): '</v2/_catalog?last=b&n=1>; rel="next"'}},
             "registry GET /v2/_catalog?last=b&n=1": {"status": 200, "body": {"repositories": ["a"]}, "headers": {}},
             "registry HEAD /v2/a/manifests/v1": {"status": 200, "body": None,
                                                  "headers": {rename("Docker-Content-Digest"): "sha256:" + "0" * 64}}}

    def through(call, fn):
        return json.loads(json.dumps(pages[call]))  # as replay gives it: plain JSON

    assert images.list_repositories("r.azurecr.io", "u", "p", through=through) == ["a", "b"]
    assert images.manifest_digest("r.azurecr.io", "a", "v1", "u", "p", through=through) == "sha256:" + "0" * 64


@pytest.mark.unit
def test_events_azure_counts_on_their_first_item_are_shown_by_their_latest_time(capsys):
    """After a restart Azure lists Created and Started (count 2) before Killing: the learner reads the restart."""
    from labkit import aci

    aci.restart(labkit.open_lab("04-run-aci"))
    assert "last event Started" in capsys.readouterr().out
