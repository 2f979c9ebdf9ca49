"""Invariants that real Azure traffic satisfies, learned from the corpus and the pinned SDK, for any recording.

Nothing here is a hand-typed constant about Azure: the api-versions come from the installed SDK clients,
the header shapes from what the corpus cases (real captured traffic) show.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import parse_qs, urlsplit

GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
ARM_ID = re.compile(rf"^/subscriptions/{GUID}(/resourceGroups/[^/]+)?"
                    r"(/providers/[A-Za-z]+\.[A-Za-z.]+(/[^/]+/[^/]+)*)?$", re.IGNORECASE)
OPERATION = re.compile(r"/(operations|operationstatuses|operationresults)/", re.IGNORECASE)
# Retry-After is not among them: the Azure CLI's test recorder drops it from every answer it records (and
# lower-cases header names), so the corpus cannot say where Azure sends it.
LRO_HEADERS = ("azure-asyncoperation", "location")
SIGNATURE = {"t", "c", "s", "h"}
REGISTER = re.compile(r"/providers/[A-Za-z.]+/register$", re.IGNORECASE)


PACKAGES = {"Microsoft.ContainerService": "azure.mgmt.containerservice",  # resource provider -> SDK package
            "Microsoft.ContainerRegistry": "azure.mgmt.containerregistry",
            "Microsoft.ContainerInstance": "azure.mgmt.containerinstance",
            "Microsoft.Compute": "azure.mgmt.compute", "Microsoft.Authorization": "azure.mgmt.authorization",
            "": "azure.mgmt.resource.resources"}


@cache
def pinned_api_versions(namespace: str) -> frozenset:
    """The api-versions the installed (pinned) SDK package for ``namespace`` sends: its client's one, or, for a
    package whose operations (or api-version folders) each carry their own, every default written in them."""
    import importlib
    from pathlib import Path

    package = importlib.import_module(PACKAGES[namespace])
    client_class = next(getattr(package, name) for name in package.__all__ if name.endswith("Client"))
    version = getattr(client_class(credential=object(), subscription_id="0")._config, "api_version", None)
    if version:
        return frozenset({version})
    profile = getattr(client_class, "LATEST_PROFILE", None)  # a multi-api client (authorization): its default
    if profile is not None:
        return frozenset({profile.get_profile_dict()[f"{PACKAGES[namespace]}.{client_class.__name__}"][None]})
    sources = Path(package.__file__).parent.glob("**/operations/*.py")  # multi-api packages: every version in it
    return frozenset(v for path in sources for v in re.findall(r'pop\("api-version", "([0-9a-z-]+)"\)',
                                                                path.read_text(encoding="utf-8")))


@cache
def registration_api_version() -> str:
    """The api-version azure-mgmt-core's automatic resource provider registration sends (read from its source)."""
    import inspect

    from azure.mgmt.core.policies import _base

    return re.search(r"register\?api-version=([0-9a-z-]+)", inspect.getsource(_base)).group(1)


def wanted_api_versions(uri: str) -> frozenset:
    """The api-versions a request to ``uri`` goes out with: the pinned SDK's; a provider registration also
    azure-mgmt-core's (the SDK registers a provider by itself when Azure answers MissingSubscriptionRegistration)."""
    if REGISTER.search(urlsplit(uri).path):
        return pinned_api_versions(namespace(uri)) | {registration_api_version()}
    return pinned_api_versions(namespace(uri))


def headers_of(entry: dict) -> dict:
    return {k.lower(): v for k, v in entry["ResponseHeaders"].items()}


def namespace(uri: str) -> str:
    """The resource provider a request goes to: '' for resource groups, resources and provider registration."""
    parts = urlsplit(uri).path.split("/providers/", 1)
    if len(parts) < 2:
        return ""
    rest = parts[1].split("/")
    return rest[0] if len(rest) > 1 and rest[1].lower() != "register" else ""


def kind(entry: dict) -> tuple:
    """What a request is, for comparing a recording with real traffic: method, provider, resource type
    (the path with names dropped), whether it polls an operation, and the status of the answer."""
    path = urlsplit(entry["RequestUri"]).path
    after = path.split("/providers/", 1)[1].split("/") if "/providers/" in path else []
    types = "/".join(after[0:1] + after[1::2]).lower()
    return entry["RequestMethod"], types, bool(OPERATION.search(path)), entry["StatusCode"]


def arm_id_problems(value, where: str = "") -> list[str]:
    """Every ``id`` in a body that starts like an ARM id must have an ARM id's shape."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "id" and isinstance(item, str) and item.lower().startswith("/subscriptions/") \
                    and not ARM_ID.match(item):
                found.append(f"{where}: malformed ARM id {item}")
            found += arm_id_problems(item, where)
    elif isinstance(value, list):
        for item in value:
            found += arm_id_problems(item, where)
    return found


def entry_problems(entry: dict, real: dict) -> list[str]:
    """What in one recorded exchange real traffic would not do. ``real`` is :func:`learn` of the corpus."""
    uri, found = entry["RequestUri"], []
    query = parse_qs(urlsplit(uri).query)
    where = f"{entry['RequestMethod']} {uri.split('?')[0]}"
    if not OPERATION.search(urlsplit(uri).path):
        wanted = wanted_api_versions(uri)
        if query.get("api-version", [""])[0] not in wanted:
            found.append(f"{where}: api-version {query.get('api-version')} is not the pinned SDK's {sorted(wanted)}")
    for name in ("azure-asyncoperation", "location"):
        url = headers_of(entry).get(name)
        if url and OPERATION.search(urlsplit(url).path):
            q = parse_qs(urlsplit(url).query)
            if "api-version" not in q:
                found.append(f"{where}: {name} URL has no api-version of its own")
            if SIGNATURE & set(q) and not SIGNATURE <= set(q):
                found.append(f"{where}: {name} URL has part of a signature ({sorted(SIGNATURE & set(q))})")
    seen = real.get(kind(entry))
    if seen is not None:
        sent = {h for h in LRO_HEADERS if h in headers_of(entry)}
        if sent not in seen:
            found.append(f"{where} → {entry['StatusCode']}: LRO headers {sorted(sent)}, but Azure sends "
                         f"{' or '.join(str(sorted(s)) for s in seen)}")
    return found + arm_id_problems(entry.get("ResponseBody"), where)


def learn(cases) -> dict:
    """From corpus cases: for each kind of exchange, the sets of LRO headers Azure sent with it."""
    real: dict = {}
    for case in cases:
        for entry in case["Entries"]:
            real.setdefault(kind(entry), []).append({h for h in LRO_HEADERS if h in headers_of(entry)})
    return real
