"""Errors a learner can act on: each one says what went wrong and what to do next.

Introduced in notebook 00-setup; every later section raises these instead of raw SDK errors.
"""

from typing import Any


class LabError(Exception):
    """A problem with a fix. ``str(err)`` reads as two lines: what happened, then what to do."""

    shown = False  # its ⛔ line is on screen already, so the kernel's handler (labkit.kernel) does not repeat it

    def __init__(self, problem: str, fix: str):
        super().__init__(f"{problem}\n→ What to do: {fix}")
        self.problem = problem
        self.fix = fix


class ConfigError(LabError, ValueError):
    """A lab setting Azure would refuse; raised before any Azure call."""


class SignInError(LabError):
    """No usable Azure sign-in for live or record mode."""


class NoRecordingError(LabError):
    """Replay met a request that the recordings do not hold."""


# Azure error codes learners meet, and the fix for each (tests/corpus/ holds a real answer for most).
AZURE_HINTS = {
    "MissingSubscriptionRegistration": "Register the resource provider: run the provider cell in 00-setup "
    "(or `az provider register --namespace Microsoft.ContainerService`) and wait until it says Registered.",
    "NoRegisteredProviderFound": "Register the resource provider in 00-setup, then run this cell again.",
    "ErrCode_InsufficientVCPUQuota": "Your subscription has too few vCPUs in this region: use one small node "
    "(Standard_D2s_v5, 2 vCPUs), another VM family or region, or request more quota (portal: Quotas → Compute).",
    "QuotaExceeded": "A quota is used up (often 'Total Regional Cores'): use one small node, another region, "
    "or request more quota in the portal (Quotas → Compute).",
    "SkuNotAvailable": "That VM size is not offered to you in this region: pick another size "
    "(e.g. Standard_D2as_v5 or Standard_D2s_v3; AKS refuses B-series sizes for a system pool) or another region.",
    "RequestDisallowedByAzure": "Your subscription may only use some regions (student subscriptions do): "
    "set `region` in the parameters cell to an allowed one.",
    "RequestDisallowedByPolicy": "A policy on your subscription refuses this request (often the region): "
    "ask your administrator which regions are allowed and set `region` accordingly.",
    "AuthorizationFailed": "Your account lacks permission: you need Contributor on the resource group "
    "(Owner or User Access Administrator to assign roles such as AcrPull).",
    "AlreadyInUse": "The name is taken by someone else: change `prefix` in the parameters cell "
    "(a new random suffix comes with it) and run again.",
    "RegistryNameNotAvailable": "The registry name is taken: change `prefix` and run again.",
    "RegistryNameAlreadyInUse": "The registry name is taken by someone else (registry names are global across "
    "Azure): change `prefix` in the parameters cell (a new random suffix comes with it) and run again.",
    "TasksOperationsNotAllowed": "ACR Tasks (`az acr build`) is refused on free-credit subscriptions: build "
    "with Docker locally, or import a public image (the notebook does this for you).",
    "InaccessibleImage": "ACI could not pull the image: check the registry server, user and password, that "
    "the tag exists, and that the registry's admin user is enabled.",
    "ServiceUnavailable": "Azure has no capacity for this in the region right now: retry in a few minutes "
    "or choose another region.",
    "DnsNameLabelAlreadyInUse": "The DNS label is taken in this region: change `prefix` and run again.",
    "ResourceGroupNotFound": "The resource group does not exist (yet): run the earlier notebooks first.",
    "ResourceNotFound": "The resource does not exist (yet): run the earlier notebooks first.",
    "ProvisioningStateFailed": "Azure started the operation but could not finish it (provisioning state Failed). "
    "Delete what it left (a cluster: `aks.delete_cluster(lab)` or `az aks delete`) and run the create cell again; "
    "if it fails the same way (the error code says why), try another VM size or region.",
    # ACI and cleanup (notebooks 04 and 99)
    "DnsNameLabelAlreadyTaken": "The DNS label is taken in this region (labels are shared by every Azure "
    "customer): change `prefix` in the parameters cell (the label is built from it) and run again.",
    "ResourceGroupDeletionBlocked": "A resource in the group could not be deleted (often one still being updated, "
    "or a lock): wait a few minutes and run the delete again; remove any lock (az lock list -g <group>) first.",
}


def explain(err: Exception, *, doing: str) -> Exception:
    """Turn an Azure SDK error into a LabError with a hint, when its code is one we know.

    Unknown errors come back unchanged, so nothing is hidden from the learner.
    """
    if (passing := transient_error(err, doing=doing)) is not None:
        return passing
    code = getattr(getattr(err, "error", None), "code", None) or ""
    hint = AZURE_HINTS.get(code)
    if hint is None and "VM size" in str(err) and "not allowed" in str(err):
        code, hint = "SkuNotAvailable", AZURE_HINTS["SkuNotAvailable"]
    if hint is None and _polled(err) and _operation_status(err) in ("Failed", "Canceled"):
        hint = AZURE_HINTS["ProvisioningStateFailed"]
    if hint is None:
        return err
    message = getattr(getattr(err, "error", None), "message", None) or str(err)
    return LabError(f"{doing} failed: {code}: {message}", hint)


TRANSIENT_STATUS = {408, 500, 502, 503, 504}  # Azure's passing trouble: the same request may work a minute later
CAPACITY_CODES = {
    "AllocationFailed",
    "ZonalAllocationFailed",
    "OverconstrainedAllocationRequest",
    "OverconstrainedZonalAllocationRequest",
}  # no room in the region: retrying soon rarely helps
RUN_AGAIN = "run the cell again (a minute later if it fails the same way)."


def transient_error(err: Exception, *, doing: str) -> LabError | None:
    """A LabError when Azure did not answer (no connection, no answer, 5xx, throttled), else None.

    These are nobody's mistake: the fix is to run the cell again. A 503 that names a capacity code
    is not one of them (the region is full): it keeps its own hint.
    """
    from http import HTTPStatus

    from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError

    from labkit import network

    if isinstance(err, ServiceRequestError):
        return LabError(
            f"{doing}: Azure did not answer ({network.why(err)}).",
            "check the network connection (and the proxy, if you use one: HTTPS_PROXY), then " + RUN_AGAIN,
        )
    if isinstance(err, ServiceResponseError):
        return LabError(f"{doing}: Azure did not answer ({network.why(err)}).", RUN_AGAIN)
    status = getattr(err, "status_code", None)
    if not isinstance(err, HttpResponseError) or status is None:
        return None
    if status == 429:
        asked = _retry_after(err)
        return LabError(
            f"{doing}: Azure is throttling requests (429 Too Many Requests)"
            + (f" and asks us to wait {asked} s." if asked else "."),
            f"wait {asked or 60} s, then run the cell again.",
        )
    code = getattr(getattr(err, "error", None), "code", None) or ""
    message = getattr(getattr(err, "error", None), "message", None) or ""
    capacity = code in CAPACITY_CODES or "capacity" in message.lower() or "not available in the location" in message
    if status in TRANSIENT_STATUS and not capacity:
        return LabError(f"{doing}: Azure did not answer ({status} {HTTPStatus(status).phrase}).", RUN_AGAIN)
    return None


def _retry_after(err) -> str:
    """The Retry-After Azure sent with an error answer, as whole seconds ('' if none or a date)."""
    value = getattr(getattr(err, "response", None), "headers", {}).get("Retry-After", "")
    return value if value.isdigit() else ""


def _polled(err: Exception) -> bool:
    """Whether the error answered a poll (a GET) of a long-running operation, not the request itself.

    A refused PUT can carry a top-level ``"status": "Failed"`` too (ACR's 409 RegistryNameAlreadyInUse):
    that is no failed operation, and its error code says what to do.
    """
    request = getattr(getattr(err, "response", None), "request", None)
    return getattr(request, "method", "GET") == "GET"


def _operation_status(err: Exception) -> str:
    """The status of a long-running operation whose last poll answered with this error, if it did."""
    import json

    response: Any = getattr(err, "response", None)  # None has no .text: AttributeError
    try:
        body = json.loads(response.text())
    except (AttributeError, TypeError, ValueError):
        return ""
    return body.get("status", "") if isinstance(body, dict) else ""
