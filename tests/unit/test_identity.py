"""Signing in: replay needs nothing; live uses the Azure CLI when logged in, else a device code."""

import json
import os
import stat

import pytest

from labkit import identity
from labkit.errors import SignInError


def fake_az(folder, account: dict | None):
    """An `az` on PATH that answers `az account show` like the real CLI (or as signed out)."""
    script = folder / "az"
    if account:
        script.write_text(f"#!/bin/sh\necho '{json.dumps(account)}'\n")
    else:
        script.write_text("#!/bin/sh\necho 'Please run az login to setup account.' >&2\nexit 1\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return folder


@pytest.mark.unit
def test_replay_credential_gives_a_token_without_any_service():
    assert identity.ReplayCredential().get_token("https://management.azure.com/.default").token == "replay-token"


@pytest.mark.unit
def test_binder_refuses_live_mode_with_the_fix(monkeypatch):
    monkeypatch.setenv("BINDER_LAUNCH_HOST", "https://mybinder.org/")
    with pytest.raises(SignInError) as err:
        identity.sign_in()
    assert "replay" in err.value.fix


@pytest.mark.unit
def test_logged_in_cli_is_used(tmp_path, monkeypatch):
    account = {"id": "00000000-0000-0000-0000-000000000001", "tenantId": "11111111-1111-1111-1111-111111111111"}
    monkeypatch.setenv("PATH", str(fake_az(tmp_path, account)) + os.pathsep + os.environ["PATH"])
    credential, found = identity.sign_in()
    assert type(credential).__name__ == "AzureCliCredential" and found == account


@pytest.mark.unit
def test_without_cli_login_a_device_code_is_shown_in_the_cell(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(fake_az(tmp_path, None)))
    shown = []
    credential, account = identity.sign_in(on_code=lambda uri, code: shown.append((uri, code)))
    assert type(credential).__name__ == "DeviceCodeCredential" and account is None
    credential._prompt_callback("https://microsoft.com/devicelogin", "ABCD-1234", None)
    assert shown == [("https://microsoft.com/devicelogin", "ABCD-1234")]


@pytest.mark.unit
def test_subscription_from_environment_then_cli(monkeypatch):
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", "00000000-0000-0000-0000-000000000002")
    assert identity.choose_subscription(None, {"id": "x"}) == "00000000-0000-0000-0000-000000000002"
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID")
    assert identity.choose_subscription(None, {"id": "00000000-0000-0000-0000-000000000003"}).endswith("3")
