"""LabConfig: the lab's settings and every Azure name derived from them (notebook 00-setup).

Each setting comes from the notebook's ``parameters`` cell (papermill injects there) when it is set
there; else from the lab chosen in 00-setup (remembered in the settings file, see
:mod:`labkit.home`); else from the environment (``LABKIT_MODE``, ``LABKIT_REGION``, ``LABKIT_PREFIX``,
``LABKIT_OWNER``, ``LABKIT_SUFFIX``, ``LABKIT_VM_SIZE``, ``LABKIT_DAYS``); else the defaults. Every
value is checked against Azure's rules here, before any Azure call and before anything is saved.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import string
from dataclasses import dataclass, field, replace

from labkit.errors import ConfigError
from labkit.home import (
    SETTINGS,
    DamagedSettings,
    lab_home,
    locked,
    private_home,
    read_settings,
    set_aside,
    write_private,
)
from labkit.recording.mode import Mode

MODES = tuple(m.value for m in Mode)
APP_REPOSITORY, APP_TAG = "aks-workbook-app", "v1"  # the sample app of notebooks/app/
COURSE_TAG = "aks-workbook"
# The system pool's node size: current generation, not burstable (AKS takes no B-series VM for a system pool), 2 vCPUs.
DEFAULT_VM_SIZE = "Standard_D2s_v5"
SETUP_NOTEBOOK = "00-setup"  # where the learner chooses the lab; later notebooks use that choice
REMEMBERED = ("prefix", "region", "vm_size", "owner", "days")  # the lab's settings kept from 00-setup
SETTINGS_KEYS = ("mode", "suffix") + REMEMBERED
CLASS_NAME = (r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}", "1–40 letters, digits, '.', '_' or '-'", "aks-2026-11")

# Public Azure regions that offer AKS, ACR and ACI (checked November 2026).
REGIONS = frozenset(
    """
australiacentral australiaeast australiasoutheast austriaeast belgiumcentral brazilsouth canadacentral
canadaeast centralindia centralus chilecentral eastasia eastus eastus2 francecentral germanywestcentral
indonesiacentral israelcentral italynorth japaneast japanwest koreacentral koreasouth malaysiawest
mexicocentral newzealandnorth northcentralus northeurope norwayeast polandcentral qatarcentral
southafricanorth southcentralus southeastasia southindia spaincentral swedencentral switzerlandnorth
uaenorth uksouth ukwest westcentralus westeurope westus westus2 westus3
""".split()
)

# (pattern, rule in words, a valid example) for each kind of name.
RULES = {
    "prefix": (r"[a-z][a-z0-9]{1,11}", "2–12 lowercase letters or digits, starting with a letter", "alice"),
    "suffix": (r"[a-z0-9]{4}", "exactly 4 lowercase letters or digits", "k7q2"),
    "resource group": (
        r"[-\w.()]{0,89}[-\w()]",
        "1–90 letters, digits, '-', '_', '.', '(', ')'; not ending in '.'",
        "rg-alice-k7q2",
    ),
    "AKS cluster": (
        r"[a-zA-Z0-9]([-_a-zA-Z0-9]{0,61}[a-zA-Z0-9])?",
        "1–63 letters, digits, '-' or '_', starting and ending with a letter or digit",
        "aks-alice-k7q2",
    ),
    "AKS DNS prefix": (
        r"[a-zA-Z0-9]([-a-zA-Z0-9]{0,52}[a-zA-Z0-9])?",
        "1–54 letters, digits or '-', starting and ending with a letter or digit",
        "aks-alice-k7q2",
    ),
    "ACR registry": (r"[a-zA-Z0-9]{5,50}", "5–50 letters or digits, no hyphens, unique across Azure", "acralicek7q2"),
    "ACI container group": (
        r"[a-z0-9](?!.*--)[-a-z0-9]{0,61}[a-z0-9]",
        "2–63 lowercase letters, digits or single '-', not at either end",
        "aci-alice-k7q2",
    ),
    "ACI DNS label": (
        r"[a-z][a-z0-9-]{1,61}[a-z0-9]",
        "3–63 lowercase letters, digits or '-', starting with a letter, ending with a letter or digit",
        "alice-k7q2-app",
    ),
}

# Words Azure refuses in the names of resources with a public endpoint (error ReservedResourceName): the
# prefix is a whole word of the DNS names (alice-k7q2-app, aks-alice-k7q2), so it may not be one of these,
# contain MICROSOFT or WINDOWS, or start with LOGIN (the DNS label starts with it).
RESERVED_WORDS = frozenset(
    """
access azure bing bizspark biztalk cortana directx dotnet dynamics excel exchange forefront groove hololens
hyperv kinect lync msdn o365 office office365 onedrive onenote outlook powerpoint sharepoint skype visio
visualstudio xbox
""".split()
)
RESERVED_INSIDE, RESERVED_START = ("microsoft", "windows"), ("login",)

# Azure VM size names: Standard_<family><vCPUs>[-<active vCPUs>]<features>[_<accelerator>][_v<version>],
# e.g. Standard_D2s_v5, Standard_B2s, Standard_E4-2ads_v5, Standard_NC4as_T4_v3.
VM_SIZE = re.compile(
    r"Standard_[A-Z]{1,3}(?P<cpus>\d{1,4})(-\d{1,3})?[a-z]{0,6}(_[A-Z]{1,3}\d{1,4}[A-Z]?)?"
    r"(_v\d{1,2})?(_Promo)?"
)
MAX_DAYS = 30
# Tag values may hold almost anything; the owner is a person's short name or e-mail, shown in listings.
OWNER = (
    r"[A-Za-z0-9](?:[A-Za-z0-9 ._@+-]{0,62}[A-Za-z0-9._@+-])?",
    "1–64 letters, digits, spaces or . _ @ + -, starting with a letter or digit (no line breaks)",
)


def _shown(value) -> str:
    """A value as it may appear in a message: its repr (escapes line breaks), cut to 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _need_text(what: str, value, example: str) -> None:
    if not isinstance(value, str):
        raise ConfigError(
            f"{what} must be text, not {type(value).__name__} ({_shown(value)}).",
            f"write it in quotes, e.g. {what} = {example!r}.",
        )


def check_name_format(kind: str, value: str) -> str:
    """Return ``value`` if it follows Azure's rule for ``kind``; otherwise raise ConfigError."""
    pattern, rule, example = RULES[kind]
    _need_text(kind, value, example)
    if not re.fullmatch(pattern, value):
        raise ConfigError(
            f"{_shown(value)} is not a valid {kind} name: it must be {rule}.", f"use a name like {example!r}."
        )
    if kind == "prefix":
        reserved = (
            value
            if value in RESERVED_WORDS
            else next((w for w in RESERVED_INSIDE if w in value), None)
            or next((w for w in RESERVED_START if value.startswith(w)), None)
        )
        if reserved:
            raise ConfigError(
                f"{value!r} is not a valid prefix name: Azure refuses '{reserved}' in the names of "
                "resources with a public address (error ReservedResourceName).",
                f"use a name like {example!r}.",
            )
    return value


def check_region(region: str) -> str:
    """Return the region if Azure knows it (names like 'eastus', not 'East US')."""
    _need_text("region", region, "eastus")
    normal = region.replace(" ", "").lower()
    if normal not in REGIONS:
        near = sorted(r for r in REGIONS if r.startswith(normal[:4]))[:4]
        raise ConfigError(
            f"{_shown(region)} is not an Azure region this lab knows.",
            f"set region to one of {near or ['eastus', 'westeurope', 'uksouth']} "
            "(the list is `az account list-locations -o table`).",
        )
    return normal


def check_mode(mode: str) -> Mode:
    if mode not in MODES:  # a list or dict is never `in` a tuple of strings: no TypeError
        raise ConfigError(
            f"LABKIT_MODE={_shown(mode)} is not a mode.", "use replay (no account needed), live or record."
        )
    return Mode(mode)


def check_vm_size(vm_size: str) -> str:
    """Return the size if it is shaped like an Azure VM size with the 2 vCPUs an AKS node needs."""
    _need_text("vm_size", vm_size, "Standard_D2s_v5")
    found = VM_SIZE.fullmatch(vm_size)
    if not found:
        raise ConfigError(
            f"{_shown(vm_size)} is not an Azure VM size name: it must look like "
            "Standard_<family><vCPUs><features>[_v<version>].",
            "use a size like 'Standard_D2s_v5' or 'Standard_D2as_v5' (exact capitals; "
            "`az vm list-sizes --location eastus -o table` lists them).",
        )
    if int(found["cpus"]) < 2:
        raise ConfigError(
            f"{vm_size!r} has fewer than the 2 vCPUs AKS needs on a node.",
            "use a size like 'Standard_D2s_v5' (2 vCPUs, 8 GB).",
        )
    return vm_size


def check_days(days) -> int:
    """Return how many days the lab may live (the ``expires`` tag): a whole number from 1 to 30."""
    text = days.strip() if isinstance(days, str) else None
    number = int(text) if text and text.isascii() and text.isdigit() else days
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= MAX_DAYS:
        raise ConfigError(
            f"days={_shown(days)} is refused: it must be a whole number of days from 1 to {MAX_DAYS} "
            "(the 'expires' tag; cleanup deletes the lab after it).",
            "use e.g. days = 2.",
        )
    return number


def check_owner(owner: str) -> str:
    """Return the owner if it is a short, printable tag value (see OWNER)."""
    pattern, rule = OWNER
    _need_text("owner", owner, "alice")
    if not re.fullmatch(pattern, owner):
        raise ConfigError(
            f"owner={_shown(owner)} is refused: it must be {rule}; it is written as a tag on "
            "everything the lab creates.",
            "use your short name or e-mail, e.g. owner = 'alice'.",
        )
    return owner


CHECKS = {
    "mode": check_mode,
    "region": check_region,
    "prefix": lambda v: check_name_format("prefix", v),
    "suffix": lambda v: check_name_format("suffix", v),
    "owner": check_owner,
    "vm_size": check_vm_size,
    "days": check_days,
}


@dataclass(frozen=True)
class Provisioned:
    """The resource group an instructor created for this learner (``labkit class provision``), and the class.

    A provisioned lab uses that group as it is: it never creates or rewrites it (that would drop its ``class``
    tag), and leaves what needs rights on the subscription (provider registration) to the instructor.
    """

    resource_group: str
    class_name: str

    def __post_init__(self):
        check_name_format("resource group", self.resource_group)
        pattern, rule, example = CLASS_NAME
        _need_text("class", self.class_name, example)
        if not re.fullmatch(pattern, self.class_name):
            raise ConfigError(
                f"{_shown(self.class_name)} is not a class name: it must be {rule}.", f"use a name like {example!r}."
            )

    @classmethod
    def of(cls, marker: dict) -> Provisioned:
        """From the settings file's ``"provisioned": {"resource_group": …, "class": …}``."""
        if not isinstance(marker, dict) or set(marker) != {"resource_group", "class"}:
            raise ConfigError(
                "the 'provisioned' entry is not the shape labkit writes",
                "ask your instructor for your learner.json again.",
            )
        return cls(marker["resource_group"], marker["class"])

    def marker(self) -> dict:
        return {"resource_group": self.resource_group, "class": self.class_name}


def new_suffix() -> str:
    """Four random characters that keep a learner's names apart from a whole class's (never a reserved word)."""
    alphabet = string.ascii_lowercase + string.digits
    while (suffix := "".join(secrets.choice(alphabet) for _ in range(4))) in RESERVED_WORDS:
        pass  # 'xbox', 'bing', 'msdn', 'lync', 'o365': 5 in 1.7 million
    return suffix


# -- the settings file: {"suffixes": {prefix: suffix}, "lab": {the settings chosen in 00-setup}} --------------
def settings_path():
    return lab_home() / SETTINGS


def _valid_settings(data: dict) -> dict:
    """The settings, in today's shape; DamagedSettings if any value is not one labkit would have saved.

    ``provisioned`` (written by ``labkit class provision``) is kept only when valid: the group it names must be
    the one the settings' own prefix and suffix name.
    """
    if "suffixes" not in data and all(isinstance(v, str) for v in data.values()):
        data = {"suffixes": data, "lab": {}}  # the first labkit kept only {prefix: suffix}
    suffixes, chosen = data.get("suffixes", {}), data.get("lab", {})
    if (
        set(data) - {"suffixes", "lab", "provisioned"}
        or not isinstance(suffixes, dict)
        or not isinstance(chosen, dict)
        or set(chosen) - set(REMEMBERED)
    ):
        raise DamagedSettings("not the shape labkit writes")
    try:
        for prefix, suffix in suffixes.items():
            check_name_format("prefix", prefix), check_name_format("suffix", suffix)
        for key, value in chosen.items():
            CHECKS[key](value)
        valid = {"suffixes": dict(suffixes), "lab": dict(chosen)}
        if "provisioned" in data:
            given = Provisioned.of(data["provisioned"])
            prefix = chosen.get("prefix")
            if f"rg-{prefix}-{suffixes.get(prefix)}" != given.resource_group:
                raise ConfigError(
                    f"the provisioned group {given.resource_group} is not the one its prefix and suffix name", ""
                )
            valid["provisioned"] = given.marker()
    except ConfigError as err:
        raise DamagedSettings(err.problem) from None
    return valid


def _load(notes: list | None) -> dict:
    """The settings; a damaged file is set aside (with a note saying so) and the lab starts afresh."""
    path = settings_path()
    try:
        return _valid_settings(read_settings(path))
    except DamagedSettings as err:
        with locked(path):
            try:  # another notebook may have set it aside (and written a good one) meanwhile
                return _valid_settings(read_settings(path))
            except DamagedSettings:
                kept = set_aside(path)
        if notes is not None:
            notes.append(
                (
                    False,
                    f"Your settings file {SETTINGS} was damaged ({err}); it is kept as {kept.name} "
                    "and the lab starts afresh, with a new suffix. If you already have a lab in Azure, give "
                    "open_lab in 00-setup your prefix and suffix (rg-<prefix>-<suffix>), e.g. suffix='k7q2'.",
                )
            )
        return {"suffixes": {}, "lab": {}}


def _update(change) -> dict:
    """Apply ``change`` to the settings under the file's lock and save them atomically (0600)."""
    path = private_home() / SETTINGS
    with locked(path):
        try:
            settings = _valid_settings(read_settings(path))
        except DamagedSettings:
            set_aside(path)
            settings = {"suffixes": {}, "lab": {}}
        new = change(json.loads(json.dumps(settings)))
        if new != settings:
            write_private(path, json.dumps(new, indent=2) + "\n")
    return new


def remembered_suffix(prefix: str, notes: list | None = None) -> str:
    """The suffix this learner got the first time, so every notebook (and every process) uses the same names."""
    check_name_format("prefix", prefix)
    known = _load(notes)["suffixes"]
    if prefix in known:
        return known[prefix]

    def add(settings):
        settings["suffixes"].setdefault(prefix, new_suffix())
        return settings

    return _update(add)["suffixes"][prefix]


def remember_lab(chosen: dict, prefix: str, suffix: str | None) -> None:
    """Keep the settings chosen in 00-setup (already checked) for later notebooks, and a suffix given there."""

    def keep(settings):
        settings["lab"].update(chosen)
        if suffix:
            settings["suffixes"][prefix] = suffix
        return settings

    _update(keep)


def _listed(settings: dict) -> str:
    return ", ".join(f"{key} {value}" for key, value in settings.items())


@dataclass(frozen=True)
class LabConfig:
    """The lab's settings. Build it with :meth:`resolve`; the names are properties."""

    mode: Mode = Mode.REPLAY
    region: str = "eastus"
    prefix: str = "student"
    suffix: str = "k7q2"
    owner: str = "student"
    vm_size: str = DEFAULT_VM_SIZE
    days: int = 1
    today: dt.date = field(default_factory=dt.date.today)
    provisioned: Provisioned | None = None  # the group an instructor gave this learner, or None: the lab makes its own

    def __post_init__(self):
        for key in SETTINGS_KEYS:
            object.__setattr__(self, key, CHECKS[key](getattr(self, key)))
        for kind, name in self.names().items():
            check_name_format(kind, name)
        if not isinstance(self.today, dt.date):
            raise ConfigError(f"today={_shown(self.today)} is not a date.", "leave it out (it defaults to today).")
        given = self.provisioned
        if given is not None and given.resource_group != self.resource_group:
            raise ConfigError(
                f"Your instructor gave you the resource group {given.resource_group} (class "
                f"{given.class_name}), but these settings name {self.resource_group}.",
                "leave prefix and suffix empty (None) in the parameters cell and unset LABKIT_PREFIX "
                "and LABKIT_SUFFIX: the learner.json your instructor gave you sets them.",
            )

    @classmethod
    def resolve(
        cls, *, recorded: dict | None = None, notebook: str = "", notes: list | None = None, **params
    ) -> LabConfig:
        """Settings from ``params`` (None or '' means unset), then the lab chosen in 00-setup, then ``LABKIT_*``
        variables, then defaults. In replay mode, names nobody chose are the recorded lab's (``recorded``).

        Lines for the learner (where the settings came from) are appended to ``notes`` as (ok, line). In
        00-setup the settings set in the parameters cell are remembered, once the whole configuration is valid.
        """
        unknown = sorted(set(params) - set(SETTINGS_KEYS))
        if unknown:
            raise ConfigError(f"open_lab has no setting {unknown[0]!r}.", f"use only {', '.join(SETTINGS_KEYS)}.")
        given = {k: v for k, v in params.items() if v not in (None, "")}
        for key, value in given.items():
            CHECKS[key](value)  # a bad parameter is refused before anything is read or saved
        settings = _load(notes)
        saved = settings["lab"]
        setup = notebook == SETUP_NOTEBOOK

        def pick(key, default=None):
            if key in given:
                return given[key]
            if key in saved:
                return saved[key]
            value = os.environ.get(f"LABKIT_{key.upper()}")
            if value in (None, ""):
                return default
            try:
                return CHECKS[key](value)
            except ConfigError as err:
                raise ConfigError(
                    f"{err.problem} (from the environment variable LABKIT_{key.upper()})", err.fix
                ) from None

        mode = Mode(pick("mode", Mode.REPLAY))
        base = dict(recorded or {}) if mode is Mode.REPLAY else {}
        prefix = pick("prefix", base.get("prefix", "student"))
        if mode is Mode.REPLAY and prefix == base.get("prefix"):
            suffix = pick("suffix", base.get("suffix"))
        else:
            suffix = pick("suffix") or remembered_suffix(prefix, notes)
        marker = settings.get("provisioned")
        config = cls(
            mode=mode,
            region=pick("region", base.get("region", "eastus")),
            prefix=prefix,
            suffix=suffix,
            owner=pick("owner", prefix),
            vm_size=pick("vm_size", DEFAULT_VM_SIZE),
            days=pick("days", 1),
            provisioned=Provisioned.of(marker) if marker else None,
        )  # names another group: refused here
        if marker and mode is Mode.REPLAY:  # the recordings are of a lab that made its own group
            config = replace(config, provisioned=None)
            if notes is not None:
                notes.append(
                    (
                        True,
                        f"Replay shows the recorded lab, which made its own resource group; your "
                        f"instructor's {marker['resource_group']} is used in live mode.",
                    )
                )
        chosen = {k: getattr(config, k) for k in REMEMBERED if k in given}
        if setup and chosen:
            remember_lab(chosen, config.prefix, given.get("suffix"))
            if notes is not None:
                notes.append(
                    (
                        True,
                        f"Remembered for every later notebook: {_listed(chosen)} (in your lab "
                        f"folder's {SETTINGS}; set them here again to change them).",
                    )
                )
        used = {k: v for k, v in saved.items() if k not in given}
        if notes is not None and used:
            overridden = {k: given[k] for k in saved if k in given and given[k] != saved[k]}
            notes.append(
                (
                    True,
                    f"Your lab from {SETUP_NOTEBOOK}: {_listed(used)}"
                    + (
                        f"; this notebook's parameters set {_listed(overridden)} for this notebook only."
                        if overridden
                        else "."
                    ),
                )
            )
        return config

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
        return {
            "resource group": self.resource_group,
            "AKS cluster": self.cluster_name,
            "AKS DNS prefix": self.dns_prefix,
            "ACR registry": self.registry_name,
            "ACI container group": self.container_group,
            "ACI DNS label": self.dns_label,
        }

    def tags(self) -> dict:
        """Tags on everything the lab creates; cleanup finds the lab by them."""
        return {
            "course": COURSE_TAG,
            "owner": self.owner,
            "created": self.today.isoformat(),
            "expires": (self.today + dt.timedelta(days=self.days)).isoformat(),
            "lab": self.resource_group,
        }  # the lab's identity, unique to it (owners repeat across a class)
