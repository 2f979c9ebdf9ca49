"""What the lab costs: a dated price table, estimates before each create, and a running total.

Estimates to show, not to bill: US East, Linux, pay-as-you-go, read from the Azure Retail Prices
API and Microsoft's pricing pages on the date below (list prices, estimates). Other
regions differ by a few percent. In live mode :func:`refresh` may update the table from the public,
keyless Retail Prices API; replay and record always use the table, so outputs stay reproducible.

The running total (end of each notebook) is computed from what exists in Azure, each resource
priced from its ``createdTime``, plus a ledger of what the lab already deleted (kept in the lab
folder, so it survives a kernel restart; replay reads the recorded lab's ledger, so every notebook's
total is cumulative).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import weakref

PRICES_DATE = "2026-10-09"
PRICES_SOURCE = "Azure Retail Prices API (prices.azure.com), US East, Linux, pay-as-you-go"
RETAIL_API = "https://prices.azure.com/api/retail/prices"
HOURS_PER_MONTH = 730  # how Azure turns a monthly price (disks) into an hourly one

# USD per hour unless the name says otherwise. The node, OS disk, load balancer, public IP and tier prices are
# Azure's published US East list prices of 2026 (this machine cannot reach the Retail Prices API to re-read
# them); live mode refreshes node, disk, load balancer, IP and ACI prices from that API (:func:`refresh`).
# Node VMs: current-generation, non-burstable 2-vCPU sizes that AKS accepts for a system pool (AKS supports no
# B-series VM there: azure-aks-docs use-system-pools.md). The lab's default is Standard_D2s_v5.
NODE_PER_HOUR = {"Standard_D2s_v5": 0.096, "Standard_D2as_v5": 0.086, "Standard_D2s_v3": 0.096}
# Each node's OS disk: these sizes have no local cache or temp disk for an ephemeral OS disk, so AKS gives each
# node a managed Premium SSD sized by its vCPUs (1–7 vCPUs: P10, 128 GiB; azure-aks-docs concepts-storage.md).
OS_DISK_PER_MONTH = {"P10": 19.71, "P15": 38.01, "P20": 73.22, "P30": 135.17}
OS_DISK_TIERS = ((128, "P10"), (256, "P15"), (512, "P20"), (1024, "P30"))  # GiB up to which each tier serves
# From its first minute a cluster has a Standard load balancer with an outbound rule and one public IP for egress.
STANDARD_LB_PER_HOUR = 0.025  # the first five rules (load-balancing and outbound) together
PUBLIC_IP_PER_HOUR = 0.005    # Standard static IPv4
# A Service of type LoadBalancer (notebook 05) adds one public IP; its rule is among the first five already paid.
LOAD_BALANCER_PER_HOUR = PUBLIC_IP_PER_HOUR
# The control plane's pricing tier (the cluster's sku.tier): price and uptime SLA (azure-aks-docs
# free-standard-pricing-tiers.md). Premium adds long-term support (LTS).
CONTROL_PLANE_PER_HOUR = {"Free": 0.0, "Standard": 0.10, "Premium": 0.60}
TIER_SLA = {"Free": "none (no financially backed SLA)",
            "Standard": "99.95 % with availability zones, 99.9 % without",
            "Premium": "99.95 % with availability zones, 99.9 % without; adds long-term support"}
ACR_BASIC_PER_DAY = 0.167
ACI_VCPU_PER_HOUR = 0.0405
ACI_GB_PER_HOUR = 0.00445


def node_hour(vm_size: str) -> float:
    """Price of one node VM for an hour; NaN (unknown) for a size not in the table, never another size's."""
    return NODE_PER_HOUR.get(vm_size, math.nan)


def os_disk_hour(size_gb: int | None = 128, disk_type: str | None = "Managed") -> float:
    """A node's OS disk for an hour: a managed Premium SSD of the tier its size needs; an ephemeral one is free."""
    if disk_type == "Ephemeral":
        return 0.0
    tier = next((t for most, t in OS_DISK_TIERS if (size_gb or 128) <= most), OS_DISK_TIERS[-1][1])
    return OS_DISK_PER_MONTH[tier] / HOURS_PER_MONTH


def egress_hour() -> float:
    """The Standard load balancer and outbound public IP that AKS creates with every cluster, for an hour."""
    return STANDARD_LB_PER_HOUR + PUBLIC_IP_PER_HOUR


def cluster_hour(vm_size: str, nodes: int = 1, tier: str = "Free") -> float:
    """A cluster for an hour: control plane, node VMs with their managed OS disks, load balancer and its IP."""
    return CONTROL_PLANE_PER_HOUR[tier] + nodes * (node_hour(vm_size) + os_disk_hour()) + egress_hour()


def cluster_hour_of(cluster) -> float:
    """:func:`cluster_hour` for a cluster as Azure describes it (its tier, and each pool's size, count and disk)."""
    tier = _plain(cluster.sku.tier) if getattr(cluster, "sku", None) and cluster.sku.tier else "Free"
    pools = cluster.agent_pool_profiles or []
    nodes = sum(p.count * (node_hour(p.vm_size) + os_disk_hour(p.os_disk_size_gb, _plain(p.os_disk_type)))
                for p in pools)
    return CONTROL_PLANE_PER_HOUR.get(tier, 0.0) + nodes + egress_hour()


def _plain(value) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


def aci_hour(cpu: float = 1.0, memory_gb: float = 1.5) -> float:
    return cpu * ACI_VCPU_PER_HOUR + memory_gb * ACI_GB_PER_HOUR


def lab_estimate(vm_size: str = "Standard_D2s_v5", hours: float = 1.0, aci_hours: float = 0.5) -> list[tuple]:
    """The whole lab, item by item: (item, how long, USD). The cluster's rows run from its first minute."""
    span = f"{hours:g} h"
    return [
        ("AKS control plane, Free tier (no SLA)", span, hours * CONTROL_PLANE_PER_HOUR["Free"]),
        (f"1 × {vm_size} node VM", span, hours * node_hour(vm_size)),
        ("its managed OS disk (Premium SSD P10, 128 GiB)", span, hours * os_disk_hour()),
        ("Standard load balancer + outbound public IP (AKS creates them for egress)", span, hours * egress_hour()),
        ("Public IP of the app's Service (notebook 05)", f"{hours / 2:g} h", hours / 2 * LOAD_BALANCER_PER_HOUR),
        ("Container registry, Basic", "1 day (billed daily)", ACR_BASIC_PER_DAY),
        ("Container instance, 1 vCPU / 1.5 GB", f"{aci_hours:g} h", aci_hours * aci_hour()),
    ]


def estimate_table(vm_size: str = "Standard_D2s_v5", hours: float = 1.0):
    """The lab estimate as rows for :func:`labkit.ui.show`, with the total and the table's date."""
    rows = [(f"{item} ({span})", f"${usd:.3f}") for item, span, usd in lab_estimate(vm_size, hours)]
    total = sum(usd for *_, usd in lab_estimate(vm_size, hours))
    return rows + [("Total for the lab", f"≈ ${total:.2f}"), ("Prices", f"{PRICES_SOURCE}, read {PRICES_DATE}")]


def tier_table(vm_size: str = "Standard_D2s_v5"):
    """The three control-plane tiers: price per hour, SLA, and what one lab cluster costs per hour on each."""
    return [(tier, f"control plane ≈ ${price:.2f}/h · SLA {TIER_SLA[tier]} · this lab's cluster ≈ "
                   f"${cluster_hour(vm_size, tier=tier):.3f}/h")
            for tier, price in CONTROL_PLANE_PER_HOUR.items()]


def before_create(what: str, per_hour: float, note: str = "") -> None:
    """The estimate shown before a create: what it costs per hour and per day while it exists."""
    from labkit import ui

    ui.show([("Estimated cost", f"≈ ${per_hour:.4f} per hour, ≈ ${24 * per_hour:.2f} per day while it exists{note}"),
             ("Prices", f"{PRICES_SOURCE}, read {PRICES_DATE}")], f"Before creating {what}")


# -- live prices ------------------------------------------------------------------------------------------
def _fetch_json(url: str) -> dict:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as answer:  # public and keyless
        return json.load(answer)


def retail_price(filters: str, fetch=_fetch_json) -> float | None:
    """The pay-as-you-go hourly price of the first plain (not Spot, not Windows) item matching ``filters``.

    Monthly meters (disks) are turned into hourly prices with :data:`HOURS_PER_MONTH`.
    """
    from urllib.parse import quote

    per_unit = {"1 Hour": 1, "1/Month": HOURS_PER_MONTH}
    items = fetch(f"{RETAIL_API}?$filter={quote(filters)}").get("Items", [])
    for item in items:
        words = f"{item.get('skuName', '')} {item.get('productName', '')} {item.get('meterName', '')}"
        if (item.get("type") == "Consumption" and item.get("unitOfMeasure") in per_unit
                and not any(w in words for w in ("Spot", "Low Priority", "Windows"))):
            return float(item["retailPrice"]) / per_unit[item["unitOfMeasure"]]
    return None


def refresh(region: str, vm_size: str, fetch=_fetch_json) -> dict:
    """Update the table from the Retail Prices API (live mode only); any failure keeps the dated table."""
    global PRICES_DATE, PRICES_SOURCE
    queries = {
        ("node", vm_size): f"serviceName eq 'Virtual Machines' and armRegionName eq '{region}' "
                           f"and armSkuName eq '{vm_size}' and priceType eq 'Consumption'",
        ("aci", "vcpu"): f"serviceName eq 'Container Instances' and armRegionName eq '{region}' "
                         "and meterName eq 'Standard vCPU Duration'",
        ("aci", "memory"): f"serviceName eq 'Container Instances' and armRegionName eq '{region}' "
                           "and meterName eq 'Standard Memory Duration'",
        ("disk", "P10"): f"serviceName eq 'Storage' and armRegionName eq '{region}' "
                         "and meterName eq 'P10 LRS Disk'",
        ("lb", "rules"): f"serviceName eq 'Load Balancer' and armRegionName eq '{region}' "
                         "and meterName eq 'Standard Included LB Rules and Outbound Rules'",
        ("ip", "static"): f"serviceName eq 'Virtual Network' and armRegionName eq '{region}' "
                          "and meterName eq 'Standard IPv4 Static Public IP'",
    }
    found = {}
    try:
        for key, query in queries.items():
            price = retail_price(query, fetch)
            if price is not None:
                found[key] = price
    except (OSError, ValueError, KeyError):
        return {}
    if ("node", vm_size) in found:
        NODE_PER_HOUR[vm_size] = found[("node", vm_size)]
    if ("aci", "vcpu") in found and ("aci", "memory") in found:
        globals().update(ACI_VCPU_PER_HOUR=found[("aci", "vcpu")], ACI_GB_PER_HOUR=found[("aci", "memory")])
    if ("disk", "P10") in found:
        OS_DISK_PER_MONTH["P10"] = found[("disk", "P10")] * HOURS_PER_MONTH
    if ("lb", "rules") in found:
        globals()["STANDARD_LB_PER_HOUR"] = found[("lb", "rules")]
    if ("ip", "static") in found:
        globals().update(PUBLIC_IP_PER_HOUR=found[("ip", "static")], LOAD_BALANCER_PER_HOUR=found[("ip", "static")])
    if found:
        PRICES_DATE = dt.date.today().isoformat()
        PRICES_SOURCE = f"Azure Retail Prices API (prices.azure.com), {region}, Linux, pay-as-you-go (live)"
    return found


def prices_for(lab) -> None:
    """In live mode, refresh the table once per session; replay and record keep the dated table."""
    if lab.mode == "live" and not getattr(prices_for, "done", False):
        refresh(lab.config.region, lab.config.vm_size)
        prices_for.done = True


# -- the lab's clock and ledger ------------------------------------------------------------------------------
def now(lab) -> dt.datetime:
    """The current time, through labkit's boundary: recorded in record mode, the recorded time in replay."""
    stamp = lab.result_of("clock.now", lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    return parse_time(stamp)


def parse_time(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    return parse_time(dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")))


_REPLAY_LEDGERS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class Ledger:
    """What the lab created and deleted, with prices: ``{resource id: {item, per_hour, per_day, start, end}}``.

    Kept as JSON in the lab folder in live and record mode; in replay it lives as long as the session,
    so replayed notebooks never depend on what another run left behind.
    """

    def __init__(self, path, entries: dict):
        self.path, self.entries = path, entries

    @classmethod
    def of(cls, lab) -> "Ledger":
        if lab.mode == "replay":
            return _REPLAY_LEDGERS.setdefault(lab, cls(None, {}))
        from labkit.config import lab_home

        path = lab_home() / f"ledger-{lab.config.resource_group}.json"
        return cls(path, json.loads(path.read_text(encoding="utf-8")) if path.exists() else {})

    def opened(self, rid: str, item: str, start, *, per_hour: float = 0.0, per_day: float = 0.0) -> None:
        self.entries[rid.lower()] = {"item": item, "per_hour": per_hour, "per_day": per_day,
                                     "start": parse_time(start).isoformat(), "end": None}
        self._save()

    def closed(self, rid: str, end) -> None:
        if rid.lower() in self.entries:
            self.entries[rid.lower()]["end"] = parse_time(end).isoformat()
            self._save()

    def _save(self):
        if self.path is not None:  # it names the subscription: private (0600) in the private lab folder
            from labkit.home import private_home, write_private

            private_home()
            write_private(self.path, json.dumps(self.entries, indent=2))


def charge(entry: dict, until: dt.datetime) -> tuple[float, float]:
    """(hours, USD) of one ledger-shaped entry up to its end, or ``until`` while it still exists."""
    end = parse_time(entry["end"]) if entry.get("end") else until
    hours = max((end - parse_time(entry["start"])).total_seconds() / 3600, 0.0)
    days = max(math.ceil(hours / 24), 1) if entry.get("per_day") else 0
    return hours, hours * entry.get("per_hour", 0.0) + days * entry.get("per_day", 0.0)


# -- the running total ----------------------------------------------------------------------------------------
def priced(lab, resource) -> dict | None:
    """A ledger-shaped entry for an existing resource (from a listing with ``createdTime``), or None if free."""
    kind = (resource.type or "").lower()
    start = resource.created_time
    if kind == "microsoft.containerservice/managedclusters":
        rg = resource.id.split("/")[4]
        cluster = lab.aks.managed_clusters.get(rg, resource.name)
        tier = _plain(cluster.sku.tier) if cluster.sku else "Free"
        nodes = ", ".join(f"{p.count} × {p.vm_size}" for p in cluster.agent_pool_profiles or [])
        return {"item": f"AKS cluster {resource.name} ({tier} tier, {nodes}; OS disks, load balancer, public IP)",
                "per_hour": cluster_hour_of(cluster), "start": start}
    if kind == "microsoft.containerregistry/registries":
        return {"item": f"Container registry {resource.name} (Basic, billed daily)", "per_day": ACR_BASIC_PER_DAY,
                "start": start}
    if kind == "microsoft.containerinstance/containergroups":
        return {"item": f"Container instance {resource.name} (1 vCPU / 1.5 GB)", "per_hour": aci_hour(),
                "start": start}
    return None


def running_total(lab) -> tuple[list, float, dt.datetime | None]:
    """What the lab has cost so far: rows, total in USD, and when the lab began (its first resource)."""
    from labkit import cleanup

    with lab.step("cost_so_far"):
        # What earlier notebooks made and deleted, whatever kernel ran them: the ledger file (live, record), or
        # the recorded lab's ledger at this point (replay), so the total is cumulative in every mode.
        earlier = lab.result_of("costs.ledger", lambda: dict(Ledger.of(lab).entries))
        entries = {**earlier, **Ledger.of(lab).entries}
        for group in cleanup.lab_groups(lab):
            if group["node_of"]:
                continue  # the node VMs are priced with their cluster
            for resource in lab.resources.resources.list_by_resource_group(group["name"], expand="createdTime"):
                entry = priced(lab, resource)
                if entry is not None:
                    entries[resource.id.lower()] = {**entries.get(resource.id.lower(), {}), **entry, "end": None}
        until = now(lab)
    rows, total = [], 0.0
    for entry in sorted(entries.values(), key=lambda e: parse_time(e["start"])):
        hours, usd = charge(entry, until)
        state = "deleted" if entry.get("end") else "still running"
        rows.append((entry["item"], f"{hours:.1f} h, {state} · ${usd:.3f}"))
        total += usd
    began = min((parse_time(e["start"]) for e in entries.values()), default=None)
    return rows, total, began


def show_running_total(lab) -> None:
    """The cost meter at the end of a notebook: each thing the lab made, how long it ran, and the total."""
    from labkit import ui

    rows, total, began = running_total(lab)
    since = f" since the lab began ({began:%Y-%m-%d %H:%M} UTC)" if began else ""
    ui.show(rows + [("Total so far", f"≈ ${total:.2f}{since}"), ("Prices", f"{PRICES_SOURCE}, read {PRICES_DATE}")],
            "Cost meter: what this lab has cost so far (estimate)")
    if lab.mode == "replay":
        ui.status(True, f"Replay: {lab.replay_source()}")
