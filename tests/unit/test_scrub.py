"""Every kind of secret, planted in every place an exchange can carry it, through the real record path.

A small HTTPS server on 127.0.0.1 answers with the planted values (response headers, JSON bodies, JSON nested
in a string, text/YAML bodies); the client sends them (request headers, URIs, JSON request bodies); a boundary
call returns them (an app's logs). Everything goes through labkit's Recorder and RecordingAdapter in record
mode. No planted value may survive in the written files, in any encoding; and ``find_leaks`` must flag each
kind when it is planted raw. The planted values are test data made here, not labkit output.
"""

from __future__ import annotations

import base64
import json
import random
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, quote_plus

import pytest
import requests

from labkit.recording.recorder import Recorder
from labkit.recording.scrub import find_leaks
from labkit.recording.transport import RecordingAdapter
from tests import standin


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def planted_kinds() -> dict:
    """kind -> {"text": one line, "yaml": a YAML document, "json": a JSON value, "secrets": what must not survive}."""
    rnd = random.Random(20261130)
    raw = rnd.randbytes
    sig, key, key2, opaque = _b64(raw(32)), _b64(raw(64)), _b64(raw(40)), _b64url(raw(40))
    password = "Tr0ub4dor&3-" + _b64url(raw(9))
    jwt = ".".join([_b64url(b'{"alg":"RS256","typ":"JWT"}'),
                    _b64url(json.dumps({"aud": "https://management.azure.com", "upn": "x"}).encode()),
                    _b64url(raw(64))])
    pem_body = _b64(raw(96))
    pem = f"-----BEGIN RSA PRIVATE KEY-----\n{pem_body}\n-----END RSA PRIVATE KEY-----"
    client_key = _b64(pem.encode())
    docker_auth = _b64(f"learner7:{password}".encode())
    proxy = _b64(f"proxyuser:{password}".encode())
    guid = "3f2b8c1e-9d4a-4e6b-a7c5-1b2d3e4f5a6b"
    email, upn = "alice.smith@contoso.com", "bob_outlook.com#EXT#@contoso.onmicrosoft.com"
    sas_url = ("https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&se=2030-01-01&sr=b&sp=r"
               f"&sig={quote(sig, safe='')}")
    conn = f"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={key2};EndpointSuffix=core.windows.net"
    kinds = {
        "SAS sig=": (sas_url, f"blobUri: {sas_url}\n", {"blobUri": sas_url}, [sig, quote(sig, safe="")]),
        "storage account key": (f"key1 {key}", f"storageKey: {key}\n",
                                {"keys": [{"keyName": "key1", "value": key}], "copy": key}, [key]),
        "AccountKey= connection string": (conn, f"connection: {conn}\n", {"connection": conn}, [key2]),
        "ACR refresh token": (f"grant_type=refresh_token&service=acr.azurecr.io&refresh_token={opaque}",
                              f"refresh_token: {opaque}\n", {"refresh_token": opaque}, [opaque]),
        "ACR access token": (f"access_token={opaque}x&token_type=bearer", f"access_token: {opaque}x\n",
                             {"access_token": opaque + "x"}, [opaque + "x"]),
        "docker IdentityToken": (f"IdentityToken: {opaque}y", f"IdentityToken: {opaque}y\n",
                                 {"IdentityToken": opaque + "y", "Status": "Login Succeeded"}, [opaque + "y"]),
        "docker auth": (f"registry credentials {docker_auth}", f"auths:\n  acr.azurecr.io:\n    auth: {docker_auth}\n",
                        {"auths": {"acrstudentk7q2.azurecr.io": {"auth": docker_auth}}}, [docker_auth, password]),
        "x-ms-authorization-auxiliary": (f"x-ms-authorization-auxiliary: Bearer {opaque}z",
                                         f"x-ms-authorization-auxiliary: Bearer {opaque}z\n",
                                         {"x-ms-authorization-auxiliary": f"Bearer {opaque}z"}, [opaque + "z"]),
        "Proxy-Authorization": (f"Proxy-Authorization: Basic {proxy}", f"proxy: Basic {proxy}\n",
                                {"Proxy-Authorization": f"Basic {proxy}"}, [proxy, password]),
        "user:pass@ in a URI": (f"https://alice:{password}@registry.contoso.net/v2/",
                                f"registry: https://alice:{password}@registry.contoso.net/v2/\n",
                                {"registry": f"https://alice:{password}@registry.contoso.net/v2/"}, [password]),
        "password given as a dict": (json.dumps({"username": "admin", "password": password}),
                                     f"username: admin\npassword: {password}\n",
                                     {"auth_config": {"username": "admin", "password": password}}, [password]),
        "JWT": (f"id {jwt}", f"idToken: {jwt}\n", {"idToken": jwt}, [jwt, jwt.split(".")[2]]),
        "PEM block": (pem.replace("\n", " "), "key: |\n  " + pem.replace("\n", "\n  ") + "\n", {"tls": pem},
                      [pem_body]),
        "kubeconfig client key": (f"client-key-data: {client_key}",
                                  f"users:\n- name: u\n  user:\n    client-key-data: {client_key}\n",
                                  {"client-key-data": client_key}, [client_key, pem_body]),
        "e-mail address / UPN": (f"createdBy {email} lastModifiedBy {upn}",
                                 f"createdBy: {email}\nlastModifiedBy: {upn}\n",
                                 {"systemData": {"createdBy": email, "createdByType": "User", "lastModifiedBy": upn}},
                                 [email, upn, "alice.smith", "contoso.onmicrosoft"]),
        "GUID": (f"principal {guid}", f"principalId: {guid}\n", {"principalId": guid}, [guid]),
    }
    return {kind: {"text": t, "yaml": y, "json": j, "secrets": s} for kind, (t, y, j, s) in kinds.items()}


KINDS = planted_kinds()
PLACES = ("request header", "response header", "URI", "request JSON body", "response JSON body",
          "nested JSON string", "text/YAML body", "boundary call result")


class Planter(BaseHTTPRequestHandler):
    """GET/POST /<kind index>/<place index>: answers with that kind planted in that place."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        kind, place = (int(p) for p in self.path.split("?")[0].strip("/").split("/"))
        planted = KINDS[list(KINDS)[kind]]
        body, headers, content_type = {"ok": True}, {}, "application/json"
        if PLACES[place] == "response header":  # one header replay keeps, one it has no use for
            headers = {"WWW-Authenticate": planted["text"], "X-Planted": planted["text"]}
        elif PLACES[place] == "response JSON body":
            body = {"properties": planted["json"]}
        elif PLACES[place] == "nested JSON string":
            body = {"properties": {"settings": json.dumps(planted["json"])}}
        elif PLACES[place] == "text/YAML body":
            body, content_type = planted["yaml"], "text/yaml"
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.do_GET()


def plant_everything(root, base_url: str, cert) -> dict:
    """Record every (kind, place) into its own step; (kind, place) -> the text of the step file written."""
    recorder = Recorder("record", "planted", root=root)
    session = requests.Session()
    session.mount("https://", RecordingAdapter(recorder))
    written = {}
    for k, kind in enumerate(KINDS):
        planted = KINDS[kind]
        for p, place in enumerate(PLACES):
            step = f"{k:02d}-{p}"
            url, headers, body = f"{base_url}/{k}/{p}", {"Accept": "application/json"}, None
            if place == "request header":
                headers.update({"Accept": f"application/json, {planted['text']}", "X-Planted": planted["text"],
                                "x-ms-authorization-auxiliary": planted["text"],
                                "Proxy-Authorization": planted["text"]})
            elif place == "URI":
                url += f"?api-version=2025-01-01&note={quote_plus(planted['text'])}"
            elif place == "request JSON body":
                body = {"properties": planted["json"]}
            with recorder.step_scope(step):
                if body is None:
                    session.get(url, headers=headers, verify=str(cert), timeout=10)
                else:
                    session.post(url, headers=headers, json=body, verify=str(cert), timeout=10)
                if place == "boundary call result":
                    recorder.result_of("app.logs", lambda: {"logs": f"starting\n{planted['text']}\nready\n",
                                                            "config": planted["json"]})
            written[(kind, place)] = (root / "planted" / f"{step}.json").read_text(encoding="utf-8")
    return written


def survivors(written: dict) -> list[tuple]:
    """(kind, place) pairs whose written file still holds a planted value, in any encoding."""
    found = []
    for (kind, place), text in written.items():
        views = (text, text.replace('\\"', '"').replace("\\n", "\n"))
        forms = {f for s in KINDS[kind]["secrets"]
                 for f in (s, quote(s, safe=""), quote_plus(s), json.dumps(s)[1:-1])}
        if any(f in v for f in forms for v in views):
            found.append((kind, place))
    return found


@pytest.fixture(scope="module")
def planter(tmp_path_factory):
    folder = tmp_path_factory.mktemp("planter")
    cert, key = standin.make_certificate(folder)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Planter)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_port}", cert, folder
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def written(planter):
    base_url, cert, folder = planter
    return plant_everything(folder / "recordings", base_url, cert)


@pytest.mark.unit
def test_every_kind_is_planted_in_every_place(written):
    assert len(written) == len(KINDS) * len(PLACES) == 128


@pytest.mark.unit
def test_no_planted_secret_survives_record_mode(written):
    assert survivors(written) == []


@pytest.mark.unit
def test_written_files_hold_no_leak_the_finder_sees(written):
    assert {key: find_leaks(text) for key, text in written.items() if find_leaks(text)} == {}


def raw_placement(kind: str, place: str) -> str:
    """The planted value as the place carries it, unscrubbed (what a recording would hold without labkit)."""
    planted = KINDS[kind]
    return {"request header": planted["text"], "response header": planted["text"],
            "URI": "https://127.0.0.1/x?api-version=2025-01-01&note=" + quote_plus(planted["text"]),
            "request JSON body": json.dumps({"properties": planted["json"]}),
            "response JSON body": json.dumps({"properties": planted["json"]}),
            "nested JSON string": json.dumps({"properties": {"settings": json.dumps(planted["json"])}}),
            "text/YAML body": planted["yaml"],
            "boundary call result": json.dumps({"logs": f"starting\n{planted['text']}\nready\n",
                                                "config": planted["json"]}, indent=2)}[place]


def unflagged() -> list[tuple]:
    """(kind, place) pairs whose raw planted form ``find_leaks`` does not flag."""
    return [(kind, place) for kind in KINDS for place in PLACES if not find_leaks(raw_placement(kind, place))]


@pytest.mark.unit
def test_the_finder_flags_each_kind_planted_raw_in_each_place():
    assert unflagged() == []


@pytest.mark.unit
def test_replay_still_works_on_what_the_scrubber_keeps(written):
    """Headers replay needs survive the allow-list (names as sent); a scrubbed body still parses."""
    step = json.loads(written[("SAS sig=", "response header")])
    entry = step["Entries"][0]
    assert set(entry["ResponseHeaders"]) == {"Content-Type", "WWW-Authenticate"}
    assert "X-Planted" not in entry["RequestHeaders"] and entry["RequestHeaders"]["Accept"] == "application/json"
    assert "sig=REDACTED" in entry["ResponseHeaders"]["WWW-Authenticate"]
    nested = json.loads(written[("e-mail address / UPN", "nested JSON string")])["Entries"][0]
    settings = json.loads(nested["ResponseBody"]["properties"]["settings"])
    assert settings["systemData"] == {"createdBy": "learner@example.com", "createdByType": "User",
                                      "lastModifiedBy": "learner@example.com"}


@pytest.mark.unit
@pytest.mark.parametrize(
    "code, secret",
    [
        ("ImageRegistryCredential(server=s, username=u, password=password)", "password=Xk9-fresh-2026)"),
        ("def spec(config, username: str, password: str):", "password: Xk9-fresh-2026)"),
    ],
)
def test_code_that_names_a_secret_is_not_a_leak_but_a_value_in_its_place_is(code, secret):
    """The workbook shows the SDK call it makes (a parameter called password); a real value there is flagged."""
    assert find_leaks(code) == []
    assert find_leaks(code.replace(code[code.index("password") :], secret)) != []
