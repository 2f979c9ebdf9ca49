"""Shared test set-up: replay by default, a private LABKIT_HOME, a guard against the network, scenario labs.

Tests talk only to 127.0.0.1 (and local unix sockets, for the Docker engine): any other
connection fails the test that made it.
"""

import ipaddress
import shutil
import socket
from pathlib import Path

import pytest

RECORDINGS = Path(__file__).resolve().parents[1] / "recordings"

_connect = socket.socket.connect


def _guarded_connect(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise ConnectionRefusedError(f"test tried to connect to {host}:{address[1]}: tests talk only to 127.0.0.1")
    return _connect(sock, address)


@pytest.fixture(autouse=True)
def only_loopback(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(autouse=True)
def lab_home(tmp_path, monkeypatch):
    """Each test gets its own LABKIT_HOME and replay mode, whatever the caller's environment says."""
    monkeypatch.setenv("LABKIT_HOME", str(tmp_path / "labkit-home"))
    monkeypatch.setenv("LABKIT_MODE", "replay")
    for key in ("LABKIT_PREFIX", "LABKIT_REGION", "LABKIT_SUFFIX", "LABKIT_OWNER", "LABKIT_VM_SIZE"):
        monkeypatch.delenv(key, raising=False)
    return tmp_path / "labkit-home"


@pytest.fixture
def scenario_lab(tmp_path):
    """Open a replay lab on a private recordings folder whose steps replay the scenarios given.

    ``scenario_lab({"create": "errors-aci/pull_failed"})`` opens notebook "scenario", whose step ``create`` is
    recordings/errors-aci/pull_failed.json; ``notebook=`` names a shipped notebook to start from (its own
    recordings copied first), and the other keywords go to :func:`labkit.open_lab`.
    """
    import labkit

    root = tmp_path / "recordings"

    def open_scenario(steps: dict[str, str], *, notebook: str = "scenario", **params):
        folder = root / notebook
        if (RECORDINGS / notebook).is_dir() and not folder.exists():
            shutil.copytree(RECORDINGS / notebook, folder)
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(RECORDINGS / "lab.json", root / "lab.json")
        for step, case in steps.items():
            shutil.copy(RECORDINGS / f"{case}.json", folder / f"{step}.json")
        return labkit.open_lab(notebook, recordings=root, **params)

    return open_scenario
