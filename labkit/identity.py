"""Signing in to Azure (notebook 00-setup).

Replay needs no account: a fixed-token credential. Live and record use the Azure CLI's sign-in
when ``az`` is logged in (Codespaces: ``az login --use-device-code``), otherwise a device code
shown in the cell as a link and a code.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time

from labkit.errors import SignInError

DEVICE_CODE_TIMEOUT = 300
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
    done = subprocess.run(["az", "account", "show", "-o", "json"], capture_output=True, text=True, timeout=60)
    return json.loads(done.stdout) if done.returncode == 0 else None


def sign_in(*, on_code=None):
    """A credential for live and record modes, and the CLI account if that is what signed in."""
    if on_binder():
        raise SignInError("Binder is a public machine: it runs this workbook in replay mode only.",
                          "unset LABKIT_MODE (replay), or open the workbook in Codespaces or on your laptop "
                          "to use your subscription.")
    account = az_account()
    if account:
        from azure.identity import AzureCliCredential

        return AzureCliCredential(), account
    from azure.identity import DeviceCodeCredential

    def prompt(uri, code, expires_on):
        (on_code or _print_code)(uri, code)

    return DeviceCodeCredential(prompt_callback=prompt, timeout=DEVICE_CODE_TIMEOUT,
                                tenant_id=os.environ.get("AZURE_TENANT_ID")), None


def choose_subscription(credential, account: dict | None) -> str:
    """AZURE_SUBSCRIPTION_ID, else the CLI's current subscription, else the only one the account has."""
    chosen = os.environ.get("AZURE_SUBSCRIPTION_ID") or (account or {}).get("id")
    if chosen:
        return chosen
    from azure.core.rest import HttpRequest
    from azure.mgmt.resource.resources import ResourceManagementClient

    client = ResourceManagementClient(credential, "unused")
    answer = client.send_request(HttpRequest("GET", "https://management.azure.com/subscriptions?api-version=2022-12-01"))
    answer.raise_for_status()
    found = [(s["subscriptionId"], s.get("displayName", "")) for s in answer.json().get("value", [])
             if s.get("state") == "Enabled"]
    if len(found) == 1:
        return found[0][0]
    listing = "; ".join(f"{name} = {sid}" for sid, name in found) or "none enabled"
    raise SignInError(f"Your account has {len(found)} usable subscriptions ({listing}).",
                      "set AZURE_SUBSCRIPTION_ID to the one for this lab and restart the kernel.")


def _print_code(uri: str, code: str) -> None:
    from labkit import ui

    ui.status(True, f"Sign in: open {uri} and enter the code {code}",
              f"come back here; this cell waits up to {DEVICE_CODE_TIMEOUT // 60} minutes.")
