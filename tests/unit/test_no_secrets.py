"""No token, key, password, kubeconfig credential, e-mail address or real-looking id in any recording or stored output.

The scan is ``find_leaks``: labkit's own rules plus the detect-secrets plugins (see labkit.recording.scrub).
"""

import json
from pathlib import Path

import pytest

from labkit.recording.scrub import find_leaks

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = sorted(p for p in (ROOT / "recordings").rglob("*.json") if ".staging" not in p.parts)  # shipped only
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.unit
@pytest.mark.parametrize("path", RECORDINGS + NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_file_holds_no_secret(path):
    assert find_leaks(path.read_text(encoding="utf-8")) == []


@pytest.mark.unit
@pytest.mark.parametrize("path", [p for p in RECORDINGS if p.name != "lab.json"], ids=lambda p: p.parent.name + "/" + p.name)
def test_recording_states_its_provenance(path):
    provenance = json.loads(path.read_text(encoding="utf-8"))["provenance"]
    assert provenance["kind"] in ("hand-built", "recorded") and provenance["date"]
    if provenance["kind"] == "hand-built":
        assert provenance.get("follows") or provenance.get("built_from"), \
            "name the corpus cases (ARM answers) or the references (Kubernetes, Docker answers) it follows"


@pytest.mark.unit
@pytest.mark.parametrize("leak", [
    '"Authorization": "Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL20ifQ.sig"',
    "-----BEGIN RSA PRIVATE KEY-----", '{"password": "hunter2"}',
    "client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ==",
    "/subscriptions/d3b07384-d9a0-4c3f-9a6e-2f1c7b5e8a41/resourceGroups",
    '"systemData": {"createdBy": "alice.smith@contoso.com"}',
    "lastModifiedBy bob_outlook.com#EXT#@contoso.onmicrosoft.com",
])
def test_scan_catches_each_kind_of_leak(leak):
    assert find_leaks(leak)


@pytest.mark.unit
def test_scan_accepts_placeholders():
    assert find_leaks('/subscriptions/00000000-0000-0000-0000-000000000000 "password": "REDACTED"') == []
    assert find_leaks('"createdBy": "learner@example.com", "message": "The client \'instructor@example.edu\' with '
                      'object id \'22222222-2222-2222-2222-222222222222\'"') == []


@pytest.mark.parametrize("text", [  # as the shipped files hold them (a recording's JSON, a notebook's source)
    json.dumps({"problem": "acrstudentk7q2.azurecr.io refused the user name or password: Get "
                           "\"https://acrstudentk7q2.azurecr.io/v2/\""}),
    json.dumps({"source": ["az acr create --name acrstudentk7q2 --sku Basic --admin-enabled true\n"]}),
    json.dumps({"source": ["secret = workloads.grant_pull(lab)"]}),
    json.dumps({"name": "konnectivity-agent-autoscaler-6ff7cb8d4d-lpsw2"}),
    json.dumps({"WWW-Authenticate": "Bearer realm=\"https://acrstudentk7q2.azurecr.io/oauth2/token\",service=\"acr\""}),
])
@pytest.mark.unit
def test_scan_accepts_what_only_sounds_like_a_secret(text):
    assert find_leaks(text) == []
