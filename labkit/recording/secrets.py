"""What a secret looks like, wherever it is: rules that recognise a secret by its shape, and scrubbers built on them.

A value is scrubbed for what it is, not for the name of the key that holds it: the same rules run over header
values, URIs (each query value also percent-decoded), JSON bodies, JSON nested inside strings, text and YAML
bodies, base64 text (a docker ``auth``, an ``X-Registry-Auth``, a kubeconfig) and the results recorded at
labkit's boundary (app logs included). Key names add to the rules (``{"password": ...}``), never replace them.
The same rules say what a leak is (see :func:`leak_kinds`): a leak is anything a rule would still change.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, unquote, unquote_plus, urlsplit, urlunsplit

REDACTED = "REDACTED"
LEARNER_EMAIL = "learner@example.com"
# Documentation domains (example.com, example.edu, *.example, *.invalid, *.test): placeholders, not people.
EXAMPLE_DOMAINS = re.compile(r"(?:^|\.)(example\.[a-z]{2,}|[a-z0-9-]+\.(?:example|invalid|test))$", re.I)

# Key names whose string value is a credential, compared without case, "-" or "_".
SECRET_KEY_NAMES = {
    "password",
    "passwd",
    "pwd",
    "adminpassword",
    "secret",
    "clientsecret",
    "token",
    "accesstoken",
    "refreshtoken",
    "identitytoken",
    "registrytoken",
    "auth",
    "authorization",
    "proxyauthorization",
    "xmsauthorizationauxiliary",
    "cookie",
    "setcookie",
    "securevalue",
    "keydata",
    "privatekey",
    "clientkeydata",
    "clientcertificatedata",
    "accountkey",
    "sharedaccesskey",
    "sharedaccesssignature",
    "primarykey",
    "secondarykey",
    "connectionstring",
    "apikey",
    "sig",
    "xregistryauth",
}
# Code that names a secret holds none: `password: str)` in a signature the workbook shows (issue: "show the code").
CODE_WORDS = r"|(?:str|bytes|None)[),\s]"
# A {"name": ..., "value": ...} item whose name says the value is a credential (ACR passwords, storage keys).
SECRET_ITEM_NAME = re.compile(r"password|secret|token|^key\d*$|primary|secondary", re.I)
TEXT_KEYS = "|".join(
    sorted(
        [
            "password",
            "passwd",
            "pwd",
            "secret",
            r"client[_-]?secret",
            "token",
            r"access[_-]?token",
            r"refresh[_-]?token",
            r"identity[_-]?token",
            r"api[_-]?key",
            "client-key-data",
            "client-certificate-data",
            "auth",
            "x-ms-authorization-auxiliary",
            "proxy-authorization",
            "authorization",
            "x-registry-auth",
            r"secure[_-]?value",
        ],
        key=len,
        reverse=True,
    )
)


def normal_key(key: str) -> str:
    return re.sub(r"[-_\s]", "", str(key)).lower()


def is_secret_key(key: str) -> bool:
    return normal_key(key) in SECRET_KEY_NAMES


@dataclass(frozen=True)
class Rule:
    """One kind of secret: ``pattern`` finds it in text, ``replace`` gives what the match becomes."""

    kind: str
    pattern: re.Pattern
    replace: str | Callable[[re.Match[str]], str]  # str template for re.sub, or a function of the match

    def sub(self, text: str) -> str:
        return self.pattern.sub(self.replace, text)

    def leaks(self, text: str) -> bool:
        """A match that scrubbing would change (a placeholder such as REDACTED is not a leak)."""
        for match in self.pattern.finditer(text):
            new = self.replace(match) if callable(self.replace) else match.expand(self.replace)
            if new != match.group(0):
                return True
        return False


def _auth_scheme(match: re.Match) -> str:
    scheme, token = match.groups()
    if scheme == "Basic":
        secret = ":" in (decode_base64_text(token) or "")  # user:password; not "--sku Basic tier"
    else:
        secret = token != REDACTED and not re.fullmatch(r"[a-z-]+", token)  # not prose
    return f"{scheme} {REDACTED}" if secret else match.group(0)


def _email(match: re.Match) -> str:
    if EXAMPLE_DOMAINS.search(match.group(3)) or match.group(1) == REDACTED:  # REDACTED@host: a URI's userinfo
        return match.group(0)
    return LEARNER_EMAIL.replace("@", match.group(2))


RULES = [
    Rule(
        "PEM block",
        re.compile(
            r"-----BEGIN [A-Z0-9 ]*(?:PRIVATE KEY|CERTIFICATE)-----"
            r"(?:.*?-----END [A-Z0-9 ]*-----|.*)",
            re.S,
        ),
        REDACTED,
    ),
    Rule("JWT", re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"), REDACTED),
    Rule(
        "URI credentials",
        re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)([^/\s:@\"'<>]+):([^/\s@\"'<>]+)@"),
        lambda m: m.group(0) if m.group(2) == m.group(3) == REDACTED else f"{m.group(1)}{REDACTED}:{REDACTED}@",
    ),
    Rule(
        "SAS signature", re.compile(r"([?&;]sig=)(?!REDACTED(?:[&#\s\"';\\]|$))[^&#\s\"';\\]+", re.I), rf"\1{REDACTED}"
    ),
    Rule(
        "connection string key",
        re.compile(
            r"\b(AccountKey|SharedAccessKey|SharedAccessSignature|SharedSecret|Password|Pwd)="
            r"(?!REDACTED(?:[;&\s\"'\\]|$)|\1[),\s])[^;&\s\"'\\]+",
            re.I,
        ),
        rf"\1={REDACTED}",
    ),
    # password=..., token=... (query strings, forms, logs, env files): "=" with no space, as code has around it
    Rule(
        "secret given as key=value",
        re.compile(
            rf"(?<![A-Za-z0-9_-])({TEXT_KEYS})(=)((?:Bearer|Basic)\s+)?"
            rf"(?!REDACTED(?:[\s\"',;&}}\\]|$)|(?:Bearer|Basic)\s|\1[),\s]{CODE_WORDS})([^\s\"',;&}}\\]+)",
            re.I,
        ),
        rf"\1\2\3{REDACTED}",
    ),
    # password: ..., "token": "..." (YAML, JSON fragments, header dumps): a key at a line's or a value's start,
    # or quoted; not a word in a sentence ("refused the user name or password: Get ...")
    Rule(
        "secret given as key: value",
        re.compile(
            rf"((?:^|[\n{{,\[=?&;])[ \t-]*\\?[\"']?|\\?[\"'])({TEXT_KEYS})"
            rf"(\\?[\"']?\s*:\s*\\?[\"']?)((?:Bearer|Basic)\s+)?"
            rf"(?!REDACTED(?:[\s\"',;&}}\\]|$)|(?:Bearer|Basic)\s{CODE_WORDS})([^\s\"',;&}}\\]+)",
            re.I,
        ),
        rf"\1\2\3\4{REDACTED}",
    ),
    Rule(
        "authorization token",
        re.compile(r"\b(Bearer|Basic|Digest)\s+([A-Za-z0-9._~+/][A-Za-z0-9._~+/=-]{7,})"),
        _auth_scheme,
    ),
    Rule("storage account key", re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}==(?![A-Za-z0-9+/=])"), REDACTED),
    Rule(
        "e-mail address or UPN",
        re.compile(
            r"([A-Za-z0-9._%+#'-]+)(@|%40)((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})"
            r"(?![A-Za-z0-9-])"
        ),
        _email,
    ),
]

BASE64_WORD = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{12,}={0,2}(?![A-Za-z0-9+/=_-])")
BASIC_CREDENTIAL = re.compile(r"[^\s:]{1,256}:\S{1,512}")


def scrub_text(text: str, depth: int = 0) -> str:
    """``text`` with every secret replaced: by the rules, inside nested JSON, and inside base64 text."""
    if depth > 3 or not text:
        return text
    nested = _nested_json(text)
    if nested is not None:
        clean = scrub_value(nested, depth + 1)
        return text if clean == nested else json.dumps(clean, ensure_ascii=False)
    for rule in RULES:
        text = rule.sub(text)
    return BASE64_WORD.sub(lambda m: _scrub_base64(m.group(0), depth), text)


def _nested_json(text: str):
    stripped = text.strip()
    if stripped[:1] not in ("{", "[") or stripped[-1:] not in ("}", "]"):
        return None
    try:
        return json.loads(stripped)
    except ValueError:
        return None


def decode_base64_text(word: str) -> str | None:
    """The text a base64 (or base64url) word encodes, or None when it is not base64 of printable text."""
    padded = word + "=" * (-len(word) % 4)
    try:
        data = (base64.urlsafe_b64decode if ("-" in word or "_" in word) else base64.b64decode)(padded)
        text = data.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    printable = sum(c.isprintable() or c in "\n\r\t" for c in text)
    return text if text and printable == len(text) else None


def _scrub_base64(word: str, depth: int) -> str:
    text = decode_base64_text(word)
    if text is None:
        return word
    if BASIC_CREDENTIAL.fullmatch(text) and not text.startswith(("http:", "https:")):
        return REDACTED  # user:password, as in a docker "auth" or an HTTP Basic header
    clean = scrub_text(text, depth + 1)
    if clean == text:
        return word
    encode = base64.urlsafe_b64encode if ("-" in word or "_" in word) else base64.b64encode
    encoded = encode(clean.encode("utf-8")).decode()
    return encoded if word.endswith("=") else encoded.rstrip("=")


def scrub_value(value, depth: int = 0):
    """A JSON value with every secret replaced, by key name and by what each string looks like."""
    if isinstance(value, dict):
        item_is_secret = (
            any(k in value for k in ("name", "keyName"))
            and "value" in value
            and SECRET_ITEM_NAME.search(str(value.get("name", value.get("keyName", ""))))
        )
        out = {}
        for key, item in value.items():
            if isinstance(item, str) and item and (is_secret_key(key) or item_is_secret and key == "value"):
                out[key] = REDACTED
            else:
                out[key] = scrub_value(item, depth)
        return out
    if isinstance(value, list):
        return [scrub_value(item, depth) for item in value]
    if isinstance(value, str):
        return scrub_text(value, depth)
    return value


def scrub_uri(uri: str) -> str:
    """A URI with credentials, signatures, e-mail addresses and secret query values replaced."""
    uri = scrub_text(uri)
    parts = urlsplit(uri)
    if not parts.query:
        return uri
    query = "&".join(_scrub_query_item(item) for item in parts.query.split("&"))
    return urlunsplit(parts._replace(query=query))


def _scrub_query_item(item: str) -> str:
    key, eq, value = item.partition("=")
    if not value:
        return item
    if is_secret_key(unquote(key)):
        return f"{key}={REDACTED}" if value != REDACTED else item
    plain = unquote(value.replace("+", "%20"))
    clean = scrub_text(plain)
    return item if clean == plain else f"{key}={quote(clean, safe='')}"


def views(text: str) -> list[str]:
    """``text`` as a leak hides in it: as is, percent-decoded, JSON-unescaped, and the base64 text it holds."""
    seen = [text]
    for view in (unquote(text), unquote_plus(text), text.replace('\\"', '"').replace("\\n", "\n").replace("\\/", "/")):
        if view not in seen:
            seen.append(view)
    for view in list(seen):
        for word in BASE64_WORD.findall(view):
            decoded = decode_base64_text(word)
            if decoded is not None and decoded not in seen:
                seen.append(decoded)
    return seen


def leak_kinds(text: str) -> list[str]:
    """The kinds of secret still in ``text``: anything a rule would change, also in nested and encoded forms."""
    found = []
    for view in views(text):
        for rule in RULES:
            if rule.kind not in found and rule.leaks(view):
                found.append(rule.kind)
        if "base64 user:password" not in found and any(
            BASIC_CREDENTIAL.fullmatch(d) and not d.startswith(("http:", "https:"))
            for d in map(decode_base64_text, BASE64_WORD.findall(view))
            if d
        ):
            found.append("base64 user:password")
    return found
