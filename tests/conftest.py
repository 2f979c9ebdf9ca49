"""Shared test set-up: replay by default, a private LABKIT_HOME, and a guard against the network.

Tests talk only to 127.0.0.1 (and local unix sockets, for the Docker engine): any other
connection fails the test that made it.
"""

import ipaddress
import socket

import pytest

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
