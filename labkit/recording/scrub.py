"""Scrubbers: what a recording may keep before it is written, and the scan that proves nothing secret is left.

Headers are kept by allow-list (what replay and labkit read), never by a list of what to drop. Every kept
value, URI, body and boundary result is scrubbed by what its values look like (:mod:`labkit.recording.secrets`);
real GUIDs become numbered placeholders.

:func:`find_leaks` runs labkit's own rules (which know Azure's shapes: SAS ``sig=``, ``AccountKey=``, URI
credentials, ``x-ms-authorization-auxiliary``, e-mail addresses and UPNs, base64 ``user:password``) and, on top,
the detect-secrets scanner (keyword, base64 entropy, JWT, private key, Azure storage key and vendor token
plugins), offline and in-process. Two of its plugins are left out: hex entropy flags every image digest and
git commit a recording holds, and public IP addresses are not secrets. A base64 entropy hit that decodes to
text is not counted itself: the decoded text is scanned instead (a kubeconfig, a docker ``auth``); nor is one
shaped like a Kubernetes or Azure name (lower case, digits, hyphens), which a generated pod name trips.
"""

from __future__ import annotations

import re

from labkit.recording.secrets import REDACTED, decode_base64_text, leak_kinds, scrub_text, scrub_uri, scrub_value

SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
TENANT = "11111111-1111-1111-1111-111111111111"

# Headers a recording keeps (names compared without case); any other header is dropped.
KEEP_REQUEST_HEADERS = {"content-type", "accept", "if-match", "if-none-match"}
KEEP_RESPONSE_HEADERS = {
    "content-type",
    "location",
    "azure-asyncoperation",
    "operation-location",
    "retry-after",
    "etag",
    "docker-content-digest",
    "docker-distribution-api-version",
    "www-authenticate",
    "link",
    "range",
    "x-ms-failure-cause",
}
KEEP_RESPONSE_PREFIXES = ("x-ms-ratelimit-",)

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

# Certificate-, key- and token-like strings (labkit.kube redacts any string one of these finds).
LEAKS = {
    "JWT": re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    "PEM block": re.compile(r"-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)"),
    "kubeconfig credential": re.compile(r"client-(key|certificate)-data:\s*[A-Za-z0-9+/=]{16,}"),
    "password value": re.compile(r'"(password|adminPassword|secureValue)"\s*:\s*"(?!REDACTED")[^"]+"'),
    "bearer token": re.compile(r"Bearer\s+(?!REDACTED)[A-Za-z0-9._-]{20,}"),
    "SAS signature": re.compile(r"[?&]sig=(?!REDACTED)[^&\s\"']+", re.I),
    "storage account key": re.compile(r"AccountKey=(?!REDACTED)[^;\s\"']+|(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}=="),
}
DETECT_SECRETS_LEFT_OUT = {"HexHighEntropyString", "IPPublicDetector"}
DNS_NAME = re.compile(r"[a-z0-9-]+")  # a pod or resource name (konnectivity-agent-6ff7cb8d4d-lpsw2), not a key


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


def keep_headers(headers: dict, keep: set, prefixes: tuple = ()) -> dict:
    """The allow-listed headers (names as sent), each value scrubbed by what it looks like.

    A URL (Location, Azure-AsyncOperation) is scrubbed as the request URI it becomes, so replay matches it.
    """
    return {
        name: (scrub_uri if str(value).startswith(("https://", "http://")) else scrub_text)(str(value))
        for name, value in headers.items()
        if name.lower() in keep or name.lower().startswith(prefixes)
    }


def scrub_body(value):
    """A JSON value with secrets replaced; an AKS ``kubeconfigs`` list becomes a synthetic kubeconfig."""
    return scrub_value(_synthetic_kubeconfigs(value))


def _synthetic_kubeconfigs(value):
    if isinstance(value, dict):
        return {
            key: [{**k, "value": _synthetic_kubeconfig_b64(k)} if isinstance(k, dict) else REDACTED for k in item]
            if key.lower() == "kubeconfigs" and isinstance(item, list)
            else _synthetic_kubeconfigs(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_synthetic_kubeconfigs(item) for item in value]
    return value


def _synthetic_kubeconfig_b64(entry: dict) -> str:
    import base64

    name = entry.get("name", "clusterUser")
    text = SYNTHETIC_KUBECONFIG.format(server="aks-cluster.hcp.eastus.azmk8s.io", name=name)
    return base64.b64encode(text.encode()).decode()


def find_leaks(text: str) -> list[str]:
    """Names of the kinds of secret found in ``text``, with a real-looking GUID counted as one."""
    found = leak_kinds(text)
    found += [kind for kind in detect_secrets_kinds(text) if kind not in found]
    if any(not PLACEHOLDER_GUID.fullmatch(g.lower()) for g in GUID.findall(text)):
        found.append("real-looking GUID (subscription, tenant or principal id)")
    return found


def detect_secrets_kinds(text: str) -> list[str]:
    """What the detect-secrets plugins find in ``text`` (placeholders and base64 of plain text excepted)."""
    import os
    import tempfile

    from detect_secrets import SecretsCollection
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
    from detect_secrets.settings import Settings, transient_settings

    plugins = [
        {"name": cls.__name__}
        for cls in get_mapping_from_secret_type_to_class().values()
        if cls.__name__ not in DETECT_SECRETS_LEFT_OUT
    ]
    placeholders = {
        "path": "detect_secrets.filters.regex.should_exclude_secret",
        "pattern": [rf"^{REDACTED}$", r"^learner@example\.com$"],
    }
    handle, path = tempfile.mkstemp(suffix=".txt", prefix="labkit-scan-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        heuristics = [{"path": path} for path in Settings().filters]  # its own false-positive filters
        with transient_settings({"plugins_used": plugins, "filters_used": [*heuristics, placeholders]}):
            secrets = SecretsCollection()
            secrets.scan_file(path)
            found = [s for _, s in secrets]
    finally:
        os.unlink(path)
    kinds = []
    for secret in found:
        value = secret.secret_value or ""
        if secret.type == "Base64 High Entropy String" and (
            decode_base64_text(value) is not None or DNS_NAME.fullmatch(value)
        ):
            continue
        if f"detect-secrets: {secret.type}" not in kinds:
            kinds.append(f"detect-secrets: {secret.type}")
    return kinds
