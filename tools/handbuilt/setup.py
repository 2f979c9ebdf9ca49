"""Recordings for notebook 00-setup: resource provider registration."""

from tools.handbuilt import SUB, azure_headers, entry, real, write

API = "2025-04-01"
NOTE = ("Not in the corpus: provider get and register (bodies typed from the Provider definition of the "
        "Microsoft.Resources 2025-04-01 REST API); their headers follow the corpus's Microsoft.Resources answer.")
HEADERS = azure_headers(real("resources/group_get")["ResponseHeaders"])


def provider(ns: str, state: str) -> dict:
    return {"id": f"{SUB}/providers/{ns}", "namespace": ns, "registrationState": state,
            "registrationPolicy": "RegistrationRequired",
            "resourceTypes": [{"resourceType": "locations", "locations": [], "apiVersions": [API]}]}


def build():
    entries = []
    # ContainerService and ContainerRegistry already registered; ContainerInstance needs registering.
    for ns in ("Microsoft.ContainerService", "Microsoft.ContainerRegistry"):
        entries.append(entry("GET", f"{SUB}/providers/{ns}?api-version={API}", 200, provider(ns, "Registered"),
                             headers=HEADERS))
    ns = "Microsoft.ContainerInstance"
    entries += [
        entry("GET", f"{SUB}/providers/{ns}?api-version={API}", 200, provider(ns, "NotRegistered")),
        entry("POST", f"{SUB}/providers/{ns}/register?api-version={API}", 200, provider(ns, "Registering")),
        entry("GET", f"{SUB}/providers/{ns}?api-version={API}", 200, provider(ns, "Registering")),
        entry("GET", f"{SUB}/providers/{ns}?api-version={API}", 200, provider(ns, "Registered")),
    ]
    for answer in entries:
        answer["ResponseHeaders"] = HEADERS
    write("00-setup", "register_providers", entries, follows=["resources/group_get"], note=NOTE)
