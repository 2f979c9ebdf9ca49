"""The only part of the Azure path that differs by mode: the HTTP transport given to every SDK client.

Replay mounts a ``requests`` adapter that answers from the step recording (no socket is opened)
and a transport whose ``sleep`` only moves the session's virtual clock on, so long-running operations
and 429 retries finish at once while ``Retry-After`` stays as Azure sent it. Record wraps the real adapter
and writes each exchange, scrubbed. Live is the SDK's own transport. In every mode the transport has labkit's
timeouts and the client labkit's retry policy (see :mod:`labkit.network`).
"""

from __future__ import annotations

import base64
import io
import json

import requests
from azure.core.pipeline.transport import RequestsTransport
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3 import HTTPResponse

from labkit import network
from labkit.recording.recorder import Recorder


def encode_body(data: bytes | None, content_type: str = ""):
    """A body as stored: JSON as an object, text as a string, anything else as base64."""
    if not data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode()}
    if "json" in content_type or text[:1] in "{[":
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text


def decode_body(body) -> bytes:
    if body is None:
        return b""
    if isinstance(body, dict) and set(body) == {"base64"}:
        return base64.b64decode(body["base64"])
    return (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")


class ReplayAdapter(BaseAdapter):
    """Answers requests from the current step's recording."""

    def __init__(self, recorder: Recorder):
        super().__init__()
        self.recorder = recorder

    def send(self, request, **kwargs):
        entry = self.recorder.replay_http(request.method, request.url)
        body = self.recorder.to_learner(decode_body(entry["ResponseBody"]).decode("utf-8")).encode("utf-8")
        headers = {k: self.recorder.to_learner(v) for k, v in entry["ResponseHeaders"].items()}
        headers["Content-Length"] = str(len(body))
        response = requests.Response()
        response.status_code = entry["StatusCode"]
        response.headers = CaseInsensitiveDict(headers)
        response.raw = HTTPResponse(
            body=io.BytesIO(body), headers=headers, status=entry["StatusCode"], preload_content=False
        )
        response.url, response.request, response.encoding = request.url, request, "utf-8"
        return response

    def close(self):
        pass


class RecordingAdapter(HTTPAdapter):
    """Sends for real, then hands the exchange to the recorder (which scrubs it)."""

    def __init__(self, recorder: Recorder):
        super().__init__()
        self.recorder = recorder

    def send(self, request, **kwargs):
        response = super().send(request, **kwargs)
        body = request.body.encode() if isinstance(request.body, str) else request.body
        self.recorder.record_http(
            {
                "RequestUri": request.url,
                "RequestMethod": request.method,
                "RequestHeaders": dict(request.headers),
                "RequestBody": encode_body(body, request.headers.get("Content-Type", "")),
                "StatusCode": response.status_code,
                "ResponseHeaders": dict(response.headers),
                "ResponseBody": encode_body(response.content, response.headers.get("Content-Type", "")),
            }
        )
        return response


class ReplayTransport(RequestsTransport):
    """azure-core transport for replay: recorded answers, and no waiting between polls or retries."""

    replaying = True  # read by labkit.network when it says what it waits for

    def __init__(self, *, clock, **kwargs):
        super().__init__(**kwargs)
        self.clock = clock

    def sleep(self, duration):
        self.clock.sleep(duration)


def make_transport(recorder: Recorder) -> RequestsTransport:
    """The transport for the recorder's mode, to pass as ``transport=`` to an SDK client."""
    session = requests.Session()
    if recorder.policy.replaying:
        session.mount("https://", ReplayAdapter(recorder))
        session.mount("http://", ReplayAdapter(recorder))
        return ReplayTransport(
            clock=recorder.policy.clock, session=session, use_env_settings=False, **network.transport_options()
        )
    if recorder.policy.recording:
        session.mount("https://", RecordingAdapter(recorder))
        session.mount("http://", RecordingAdapter(recorder))
    return RequestsTransport(session=session, **network.transport_options())


def client_options(recorder: Recorder) -> dict:
    """What every SDK client is built with: the mode's transport and labkit's retry policy."""
    return {"transport": make_transport(recorder), "retry_policy": network.retry_policy()}
