"""labkit's node pool add and delete and ACR import, each with its operation polls, against real captured Azure
traffic (tests/corpus, see its README).

Served like tests/unit/test_corpus.py: live, then record, then the written recording replayed with the server gone.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from labkit import acr, aks, kube
from labkit.lab import POLL_SECONDS
from tests.unit.test_corpus import arm, roundtrip, slept  # noqa: F401  (fixtures)


@pytest.fixture
def no_api_server(monkeypatch):
    """add_user_pool lists the nodes from the cluster's own API server afterwards: not ARM, not in the corpus."""
    monkeypatch.setattr(kube, "nodes", lambda lab: [])


@pytest.mark.unit
def test_node_pool_add_waits_for_its_operation_then_reads_the_pool(tmp_path, capsys, slept,  # noqa: F811
                                                                   no_api_server):
    _, out, server = roundtrip(aks.add_user_pool, ["aks/agent_pool_add_lro"], tmp_path, capsys)
    assert "✅ Node pool userpool added — provisioning state Succeeded" in out and server.unused == []
    assert [urlsplit(uri).path.rsplit("/", 2)[-2] for _, uri in server.requests] == \
        ["agentPools"] + ["operations"] * 6 + ["agentPools"]
    assert slept == [POLL_SECONDS] * 10  # five waits live, five in record mode; the recording's client waited 30 s


@pytest.mark.unit
def test_node_pool_delete_waits_for_its_operation_to_succeed(tmp_path, capsys, slept):  # noqa: F811
    _, out, server = roundtrip(aks.remove_user_pool, ["aks/agent_pool_delete_lro"], tmp_path, capsys)
    assert "✅ Node pool userpool deleted" in out and server.unused == []
    assert [(m, urlsplit(uri).path.rsplit("/", 2)[-2]) for m, uri in server.requests] == \
        [("DELETE", "agentPools")] + [("GET", "operations")] * 3
    assert "ignore-pod-disruption-budget" not in server.requests[0][1]
    assert slept == [POLL_SECONDS] * 4  # two waits live, two in record mode (Azure sent no Retry-After); none in replay


@pytest.mark.unit
def test_image_import_polls_its_location_until_done(tmp_path, capsys, slept):  # noqa: F811
    result, out, server = roundtrip(acr.import_image, ["acr/import_lro"], tmp_path, capsys)
    assert server.unused == [] and [m for m, _ in server.requests] == ["POST", "GET", "GET"]
    assert "operationResults" in server.requests[2][1] and server.requests[1][1] != server.requests[2][1]
    assert "✅ Imported mcr.microsoft.com/" in out and result["image"].startswith("acrstudentk7q2.azurecr.io/")
    assert slept == [POLL_SECONDS] * 2  # one wait live, one in record mode (Azure sent no Retry-After); none in replay
