"""Waits and transient faults, against loopback servers that misbehave like a bad network or a busy Azure.

The SDK clients are built the way a lab builds them (``Lab._client``, live mode, labkit's transport and
retry policy). Waits are counted, not timed: the transport's ``sleep`` records what it was asked to wait.
"""

import json
import socket
import struct
import threading

import pytest
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.core.pipeline.transport import RequestsTransport
from azure.mgmt.containerservice import ContainerServiceClient
from azure.mgmt.resource.resources import ResourceManagementClient

from labkit import ui
from labkit.errors import LabError
from labkit.identity import ReplayCredential
from labkit.lab import Lab
from labkit.recording.recorder import Recorder

SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
GROUP = {"id": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-student-k7q2", "name": "rg-student-k7q2",
         "location": "eastus", "properties": {"provisioningState": "Succeeded"}}


def answer(status: int, body=None, **headers) -> bytes:
    """One raw HTTP/1.1 answer (the connection closes after it)."""
    data = json.dumps(body).encode() if body is not None else b""
    lines = [f"HTTP/1.1 {status} Status", "Content-Type: application/json", f"Content-Length: {len(data)}",
             "Connection: close"] + [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


class FaultServer:
    """A server on 127.0.0.1 that plays a script, one item per request (the last repeats):
    raw answer bytes, "hang" (read the request, never answer) or "reset" (read it, then RST)."""

    def __init__(self, *script):
        self.script, self.requests, self.stop = list(script), [], threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(65536)
            if not chunk:
                return conn.close()
            head += chunk
        header, _, body = head.partition(b"\r\n\r\n")
        length = next((int(line.split(b":")[1]) for line in header.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        while len(body) < length:
            body += conn.recv(65536)
        self.requests.append(header.split(b" ")[0].decode())
        step = self.script[min(len(self.requests), len(self.script)) - 1]
        if step == "hang":
            self.stop.wait()
        elif step == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            conn.sendall(step)
        conn.close()

    def close(self):
        self.stop.set()
        self.sock.close()


@pytest.fixture
def servers():
    started = []
    yield lambda *script: started.append(FaultServer(*script)) or started[-1]
    for server in started:
        server.close()


@pytest.fixture
def slept(monkeypatch):
    """What the live transport was asked to sleep (seconds), instead of sleeping."""
    asked = []
    monkeypatch.setattr(RequestsTransport, "sleep", lambda self, duration: asked.append(duration))
    return asked


def lab_client(tmp_path, cls, url):
    """An SDK client built as a live lab builds it, talking to ``url`` (no token: plain http on loopback)."""
    lab = Lab("test", None, Recorder("live", "test", root=tmp_path), ReplayCredential(), SUBSCRIPTION)
    return lab._client(cls, base_url=url, authentication_policy=SansIOHTTPPolicy())


def read_group(tmp_path, url):
    client = lab_client(tmp_path, ResourceManagementClient, url)
    with ui.shown("Reading resource group rg-student-k7q2"):
        return client.resource_groups.get("rg-student-k7q2")


@pytest.mark.unit
def test_clients_get_bounded_timeouts_and_three_tries(tmp_path):
    client = lab_client(tmp_path, ResourceManagementClient, "http://127.0.0.1:9")
    transport = client._client._pipeline._transport
    policy = client._config.retry_policy
    assert transport.connection_config.timeout <= 10 and transport.connection_config.read_timeout <= 60
    assert policy.total_retries + 1 == 3 and policy.timeout <= 180


@pytest.mark.unit
def test_throttled_twice_waits_as_azure_asks_and_says_so(tmp_path, servers, slept, capsys):
    server = servers(answer(429, Retry_After=30), answer(429, Retry_After=30), answer(200, GROUP))
    assert read_group(tmp_path, server.url).name == "rg-student-k7q2"
    out = capsys.readouterr().out
    assert slept == [30, 30] and server.requests == ["GET"] * 3
    assert "⏳ Azure asks us to wait 30 s (429 throttled); then trying again (2/3)." in out
    assert "(3/3)" in out and "⛔" not in out


@pytest.mark.unit
def test_a_wait_longer_than_a_lab_can_bear_ends_the_call_with_the_figure(tmp_path, servers, slept, capsys):
    server = servers(answer(429, {"error": {"code": "TooManyRequests", "message": "slow down"}}, Retry_After=600))
    with pytest.raises(LabError) as err:
        read_group(tmp_path, server.url)
    assert slept == [] and server.requests == ["GET"]
    assert "429" in err.value.problem and "600 s" in err.value.problem and "wait 600 s" in err.value.fix
    assert capsys.readouterr().out.count("⛔") == 1


@pytest.mark.unit
@pytest.mark.parametrize("status", [500, 502, 504])
def test_repeated_server_errors_end_as_run_the_cell_again(tmp_path, servers, slept, capsys, status):
    server = servers(answer(status, {"error": {"code": "InternalServerError", "message": "Something went wrong"}}))
    with pytest.raises(LabError) as err:
        read_group(tmp_path, server.url)
    out = capsys.readouterr().out
    assert server.requests == ["GET"] * 3 and sum(slept) < 10
    assert f"Azure did not answer ({status}" in err.value.problem and "run the cell again" in err.value.fix
    assert f"⏳ Azure answered {status} (a passing server error); trying again now (2/3)." in out
    assert out.count("⛔") == 1 and "Traceback" not in out


@pytest.mark.unit
def test_503_is_transient_unless_it_names_a_capacity_problem(tmp_path, servers, slept):
    busy = servers(answer(503, {"error": {"code": "ServiceUnavailable", "message": "The service is unavailable."}}))
    with pytest.raises(LabError) as err:
        read_group(tmp_path, busy.url)
    assert "run the cell again" in err.value.fix and "region" not in err.value.fix and len(busy.requests) == 3
    full = servers(answer(409, {"error": {"code": "ServiceUnavailable", "message": "The requested resource is not "
                                          "available in the location 'eastus' at this moment."}}))
    with pytest.raises(LabError) as err:
        read_group(tmp_path, full.url)
    assert "region" in err.value.fix and "run the cell again" not in err.value.fix


@pytest.mark.unit
def test_connection_reset_on_a_post_ends_as_run_the_cell_again(tmp_path, servers, slept, capsys):
    server = servers("reset")
    client = lab_client(tmp_path, ContainerServiceClient, server.url)
    with pytest.raises(LabError) as err, ui.shown("Fetching the kubeconfig of aks-student-k7q2"):
        client.managed_clusters.list_cluster_user_credentials("rg-student-k7q2", "aks-student-k7q2")
    assert server.requests == ["POST"]  # not retried: a POST may have been done
    assert err.value.problem.endswith("Azure did not answer (the connection was reset).")
    assert "run the cell again" in err.value.fix and capsys.readouterr().out.count("⛔") == 1


@pytest.mark.unit
def test_no_answer_is_waited_for_a_bounded_time_and_said(tmp_path, servers, slept, capsys, monkeypatch):
    monkeypatch.setattr("labkit.network.READ_TIMEOUT", 0.3)  # the real 30 s, shortened: the count of tries is the test
    server = servers("hang")
    client = lab_client(tmp_path, ResourceManagementClient, server.url)
    assert client._client._pipeline._transport.connection_config.read_timeout == 0.3  # else this test hangs
    with pytest.raises(LabError) as err, ui.shown("Reading resource group rg-student-k7q2"):
        client.resource_groups.get("rg-student-k7q2")
    out = capsys.readouterr().out
    assert server.requests == ["GET"] * 3
    assert "⏳ Azure did not answer: no answer within 0.3 s; trying again now (2/3)." in out and "(3/3)" in out
    assert "no answer within 0.3 s" in err.value.problem and "run the cell again" in err.value.fix


@pytest.mark.unit
def test_refused_connection_names_the_network(tmp_path, slept, capsys):
    closed = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    closed.close()
    with pytest.raises(LabError) as err:
        read_group(tmp_path, url)
    out = capsys.readouterr().out
    assert "the connection was refused" in err.value.problem and "network" in err.value.fix
    assert out.count("⏳ Azure did not answer: the connection was refused") == 2


@pytest.mark.unit
def test_replay_says_the_recorded_wait_but_never_sleeps(tmp_path, monkeypatch, capsys):
    uri = (f"https://management.azure.com/subscriptions/{SUBSCRIPTION}/resourcegroups/rg-student-k7q2"
           "?api-version=2025-04-01")
    entry = {"RequestUri": uri, "RequestMethod": "GET", "RequestHeaders": {}, "RequestBody": None}
    (tmp_path / "nb").mkdir()
    (tmp_path / "nb" / "read.json").write_text(json.dumps({"Entries": [
        {**entry, "StatusCode": 429, "ResponseHeaders": {"Retry-After": "30"}, "ResponseBody": None},
        {**entry, "StatusCode": 200, "ResponseHeaders": {"Content-Type": "application/json"}, "ResponseBody": GROUP},
    ]}), encoding="utf-8")
    slept = []
    monkeypatch.setattr("time.sleep", slept.append)
    recorder = Recorder("replay", "nb", root=tmp_path)
    lab = Lab("nb", None, recorder, ReplayCredential(), SUBSCRIPTION)
    with lab.step("read"):
        assert lab.resources.resource_groups.get("rg-student-k7q2").name == GROUP["name"]
    assert slept == []
    assert "Azure asks us to wait 30 s (429 throttled); then trying again (2/3) — replay: the recorded lab waited, " \
           "you do not." in capsys.readouterr().out
