"""No token, key, password, kubeconfig credential or real-looking id in any recording or stored output."""

import json
from pathlib import Path

import pytest

from labkit.recording.scrub import find_leaks

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = sorted((ROOT / "recordings").rglob("*.json"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.unit
@pytest.mark.parametrize("path", RECORDINGS + NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_file_holds_no_secret(path):
    assert find_leaks(path.read_text()) == []


@pytest.mark.unit
@pytest.mark.parametrize("path", [p for p in RECORDINGS if p.name != "lab.json"], ids=lambda p: p.parent.name + "/" + p.name)
def test_recording_states_its_provenance(path):
    provenance = json.loads(path.read_text())["provenance"]
    assert provenance["kind"] in ("hand-built", "recorded") and provenance["date"]
    if provenance["kind"] == "hand-built":
        assert provenance["built_from"], "name the Azure REST API reference examples it follows"


@pytest.mark.unit
@pytest.mark.parametrize("leak", [
    '"Authorization": "Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL20ifQ.sig"',
    "-----BEGIN RSA PRIVATE KEY-----", '{"password": "hunter2"}',
    "client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ==",
    "/subscriptions/d3b07384-d9a0-4c3f-9a6e-2f1c7b5e8a41/resourceGroups",
])
def test_scan_catches_each_kind_of_leak(leak):
    assert find_leaks(leak)


@pytest.mark.unit
def test_scan_accepts_placeholders():
    assert find_leaks('/subscriptions/00000000-0000-0000-0000-000000000000 "password": "REDACTED"') == []
