"""Signing in: replay needs nothing; live uses the Azure CLI when logged in, else a device code.

Sign-in faults are played by loopback servers: a proxy on 127.0.0.1 that refuses connections, or that
accepts them and never answers (HTTPS_PROXY points the identity library at it; nothing leaves the machine).
"""

import json
import logging
import os
import socket
import stat
import threading
import time

import pytest

from labkit import identity, network
from labkit.errors import SignInError

ACCOUNT = {"id": "00000000-0000-0000-0000-000000000001", "tenantId": "11111111-1111-1111-1111-111111111111",
           "name": "Azure for Students", "user": {"name": "student@example.edu", "type": "user"}}
TOKEN = {"accessToken": "not-a-real-token", "expires_on": 4102444800, "tokenType": "Bearer"}


def fake_az(folder, account: dict | None, token_answer: str = f"echo '{json.dumps(TOKEN)}'"):
    """An `az` on PATH that answers `az account show` like the real CLI (or as signed out),
    and `az account get-access-token` with ``token_answer`` (a shell command)."""
    script = folder / "az"
    if account:
        script.write_text(f"#!/bin/sh\nif [ \"$2\" = get-access-token ]; then {token_answer}; exit; fi\n"
                          f"echo '{json.dumps(account)}'\n", encoding="utf-8")
    else:
        script.write_text("#!/bin/sh\necho 'Please run az login to setup account.' >&2\nexit 1\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return folder


@pytest.fixture
def proxy(monkeypatch):
    """Point the identity library's traffic at a proxy on 127.0.0.1: ``proxy("refused")`` or ``proxy("silent")``.

    Returns the connections the proxy accepted (a silent proxy holds them open and never answers)."""
    held, sockets = [], []

    def hold(server):
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:  # closed at the end of the test
                return

    def start(kind):
        server = socket.create_server(("127.0.0.1", 0))
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{server.getsockname()[1]}")
        if kind == "refused":
            server.close()
        else:
            sockets.append(server)
            threading.Thread(target=hold, args=(server,), daemon=True).start()
        return held

    for name in ("NO_PROXY", "no_proxy", "https_proxy", "AZURE_TENANT_ID", "AZURE_AUTHORITY_HOST"):
        monkeypatch.delenv(name, raising=False)
    yield start
    for conn in held + sockets:
        conn.close()


def sign_in_failure(capsys):
    """Sign in, expecting failure: the error, what the cell showed, and the seconds it took."""
    started = time.monotonic()
    with pytest.raises(SignInError) as err:
        identity.sign_in()
    return err.value, capsys.readouterr().out, time.monotonic() - started


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
def test_logged_in_cli_is_used_and_named_after_signing_in_is_said(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(fake_az(tmp_path, ACCOUNT)) + os.pathsep + os.environ["PATH"])
    credential, found = identity.sign_in()
    assert type(credential).__name__ == "AzureCliCredential" and found == ACCOUNT
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("⏳ Signing in to Azure…") and f"at most {network.sign_in_bound()} s" in lines[0]
    assert lines[1] == "✅ Using the Azure CLI's sign-in: student@example.edu, subscription 'Azure for Students'."


@pytest.mark.unit
def test_without_cli_login_a_device_code_is_shown_in_the_cell():
    shown = []
    credential = identity.device_code_credential(on_code=lambda uri, code: shown.append((uri, code)))
    assert type(credential).__name__ == "DeviceCodeCredential"
    credential._prompt_callback("https://microsoft.com/devicelogin", "ABCD-1234", None)
    assert shown == [("https://microsoft.com/devicelogin", "ABCD-1234")]


@pytest.mark.unit
def test_no_network_ends_at_once_as_one_line_naming_the_proxy_and_the_fix(tmp_path, monkeypatch, capsys, caplog, proxy):
    monkeypatch.setenv("PATH", str(fake_az(tmp_path, None)))
    proxy("refused")
    with caplog.at_level(logging.WARNING):
        err, out, took = sign_in_failure(capsys)
    assert out.startswith("⏳ Signing in to Azure…") and out.count("⛔") == 1 and "Traceback" not in out
    assert not [r for r in caplog.records if r.name.startswith("azure")]  # no library warning beside the ⛔ line
    assert "could not be reached through the proxy" in err.problem and "connection was refused" in err.problem
    assert "HTTPS_PROXY" in err.fix and "az login --use-device-code" in err.fix
    assert took < network.sign_in_bound()
    print(f"\nsign-in, proxy refused: {took:.2f} s")


@pytest.mark.unit
def test_a_silent_network_ends_within_the_bound_said_on_screen(tmp_path, monkeypatch, capsys, proxy):
    monkeypatch.setattr(network, "CONNECT_TIMEOUT", 0.5)  # the real 10 s and 20 s, shortened; the bound follows
    monkeypatch.setattr(network, "SIGN_IN_READ_TIMEOUT", 0.5)
    monkeypatch.setenv("PATH", str(fake_az(tmp_path, None)))
    held = proxy("silent")
    err, out, took = sign_in_failure(capsys)
    assert f"at most {network.sign_in_bound():g} s" in out and out.count("⛔") == 1
    assert "⏳ Microsoft Entra ID did not answer: no answer within 0.5 s; trying again now (2/2)." in out
    assert len(held) == network.SIGN_IN_TRIES and took < network.sign_in_bound()
    assert "Microsoft Entra ID (login.microsoftonline.com) could not be reached through the proxy" in err.problem
    assert "az login --use-device-code" in err.fix
    print(f"\nsign-in, silent proxy: {took:.2f} s of a stated {network.sign_in_bound():g} s")


@pytest.mark.unit
def test_an_az_that_never_answers_ends_within_its_bound(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(identity, "AZ_TIMEOUT", 1)
    monkeypatch.setenv("PATH", str(fake_az(tmp_path, ACCOUNT, "exec sleep 30")) + os.pathsep + os.environ["PATH"])
    err, out, took = sign_in_failure(capsys)
    assert "`az account get-access-token`) did not answer within 1 s" in err.problem
    assert "az login --use-device-code" in err.fix and out.count("⛔") == 1 and took < 5


@pytest.mark.unit
def test_an_unknown_tenant_is_named_with_its_fix(monkeypatch):
    from azure.core.exceptions import ClientAuthenticationError

    monkeypatch.setenv("AZURE_TENANT_ID", "contoso.example")
    err = ClientAuthenticationError("Authentication failed: AADSTS90002: Tenant 'contoso.example' not found.")
    failure = identity.sign_in_failure(err, cli=False)
    assert "contoso.example" in failure.problem and "AZURE_TENANT_ID" in failure.fix


@pytest.mark.unit
def test_subscription_from_environment_then_cli(monkeypatch):
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", "00000000-0000-0000-0000-000000000002")
    assert identity.choose_subscription(None, {"id": "x"}) == "00000000-0000-0000-0000-000000000002"
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID")
    assert identity.choose_subscription(None, {"id": "00000000-0000-0000-0000-000000000003"}).endswith("3")
