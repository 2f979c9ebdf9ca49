"""Recorded interactions (vcrpy yaml, or test-proxy JSON entries) -> one corpus case in the Azure test-proxy shape."""

from __future__ import annotations

import json
import re

GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
PLACEHOLDER = re.compile(r"0{8}-0{4}-0{4}-0{4}-[0-9a-f]{12}|([0-9a-f])\1{7}-\1{4}-\1{4}-\1{4}-\1{12}")
# Request headers that describe the CLI and its machine, not the call: not kept.
CLI_REQUEST_HEADERS = {"commandname", "parametersetname", "user-agent", "connection", "accept-encoding",
                       "content-length"}
# Operation-status URLs keep the api-version (and signature) Azure put in them.
OPERATION_PATH = re.compile(r"/(operations|operationstatuses|operationresults)/", re.IGNORECASE)
API_VERSION = re.compile(r"([?&]api-version=)([^&]+)")
FIRST_NEW_ID = 101  # placeholders from ...000000000101: the CLI's own placeholders use the low numbers


class Changes:
    """What the conversion changed, for the case's ``changed`` line."""

    def __init__(self, names: dict, api_version: str | None):
        self.names = dict(sorted(names.items(), key=lambda kv: -len(kv[0])))  # longest first
        self.api_version = api_version
        self.guids: dict[str, str] = {}
        self.names_seen: set[str] = set()
        self.versions_seen: set[str] = set()

    def text(self, value: str) -> str:
        for old, new in self.names.items():
            if old in value:
                self.names_seen.add(old)
                value = value.replace(old, new)
        return GUID.sub(self._guid, value)

    def _guid(self, match: re.Match) -> str:
        guid = match.group(0).lower()
        if PLACEHOLDER.fullmatch(guid):
            return guid
        if guid not in self.guids:
            self.guids[guid] = f"00000000-0000-0000-0000-{FIRST_NEW_ID + len(self.guids):012d}"
        return self.guids[guid]

    def uri(self, uri: str) -> str:
        uri = self.text(uri)
        if self.api_version and not OPERATION_PATH.search(uri.split("?")[0]):
            found = API_VERSION.search(uri)
            if found and found.group(2) != self.api_version:
                self.versions_seen.add(found.group(2))
                uri = API_VERSION.sub(lambda m: m.group(1) + self.api_version, uri, count=1)
        return uri

    def summary(self) -> str:
        parts = [f"{_shown(old)} → {self.names[old]}" for old in self.names if old in self.names_seen]
        if self.guids:
            parts.append(f"{len(self.guids)} GUID(s) → placeholder ids 00000000-0000-0000-0000-{FIRST_NEW_ID:012d}…")
        if self.versions_seen:
            parts.append(f"resource URI api-version {', '.join(sorted(self.versions_seen))} → {self.api_version}")
        return "; ".join(parts) or "nothing"


def _shown(name: str) -> str:
    """A changed name as the case states it: ids and people's addresses of the source are not repeated."""
    return "a GUID" if GUID.fullmatch(name) else "an e-mail address" if "@" in name else name


def _body(text, changes: Changes):
    """A body as the test-proxy stores it: JSON objects and arrays as such, anything else as text."""
    if text is None or text == "":
        return None
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    text = changes.text(text)
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, (dict, list)) else text


def _headers(headers: dict, changes: Changes, drop: set = frozenset()) -> dict:
    out = {}
    for name, values in (headers or {}).items():
        if name.lower() in drop:
            continue
        values = values if isinstance(values, list) else [values]
        out[name] = changes.text(", ".join(str(v) for v in values))
    return out


def entry(interaction: dict, changes: Changes) -> dict:
    request, response = interaction["request"], interaction["response"]
    return {
        "RequestUri": changes.uri(request["uri"]),
        "RequestMethod": request["method"],
        "RequestHeaders": _headers(request.get("headers"), changes, CLI_REQUEST_HEADERS),
        "RequestBody": _body(request.get("body"), changes),
        "StatusCode": response["status"]["code"],
        "ResponseHeaders": _headers(response.get("headers"), changes),
        "ResponseBody": _body((response.get("body") or {}).get("string"), changes),
    }


def interaction_of(entry: dict) -> dict:
    """A test-proxy entry (the Azure SDKs' recordings: ``RequestUri``, ``ResponseBody``, ...) as a vcrpy interaction."""
    body = entry.get("ResponseBody")
    return {"request": {"uri": entry["RequestUri"], "method": entry["RequestMethod"],
                        "headers": entry.get("RequestHeaders"), "body": _text(entry.get("RequestBody"))},
            "response": {"status": {"code": entry["StatusCode"]}, "headers": entry.get("ResponseHeaders"),
                         "body": {"string": _text(body)}}}


def _text(body):
    """A body as a recording's text: JSON values dumped, text and None as they are."""
    return body if body is None or isinstance(body, str) else json.dumps(body)


def convert(recording: dict, indices: list[int], *, source: dict, covers: str, names: dict | None = None,
            api_version: str | None = None) -> dict:
    """The corpus case made of ``recording``'s interactions at ``indices`` (0-based, in that order)."""
    interactions = recording["interactions"]
    changes = Changes(names or {}, api_version)
    entries = []
    for i in indices:
        if i >= len(interactions) or not interactions[i]:
            raise ValueError(f"interaction {i} is not in the saved recording")
        entries.append(entry(interactions[i], changes))
    return {"source": {**source, "interactions": list(indices)}, "changed": changes.summary(), "covers": covers,
            "Entries": entries}


def convert_example(example: dict, request: str, status: str, *, source: dict, covers: str,
                    names: dict | None = None, api_version: str | None = None, headers: dict | None = None) -> dict:
    """A case of one exchange from an Azure REST API example (azure-rest-api-specs).

    ``request`` is the operation's method and path template from the spec, e.g. ``"GET /subscriptions/
    {subscriptionId}/…"``; its parameters and api-version come from the example. Examples hold no
    response headers: ``headers`` are those the spec declares for the answer, if any.
    """
    method, template = request.split(" ", 1)
    params = example["parameters"]
    path = template.format(**{k: v for k, v in params.items() if isinstance(v, str)})
    uri = f"https://management.azure.com{path}?api-version={params['api-version']}"
    body = next((v for v in params.values() if isinstance(v, dict)), None)
    response = example["responses"][status]
    changes = Changes(names or {}, api_version)
    entry_ = {
        "RequestUri": changes.uri(uri), "RequestMethod": method, "RequestHeaders": {},
        "RequestBody": _body(json.dumps(body), changes) if body else None, "StatusCode": int(status),
        "ResponseHeaders": {k: changes.text(v) for k, v in {**response.get("headers", {}), **(headers or {})}.items()},
        "ResponseBody": _body(json.dumps(response["body"]), changes) if "body" in response else None,
    }
    return {"source": {**source, "response": status}, "changed": changes.summary(), "covers": covers,
            "Entries": [entry_]}


def convert_quoted(quoted: dict, request: str, *, source: dict, covers: str, names: dict | None = None,
                   api_version: str | None = None) -> dict:
    """A case of one answer quoted whole in a public issue or pull request (``source`` names the thread).

    ``quoted`` holds what the thread quotes of the answer: its ``status`` and, as far as quoted, its ``headers``
    and ``body``; ``rebuilt`` says what was not quoted as sent (e.g. a body put back together from the code and
    message a client printed). Threads rarely quote the request: ``request`` ("METHOD https://management.azure.com/…")
    is the lab's call that meets this answer, and the case's ``changed`` says so.
    """
    method, uri = request.split(" ", 1)
    changes = Changes(names or {}, api_version)
    body = quoted.get("body")
    entry_ = {
        "RequestUri": changes.uri(uri), "RequestMethod": method, "RequestHeaders": {}, "RequestBody": None,
        "StatusCode": int(quoted["status"]), "ResponseHeaders": _headers(quoted.get("headers"), changes),
        "ResponseBody": _body(_text(body), changes),
    }
    changed = changes.summary()
    changed = ("" if changed == "nothing" else changed + "; ") + \
        "the request is the lab's (the thread quotes the answer)"
    changed += f"; {quoted['rebuilt']}" if quoted.get("rebuilt") else ""
    return {"source": source, "changed": changed, "covers": covers, "Entries": [entry_]}
