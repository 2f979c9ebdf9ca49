"""The corpus converter (tools/corpus) changes only what a case may change: names, ids, the resource URI's
api-version, and request headers that describe the recording client; and it says what it changed.

The inputs here are small recordings written for these tests in the two shapes the converter reads (a vcrpy
yaml of the Azure CLI, a test-proxy JSON of the Azure SDKs): they test the tool, not Azure.
"""

from __future__ import annotations

import json

import pytest
import yaml

from tools.corpus.__main__ import main
from tools.corpus.convert import convert, interaction_of

OPERATION = ("https://management.azure.com/subscriptions/00000000-0000-0000-0000-000000000000/providers/"
             "Microsoft.ContainerService/locations/westus2/operations/3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"
             "?api-version=2016-03-30&t=6387&c=MIIH&s=CWA6&h=9Wyc")
CLUSTER = ("https://management.azure.com/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
           "clitest000001/providers/Microsoft.ContainerService/managedClusters/cliakstest000002"
           "?api-version=2025-10-01")
PRINCIPAL = "9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"


def cli_recording() -> dict:
    """Two interactions as the Azure CLI's recorder stores them: a PUT answered 201, and a poll."""
    cluster = {"id": CLUSTER.split("?")[0][len("https://management.azure.com"):], "location": "westus2",
               "identity": {"principalId": PRINCIPAL}, "properties": {"provisioningState": "Creating"}}
    return {"interactions": [
        {"request": {"uri": CLUSTER, "method": "PUT", "body": json.dumps({"location": "westus2"}),
                     "headers": {"Accept": ["application/json"], "CommandName": ["aks create"],
                                 "User-Agent": ["AZURECLI/2.68.0"], "ParameterSetName": ["--resource-group"],
                                 "Content-Type": ["application/json"]}},
         "response": {"status": {"code": 201, "message": "Created"}, "body": {"string": json.dumps(cluster)},
                      "headers": {"azure-asyncoperation": [OPERATION], "content-type": ["application/json"]}}},
        {"request": {"uri": OPERATION, "method": "GET", "body": None, "headers": {"Accept": ["*/*"]}},
         "response": {"status": {"code": 200, "message": "OK"},
                      "body": {"string": json.dumps({"name": PRINCIPAL, "status": "InProgress"})},
                      "headers": {"content-type": ["application/json"]}}},
    ]}


NAMES = {"clitest000001": "rg-student-k7q2", "cliakstest000002": "aks-student-k7q2", "westus2": "eastus"}
SOURCE = {"repository": "Azure/azure-cli", "path": "x.yaml", "commit": "0" * 40, "test": "x"}


def case_of(recording: dict, **kwargs) -> dict:
    return convert(recording, [0, 1], source=SOURCE, covers="a create", names=NAMES, **kwargs)


@pytest.mark.unit
def test_names_change_and_the_case_says_which():
    case = case_of(cli_recording())
    text = json.dumps(case["Entries"])
    assert "clitest000001" not in text and "cliakstest000002" not in text and "westus2" not in text
    assert "/resourceGroups/rg-student-k7q2/" in case["Entries"][0]["RequestUri"]
    assert "clitest000001 → rg-student-k7q2" in case["changed"] and "westus2 → eastus" in case["changed"]


@pytest.mark.unit
def test_a_real_guid_becomes_one_placeholder_and_the_recorders_own_stay():
    entries = case_of(cli_recording())["Entries"]
    principal = entries[0]["ResponseBody"]["identity"]["principalId"]
    operation = entries[1]["RequestUri"].split("/operations/")[1].split("?")[0]
    assert principal == entries[1]["ResponseBody"]["name"]  # the same GUID, the same placeholder
    assert {principal, operation} == {"00000000-0000-0000-0000-000000000101", "00000000-0000-0000-0000-000000000102"}
    assert "/subscriptions/00000000-0000-0000-0000-000000000000/" in entries[0]["RequestUri"]
    assert PRINCIPAL not in json.dumps(entries)


@pytest.mark.unit
def test_resource_uris_get_the_pinned_api_version_and_operation_urls_keep_theirs():
    case = case_of(cli_recording(), api_version="2026-08-01")
    put, poll = case["Entries"]
    assert put["RequestUri"].endswith("?api-version=2026-08-01")
    assert "api-version=2016-03-30&t=6387&c=MIIH&s=CWA6&h=9Wyc" in poll["RequestUri"]
    assert "api-version=2016-03-30" in put["ResponseHeaders"]["azure-asyncoperation"]
    assert "resource URI api-version 2025-10-01 → 2026-08-01" in case["changed"]


@pytest.mark.unit
def test_headers_that_describe_the_cli_go_and_header_names_stay_as_sent():
    put = case_of(cli_recording())["Entries"][0]
    assert set(put["RequestHeaders"]) == {"Accept", "Content-Type"}
    assert "azure-asyncoperation" in put["ResponseHeaders"]  # the CLI's recorder lower-cased it: kept so
    assert put["RequestBody"] == {"location": "eastus"} and put["StatusCode"] == 201


@pytest.mark.unit
def test_a_test_proxy_recording_converts_like_the_same_exchanges_in_vcrpy(tmp_path):
    recording = cli_recording()
    entries = []
    for i in recording["interactions"]:
        request, response = i["request"], i["response"]
        entries.append({"RequestUri": request["uri"], "RequestMethod": request["method"],
                        "RequestHeaders": {k: ", ".join(v) for k, v in request["headers"].items()},
                        "RequestBody": request["body"] and json.loads(request["body"]),
                        "StatusCode": response["status"]["code"],
                        "ResponseHeaders": {k: ", ".join(v) for k, v in response["headers"].items()},
                        "ResponseBody": json.loads(response["body"]["string"])})
    assert convert({"interactions": [interaction_of(e) for e in entries]}, [0, 1], source=SOURCE,
                   covers="a create", names=NAMES) == case_of(recording)
    saved = tmp_path / "suite.json"  # a saved excerpt: the entries not used kept as null
    saved.write_text(json.dumps({"Entries": [None, *entries]}), encoding="utf-8")
    main([str(saved), "--repository", "Azure/azure-sdk-for-go", "--path", "suite.json", "--commit", "0" * 40,
          "--interactions", "1,2", "--covers", "a create", "--out", str(tmp_path / "case.json")]
         + [f"--name={old}={new}" for old, new in NAMES.items()])
    written = json.loads((tmp_path / "case.json").read_text(encoding="utf-8"))
    assert written["Entries"] == case_of(recording)["Entries"] and written["source"]["interactions"] == [1, 2]


@pytest.mark.unit
def test_an_interaction_left_out_of_a_saved_excerpt_is_refused(tmp_path):
    saved = tmp_path / "x.yaml"
    saved.write_text(yaml.safe_dump({"interactions": [None, *cli_recording()["interactions"]]}), encoding="utf-8")
    with pytest.raises(ValueError, match="interaction 0 is not in the saved recording"):
        main([str(saved), "--path", "x.yaml", "--commit", "0" * 40, "--interactions", "0,1", "--covers", "x",
              "--out", str(tmp_path / "case.json")])
