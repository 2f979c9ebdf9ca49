"""Signing in to Azure (notebook 00-setup).

Replay needs no account: a fixed-token credential. Live and record use the Azure CLI's sign-in
when ``az`` is logged in (Codespaces: ``az login --use-device-code``), otherwise a device code
shown in the cell as a link and a code. Signing in gets the first token at once, says on screen
what it does and how long it waits (:mod:`labkit.network`), and ends a failure as one ⛔ line
naming the cause and the fix (network, proxy, ``az login``, tenant).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import subprocess
import time

from labkit import network
from labkit.errors import SignInError

DEVICE_CODE_TIMEOUT = 300  # seconds the learner has to enter the device code
AZ_TIMEOUT = 30  # seconds the Azure CLI has to answer (`az account show`, `az account get-access-token`)
ARM_SCOPE = "https://management.azure.com/.default"
AZ_LOGIN = "`az login --use-device-code` in a terminal"
BINDER_VARIABLES = ("BINDER_LAUNCH_HOST", "BINDER_REQUEST", "BINDER_REPO_URL")  # BinderHub sets these on purpose


def on_binder() -> bool:
    """True inside a Binder session (mybinder.org or any BinderHub)."""
    return any(os.environ.get(name) for name in BINDER_VARIABLES)


class ReplayCredential:
    """A credential that never calls Entra ID: replay answers do not check tokens."""

    def get_token(self, *scopes, **kwargs):
        from azure.core.credentials import AccessToken

        return AccessToken("replay-token", int(time.time()) + 3600)

    def get_token_info(self, *scopes, options=None):
        from azure.core.credentials import AccessTokenInfo

        return AccessTokenInfo("replay-token", int(time.time()) + 3600)


def az_account() -> dict | None:
    """The Azure CLI's current account, or None when ``az`` is missing or signed out."""
    if not shutil.which("az"):
        return None
    try:
        done = subprocess.run(
            ["az", "account", "show", "-o", "json"],
            capture_output=True,
            text=True,
            timeout=AZ_TIMEOUT,
            stdin=subprocess.DEVNULL,
            encoding="utf-8",
        )
    except subprocess.TimeoutExpired as err:
        raise SignInError(
            f"Signing in failed: the Azure CLI (`az account show`) did not answer within {AZ_TIMEOUT} s.",
            f"run `az account show` in a terminal to see why; {AZ_LOGIN} signs in again.",
        ) from err
    return json.loads(done.stdout) if done.returncode == 0 else None


def sign_in(*, on_code=None):
    """A credential for live and record modes, signed in already, and the CLI account if that is what signed in.

    Says "Signing in…" at once, then which sign-in it uses; a failure ends as one ⛔ line and a SignInError.
    """
    from labkit import ui

    if on_binder():
        raise SignInError(
            "Binder is a public machine: it runs this workbook in replay mode only.",
            "unset LABKIT_MODE (replay), or open the workbook in Codespaces or on your laptop "
            "to use your subscription.",
        )
    ui.waiting(
        f"Signing in to Azure… (labkit waits at most {network.sign_in_bound():g} s for an answer, "
        "then says what went wrong)"
    )
    account = None
    try:
        account = az_account()
        if account:
            ui.status(
                True,
                f"Using the Azure CLI's sign-in: {account.get('user', {}).get('name', '?')}, "
                f"subscription {account.get('name', '?')!r}.",
            )
            credential = cli_credential()
        else:
            ui.waiting("The Azure CLI is not signed in here: signing in with a device code (a link and a code follow).")
            credential = device_code_credential(on_code)
        with _library_warnings_quiet():
            credential.get_token(ARM_SCOPE)
    except Exception as err:  # noqa: BLE001 — every failure becomes the one line a learner can act on
        failure = err if isinstance(err, SignInError) else sign_in_failure(err, cli=bool(account))
        ui.status(False, failure.problem, failure.fix)
        failure.shown = True  # the kernel's handler (labkit.kernel) shows the traceback folded, not this line again
        if failure is err:
            raise
        raise failure from err
    return credential, account


def cli_credential():
    """The Azure CLI's sign-in, its ``az`` calls bounded by :data:`AZ_TIMEOUT`."""
    from azure.identity import AzureCliCredential

    return AzureCliCredential(process_timeout=AZ_TIMEOUT)


def device_code_credential(on_code=None):
    """A device-code sign-in: the link and code shown in the cell, its requests bounded (labkit.network)."""
    from azure.identity import DeviceCodeCredential

    def prompt(uri, code, expires_on):
        (on_code or _print_code)(uri, code)

    return DeviceCodeCredential(
        prompt_callback=prompt,
        timeout=DEVICE_CODE_TIMEOUT,
        tenant_id=os.environ.get("AZURE_TENANT_ID"),
        **network.sign_in_options(),
    )


def sign_in_failure(err: Exception, *, cli: bool) -> SignInError:
    """The cause and the fix of a failed sign-in, read from the library's error and its causes."""
    text = network.error_text(err)
    lower = text.lower()
    proxy = os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy")
    tenant = os.environ.get("AZURE_TENANT_ID")
    if cli and ("failed to invoke the azure cli" in lower or "timeout" in lower):
        return SignInError(
            f"Signing in failed: the Azure CLI (`az account get-access-token`) did not answer within {AZ_TIMEOUT} s.",
            f"check the network, then run {AZ_LOGIN} and this cell again.",
        )
    if "aadsts90002" in lower or "aadsts900023" in lower or "aadsts50020" in lower:
        return SignInError(
            f"Signing in failed: Microsoft Entra ID does not know this tenant "
            f"({tenant or 'your default'}) for your account.",
            "set AZURE_TENANT_ID to your organisation's Directory (tenant) ID (portal: Microsoft "
            "Entra ID → Overview), or unset it; or run "
            "`az login --tenant <tenant id> --use-device-code`.",
        )
    if "timed out waiting for user" in lower:
        return SignInError(
            f"Signing in failed: the code was not entered within {DEVICE_CODE_TIMEOUT // 60} minutes.",
            f"run this cell again and enter the new code, or sign in with {AZ_LOGIN}.",
        )
    if cli and ("az login" in lower or "aadsts" in lower):
        return SignInError(
            "Signing in failed: the Azure CLI's sign-in has expired or was refused.",
            f"run {AZ_LOGIN} (add `--tenant <tenant id>` for a school or company tenant), then run this cell again.",
        )
    if any(
        w in lower
        for w in (
            "proxy",
            "connect",
            "connection",
            "timed out",
            "resolve",
            "name or service",
            "ssl",
            "servicerequesterror",
            "serviceresponseerror",
        )
    ):
        why = network.why(err)
        via = f" through the proxy {proxy}" if proxy else ""
        fix = (
            f"check that the proxy {proxy} is right and running (HTTPS_PROXY), or unset HTTPS_PROXY"
            if proxy
            else "check the network connection; a school or company network may need its proxy in HTTPS_PROXY"
        )
        return SignInError(
            f"Signing in failed: Microsoft Entra ID ({_authority()}) could not be reached{via}: {why}.",
            f"{fix}; then run this cell again, or sign in with {AZ_LOGIN}.",
        )
    first = next((line for line in str(err).splitlines() if line.strip()), type(err).__name__)
    return SignInError(
        f"Signing in failed: {first[:200]}",
        f"sign in with {AZ_LOGIN}; if your account belongs to several tenants, set AZURE_TENANT_ID; "
        "then run this cell again.",
    )


@contextlib.contextmanager
def _library_warnings_quiet():
    """azure-identity logs its failure as a warning (red text in the cell): the ⛔ line says it instead."""
    logger = logging.getLogger("azure.identity")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _authority() -> str:
    return os.environ.get("AZURE_AUTHORITY_HOST", "login.microsoftonline.com").removeprefix("https://").rstrip("/")


def choose_subscription(credential, account: dict | None) -> str:
    """AZURE_SUBSCRIPTION_ID, else the CLI's current subscription, else the only one the account has."""
    chosen = os.environ.get("AZURE_SUBSCRIPTION_ID") or (account or {}).get("id")
    if chosen:
        return chosen
    from azure.core.pipeline.transport import RequestsTransport
    from azure.core.rest import HttpRequest
    from azure.mgmt.resource.resources import ResourceManagementClient

    from labkit import ui

    client = ResourceManagementClient(
        credential,
        "unused",
        retry_policy=network.retry_policy(),
        transport=RequestsTransport(**network.transport_options()),
    )
    with ui.shown("Listing your subscriptions"):
        answer = client.send_request(
            HttpRequest("GET", "https://management.azure.com/subscriptions?api-version=2022-12-01")
        )
        answer.raise_for_status()
    found = [
        (s["subscriptionId"], s.get("displayName", ""))
        for s in answer.json().get("value", [])
        if s.get("state") == "Enabled"
    ]
    if len(found) == 1:
        return found[0][0]
    listing = "; ".join(f"{name} = {sid}" for sid, name in found) or "none enabled"
    raise SignInError(
        f"Your account has {len(found)} usable subscriptions ({listing}).",
        "set AZURE_SUBSCRIPTION_ID to the one for this lab and restart the kernel.",
    )


def _print_code(uri: str, code: str) -> None:
    from labkit import ui

    ui.status(
        True,
        f"Sign in: open {uri} and enter the code {code}",
        f"come back here; this cell waits up to {DEVICE_CODE_TIMEOUT // 60} minutes.",
    )
