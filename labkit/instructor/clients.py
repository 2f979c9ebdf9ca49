"""SDK clients the instructor tools need beyond the learner's (built like the Lab's: same transport, retries)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from labkit.lab import Lab

GRAPH = "https://graph.microsoft.com"


def compute(lab: Lab):
    """Compute: regional vCPU usage and quota, and the VM sizes offered to the subscription."""
    from azure.mgmt.compute import ComputeManagementClient

    return lab._client(ComputeManagementClient)


def authorization(lab: Lab):
    """Authorization: role assignments on a learner's resource group."""
    from azure.mgmt.authorization import AuthorizationManagementClient

    return lab._client(AuthorizationManagementClient)


def graph_user_id(lab: Lab, upn: str) -> str:
    """The Entra ID object id of the user signed in as ``upn`` (Microsoft Graph ``GET /v1.0/users/{upn}``)."""
    from urllib.parse import quote

    from azure.core import PipelineClient
    from azure.core.pipeline import policies
    from azure.core.rest import HttpRequest

    from labkit import network
    from labkit.recording.transport import make_transport

    client = PipelineClient(
        GRAPH,
        policies=[
            policies.HeadersPolicy(),
            network.retry_policy(),
            policies.BearerTokenCredentialPolicy(lab.credential, f"{GRAPH}/.default"),
        ],
        transport=make_transport(lab.recorder),
    )
    answer = client.send_request(HttpRequest("GET", f"{GRAPH}/v1.0/users/{quote(upn)}?$select=id"))
    answer.raise_for_status()
    return answer.json()["id"]
