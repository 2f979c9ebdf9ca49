"""Scrubbers: what is removed from a recording before it is written, and the scan that proves it.

The lists follow ``shared/notes/record-replay.md``: secret headers, subscription and tenant ids,
other GUIDs, passwords, tokens, keys and kubeconfig credentials.
"""

from __future__ import annotations

import re

SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
TENANT = "11111111-1111-1111-1111-111111111111"
REDACTED = "REDACTED"

DROP_REQUEST_HEADERS = {"authorization", "cookie", "x-ms-client-request-id", "user-agent", "traceparent",
                        "x-registry-auth", "content-length", "accept-encoding", "connection"}
DROP_RESPONSE_HEADERS = {"set-cookie", "x-ms-request-id", "x-ms-correlation-request-id", "x-ms-routing-request-id",
                         "content-encoding", "content-length", "transfer-encoding", "date", "x-ms-client-request-id",
                         "strict-transport-security", "x-cache", "x-msedge-ref", "x-ms-operation-identifier"}
SECRET_KEYS = {"password", "adminpassword", "accesstoken", "refreshtoken", "securevalue", "keydata",
               "privatekey", "clientsecret", "secret", "token"}

GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
PLACEHOLDER_GUID = re.compile(r"0{8}-0{4}-0{4}-0{4}-[0-9a-f]{12}|([0-9a-f])\1{7}-\1{4}-\1{4}-\1{4}-\1{12}")

SYNTHETIC_KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://{server}:443
  name: {name}
contexts:
- context:
    cluster: {name}
    user: clusterUser_{name}
  name: {name}
current-context: {name}
users:
- name: clusterUser_{name}
  user:
    token: REDACTED
"""

# What a leak looks like: a JWT, a PEM block, a base64 client certificate or key in a kubeconfig.
LEAKS = {
    "JWT": re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    "PEM block": re.compile(r"-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)"),
    "kubeconfig credential": re.compile(r"client-(key|certificate)-data:\s*[A-Za-z0-9+/=]{16,}"),
    "password value": re.compile(r'"(password|adminPassword|secureValue)"\s*:\s*"(?!REDACTED")[^"]+"'),
    "bearer token": re.compile(r"Bearer\s+(?!REDACTED)[A-Za-z0-9._-]{20,}"),
}


class GuidMap:
    """Replaces real GUIDs with numbered placeholders, the same GUID always with the same one."""

    def __init__(self, known: dict | None = None):
        self.known = {k.lower(): v for k, v in (known or {}).items()}

    def __call__(self, text: str) -> str:
        return GUID.sub(self._replace, text)

    def _replace(self, match: re.Match) -> str:
        guid = match.group(0).lower()
        if PLACEHOLDER_GUID.fullmatch(guid):
            return guid
        if guid not in self.known:
            self.known[guid] = f"00000000-0000-0000-0000-{len(self.known) + 1:012d}"
        return self.known[guid]


def scrub_headers(headers: dict, drop: set) -> dict:
    """Headers without the ones that identify a caller or carry a secret."""
    return {k: v for k, v in headers.items() if k.lower() not in drop}


def scrub_body(value, server_of_kubeconfig: str = "cluster.example"):
    """A JSON value with secrets replaced: passwords, tokens, keys, kubeconfigs."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            lower = key.lower()
            if lower in SECRET_KEYS and isinstance(item, str):
                out[key] = REDACTED
            elif lower == "passwords" and isinstance(item, list):
                out[key] = [{**p, "value": REDACTED} if isinstance(p, dict) else REDACTED for p in item]
            elif lower == "kubeconfigs" and isinstance(item, list):
                out[key] = [{**k, "value": _synthetic_kubeconfig_b64(k)} for k in item]
            else:
                out[key] = scrub_body(item, server_of_kubeconfig)
        return out
    if isinstance(value, list):
        return [scrub_body(item, server_of_kubeconfig) for item in value]
    return value


def _synthetic_kubeconfig_b64(entry: dict) -> str:
    import base64

    name = entry.get("name", "clusterUser")
    text = SYNTHETIC_KUBECONFIG.format(server="aks-cluster.hcp.eastus.azmk8s.io", name=name)
    return base64.b64encode(text.encode()).decode()


def find_leaks(text: str) -> list[str]:
    """Names of the kinds of secret found in ``text``, with a real-looking GUID counted as one."""
    found = [kind for kind, pattern in LEAKS.items() if pattern.search(text)]
    if any(not PLACEHOLDER_GUID.fullmatch(g.lower()) for g in GUID.findall(text)):
        found.append("real-looking GUID (subscription, tenant or principal id)")
    return found
