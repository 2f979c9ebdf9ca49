"""Recordings for notebook 00-setup: resource provider registration."""

from tools.handbuilt import SUB, entry, write

API = "2025-04-01"
EXAMPLES = ["Azure/azure-rest-api-specs specification/resources/resource-manager/Microsoft.Resources/"
            "resources/stable/2025-04-01 (Providers_Get, Providers_Register: Provider shape)"]


def provider(ns: str, state: str) -> dict:
    return {"id": f"{SUB}/providers/{ns}", "namespace": ns, "registrationState": state,
            "registrationPolicy": "RegistrationRequired",
            "resourceTypes": [{"resourceType": "locations", "locations": [], "apiVersions": [API]}]}


def build():
    entries = []
    # ContainerService and ContainerRegistry already registered; ContainerInstance needs registering.
    for ns in ("Microsoft.ContainerService", "Microsoft.ContainerRegistry"):
        entries.append(entry("GET", f"{SUB}/providers/{ns}?api-version={API}", 200, provider(ns, "Registered")))
    ns = "Microsoft.ContainerInstance"
    entries += [
        entry("GET", f"{SUB}/providers/{ns}?api-version={API}", 200, provider(ns, "NotRegistered")),
        entry("POST", f"{SUB}/providers/{ns}/register?api-version={API}", 200, provider(ns, "Registering")),
        entry("GET", f"{SUB}/providers/{ns}?api-version={API}", 200, provider(ns, "Registering")),
        entry("GET", f"{SUB}/providers/{ns}?api-version={API}", 200, provider(ns, "Registered")),
    ]
    write("00-setup", "register_providers", entries, examples=EXAMPLES)
