"""LabConfig: the lab's settings and every Azure name derived from them (notebook 00-setup).

Values come from the notebook's ``parameters`` cell (papermill injects there), then the
environment (``LABKIT_MODE``, ``LABKIT_REGION``, ``LABKIT_PREFIX``, ``LABKIT_OWNER``,
``LABKIT_SUFFIX``), then defaults. Every name is checked against Azure's rules here, before
any Azure call.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import string
from dataclasses import dataclass, field
from pathlib import Path

from labkit.errors import ConfigError

MODES = ("replay", "live", "record")
APP_REPOSITORY, APP_TAG = "aks-workbook-app", "v1"  # the sample app of notebooks/app/
COURSE_TAG = "aks-workbook"

# Public Azure regions that offer AKS, ACR and ACI (checked November 2026).
REGIONS = frozenset("""
australiacentral australiaeast australiasoutheast austriaeast belgiumcentral brazilsouth canadacentral
canadaeast centralindia centralus chilecentral eastasia eastus eastus2 francecentral germanywestcentral
indonesiacentral israelcentral italynorth japaneast japanwest koreacentral koreasouth malaysiawest
mexicocentral newzealandnorth northcentralus northeurope norwayeast polandcentral qatarcentral
southafricanorth southcentralus southeastasia southindia spaincentral swedencentral switzerlandnorth
uaenorth uksouth ukwest westcentralus westeurope westus westus2 westus3
""".split())

# (pattern, rule in words, a valid example) for each kind of name.
RULES = {
    "prefix": (r"[a-z][a-z0-9]{1,11}", "2–12 lowercase letters or digits, starting with a letter", "alice"),
    "suffix": (r"[a-z0-9]{4}", "exactly 4 lowercase letters or digits", "k7q2"),
    "resource group": (r"[-\w.()]{0,89}[-\w()]", "1–90 letters, digits, '-', '_', '.', '(', ')'; not ending in '.'",
                       "rg-alice-k7q2"),
    "AKS cluster": (r"[a-zA-Z0-9]([-_a-zA-Z0-9]{0,61}[a-zA-Z0-9])?",
                    "1–63 letters, digits, '-' or '_', starting and ending with a letter or digit", "aks-alice-k7q2"),
    "AKS DNS prefix": (r"[a-zA-Z0-9]([-a-zA-Z0-9]{0,52}[a-zA-Z0-9])?",
                       "1–54 letters, digits or '-', starting and ending with a letter or digit", "aks-alice-k7q2"),
    "ACR registry": (r"[a-zA-Z0-9]{5,50}", "5–50 letters or digits, no hyphens, unique across Azure",
                     "acralicek7q2"),
    "ACI container group": (r"[a-z0-9](?!.*--)[-a-z0-9]{0,61}[a-z0-9]",
                            "2–63 lowercase letters, digits or single '-', not at either end", "aci-alice-k7q2"),
    "ACI DNS label": (r"[a-z][a-z0-9-]{1,61}[a-z0-9]",
                      "3–63 lowercase letters, digits or '-', starting with a letter, ending with a letter or digit",
                      "alice-k7q2-app"),
}


def check_name(kind: str, value: str) -> str:
    """Return ``value`` if it follows Azure's rule for ``kind``; otherwise raise ConfigError."""
    pattern, rule, example = RULES[kind]
    if not isinstance(value, str) or not re.fullmatch(pattern, value):
        raise ConfigError(f"{value!r} is not a valid {kind} name: it must be {rule}.",
                          f"use a name like {example!r}.")
    return value


def check_region(region: str) -> str:
    """Return the region if Azure knows it (names like 'eastus', not 'East US')."""
    normal = region.replace(" ", "").lower() if isinstance(region, str) else region
    if normal not in REGIONS:
        near = sorted(r for r in REGIONS if isinstance(normal, str) and r.startswith(normal[:4]))[:4]
        raise ConfigError(f"{region!r} is not an Azure region this lab knows.",
                          f"set region to one of {near or ['eastus', 'westeurope', 'uksouth']} "
                          "(the list is `az account list-locations -o table`).")
    return normal


def new_suffix() -> str:
    """Four random characters that keep a learner's names apart from a whole class's."""
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(4))


def lab_home() -> Path:
    """Where the lab keeps local state (suffix, kubeconfig): ``LABKIT_HOME`` or ``~/.labkit``."""
    return Path(os.environ.get("LABKIT_HOME") or Path.home() / ".labkit")


def remembered_suffix(prefix: str) -> str:
    """The suffix this learner got the first time, so every notebook uses the same names."""
    path = lab_home() / "learner.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    if prefix not in known:
        known[prefix] = new_suffix()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(known, indent=2))
    return known[prefix]


@dataclass(frozen=True)
class LabConfig:
    """The lab's settings. Build it with :meth:`resolve`; the names are properties."""

    mode: str = "replay"
    region: str = "eastus"
    prefix: str = "student"
    suffix: str = "k7q2"
    owner: str = "student"
    vm_size: str = "Standard_B2s"
    days: int = 1
    today: dt.date = field(default_factory=dt.date.today)

    def __post_init__(self):
        if self.mode not in MODES:
            raise ConfigError(f"LABKIT_MODE={self.mode!r} is not a mode.",
                              "use replay (no account needed), live or record.")
        object.__setattr__(self, "region", check_region(self.region))
        check_name("prefix", self.prefix)
        check_name("suffix", self.suffix)
        for kind, name in self.names().items():
            check_name(kind, name)
        if not re.fullmatch(r"Standard_[A-Za-z0-9_]+", self.vm_size):
            raise ConfigError(f"{self.vm_size!r} is not a VM size name.", "use a size like 'Standard_B2s'.")

    @classmethod
    def resolve(cls, *, recorded: dict | None = None, **params) -> "LabConfig":
        """Settings from ``params`` (None means unset), then ``LABKIT_*`` variables, then defaults.

        In replay mode, names the learner did not choose are the recorded lab's (``recorded``).
        """
        def pick(key, default=None):
            value = params.get(key)
            if value is None:
                value = os.environ.get(f"LABKIT_{key.upper()}")
            return default if value in (None, "") else value

        mode = pick("mode", "replay")
        base = dict(recorded or {}) if mode == "replay" else {}
        prefix = pick("prefix", base.get("prefix", "student"))
        if mode == "replay" and prefix == base.get("prefix"):
            suffix = pick("suffix", base.get("suffix"))
        else:
            suffix = pick("suffix") or remembered_suffix(prefix)
        return cls(mode=mode, region=pick("region", base.get("region", "eastus")), prefix=prefix, suffix=suffix,
                   owner=pick("owner", prefix), vm_size=pick("vm_size", "Standard_B2s"), days=int(pick("days", 1)))

    @property
    def resource_group(self) -> str:
        return f"rg-{self.prefix}-{self.suffix}"

    @property
    def cluster_name(self) -> str:
        return f"aks-{self.prefix}-{self.suffix}"

    @property
    def dns_prefix(self) -> str:
        return self.cluster_name

    @property
    def registry_name(self) -> str:
        return f"acr{self.prefix}{self.suffix}"

    @property
    def container_group(self) -> str:
        return f"aci-{self.prefix}-{self.suffix}"

    @property
    def dns_label(self) -> str:
        return f"{self.prefix}-{self.suffix}-app"

    @property
    def login_server(self) -> str:
        return f"{self.registry_name}.azurecr.io"

    @property
    def app_image(self) -> str:
        """The sample app's image in the lab's registry (pushed in 03, run in 04 and 05)."""
        return f"{self.login_server}/{APP_REPOSITORY}:{APP_TAG}"

    def names(self) -> dict:
        """Every Azure name the lab uses, keyed by the kind of name."""
        return {"resource group": self.resource_group, "AKS cluster": self.cluster_name,
                "AKS DNS prefix": self.dns_prefix, "ACR registry": self.registry_name,
                "ACI container group": self.container_group, "ACI DNS label": self.dns_label}

    def tags(self) -> dict:
        """Tags on everything the lab creates; cleanup finds the lab by them."""
        return {"course": COURSE_TAG, "owner": self.owner, "created": self.today.isoformat(),
                "expires": (self.today + dt.timedelta(days=self.days)).isoformat(),
                "lab": self.resource_group}  # the lab's identity, unique to it (owners repeat across a class)
