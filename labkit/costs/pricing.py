"""The dated price table, what each part of the lab costs by it, and the estimates shown before a create.

Estimates to show, not to bill: US East, Linux, pay-as-you-go. Container instances and the registry were read
from the Azure Retail Prices API on the table's date; the node VM, OS disk, load balancer and IP are Microsoft's
published list prices, not re-read here. Other regions differ by a few percent. The table is frozen; in live
mode :func:`prices_for` puts a copy refreshed from the public, keyless Retail Prices API in use
(:func:`refresh`); replay and record always use the dated table, so outputs stay reproducible.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from labkit.lab import Lab

RETAIL_API = "https://prices.azure.com/api/retail/prices"
HOURS_PER_MONTH = 730  # how Azure turns a monthly price (disks) into an hourly one
# Each node's OS disk: the lab's sizes have no local cache or temp disk for an ephemeral OS disk, so AKS gives
# each node a managed Premium SSD sized by its vCPUs (1–7 vCPUs: P10, 128 GiB; azure-aks-docs concepts-storage.md).
OS_DISK_TIERS = ((128, "P10"), (256, "P15"), (512, "P20"), (1024, "P30"))  # GiB up to which each tier serves
# The control plane's pricing tiers (the cluster's sku.tier) and their uptime SLA (azure-aks-docs
# free-standard-pricing-tiers.md). Premium adds long-term support (LTS).
TIER_SLA = {
    "Free": "none (no financially backed SLA)",
    "Standard": "99.95 % with availability zones, 99.9 % without",
    "Premium": "99.95 % with availability zones, 99.9 % without; adds long-term support",
}


@dataclasses.dataclass(frozen=True)
class PriceTable:
    """USD list prices, per hour unless the name says otherwise, with where and when they were read."""

    date: str
    source: str
    node_per_hour: Mapping[str, float]  # node VMs by size
    os_disk_per_month: Mapping[str, float]  # managed Premium SSD OS disks by tier
    standard_lb_per_hour: float  # the first five rules (load-balancing and outbound) together
    public_ip_per_hour: float  # Standard static IPv4
    control_plane_per_hour: Mapping[str, float]  # by tier
    acr_basic_per_day: float
    aci_vcpu_per_hour: float
    aci_gb_per_hour: float

    @property
    def load_balancer_per_hour(self) -> float:
        """A Service of type LoadBalancer (notebook 05): one more public IP; its rule is among the five paid."""
        return self.public_ip_per_hour

    @property
    def label(self) -> str:
        """Where and when the prices were read, as every cost table cites them."""
        return f"{self.source}, read {self.date}"


# Azure's published US East list prices of 2026 (this machine cannot reach the Retail Prices API to re-read them).
# Node VMs: current-generation, non-burstable 2-vCPU sizes that AKS accepts for a system pool (AKS supports no
# B-series VM there: azure-aks-docs use-system-pools.md). The lab's default is Standard_D2s_v5. From its first
# minute a cluster has a Standard load balancer with an outbound rule and one public IP for egress.
DATED = PriceTable(
    date="2026-10-09",
    # Read from the Retail Prices API on this date: container instances, the Basic registry, D2s_v3. The other
    # figures are Microsoft's published list prices, not re-read from the API here; live mode re-reads them all.
    source="US East, Linux, pay-as-you-go; container instances and registry from the Azure Retail Prices API "
    "(prices.azure.com), node VM, OS disk, load balancer and IP list-price estimates (live mode asks the API)",
    node_per_hour=MappingProxyType({"Standard_D2s_v5": 0.096, "Standard_D2as_v5": 0.086, "Standard_D2s_v3": 0.096}),
    os_disk_per_month=MappingProxyType({"P10": 19.71, "P15": 38.01, "P20": 73.22, "P30": 135.17}),
    standard_lb_per_hour=0.025,
    public_ip_per_hour=0.005,
    control_plane_per_hour=MappingProxyType({"Free": 0.0, "Standard": 0.10, "Premium": 0.60}),
    acr_basic_per_day=0.167,
    aci_vcpu_per_hour=0.0405,
    aci_gb_per_hour=0.00445,
)
_in_use = DATED
_asked_live = False  # the Retail Prices API is asked once per session, whatever it answered


def table() -> PriceTable:
    """The table in use: the dated one, or (live mode, once refreshed) its copy with today's prices."""
    return _in_use


def use(prices: PriceTable) -> None:
    """Put ``prices`` in use for every estimate and meter of this session."""
    global _in_use
    _in_use = prices


# -- lookups ---------------------------------------------------------------------------------------------
def node_hour(vm_size: str) -> float:
    """Price of one node VM for an hour; NaN (unknown) for a size not in the table, never another size's."""
    return table().node_per_hour.get(vm_size, math.nan)


def os_disk_hour(size_gb: int | None = 128, disk_type: str | None = "Managed") -> float:
    """A node's OS disk for an hour: a managed Premium SSD of the tier its size needs; an ephemeral one is free."""
    if disk_type == "Ephemeral":
        return 0.0
    tier = next((t for most, t in OS_DISK_TIERS if (size_gb or 128) <= most), OS_DISK_TIERS[-1][1])
    return table().os_disk_per_month[tier] / HOURS_PER_MONTH


def egress_hour() -> float:
    """The Standard load balancer and outbound public IP that AKS creates with every cluster, for an hour."""
    return table().standard_lb_per_hour + table().public_ip_per_hour


def cluster_hour(vm_size: str, nodes: int = 1, tier: str = "Free") -> float:
    """A cluster for an hour: control plane, node VMs with their managed OS disks, load balancer and its IP."""
    return table().control_plane_per_hour[tier] + nodes * (node_hour(vm_size) + os_disk_hour()) + egress_hour()


def cluster_hour_of(cluster: Any) -> float:
    """:func:`cluster_hour` for a cluster as Azure describes it (its tier, and each pool's size, count and disk)."""
    tier = plain(cluster.sku.tier) if getattr(cluster, "sku", None) and cluster.sku.tier else "Free"
    pools = cluster.agent_pool_profiles or []
    nodes = sum(
        p.count * (node_hour(p.vm_size) + os_disk_hour(p.os_disk_size_gb, plain(p.os_disk_type))) for p in pools
    )
    return table().control_plane_per_hour.get(tier or "Free", 0.0) + nodes + egress_hour()


def plain(value: Any) -> str | None:
    """An SDK enum (or a string) as its plain string value."""
    return None if value is None else str(getattr(value, "value", value))


ACI_CPU, ACI_MEMORY_GB = 1.0, 1.5  # the lab's container group (notebook 04)
ACI_SIZE = f"{ACI_CPU:g} vCPU / {ACI_MEMORY_GB:g} GB"


def aci_hour(cpu: float = ACI_CPU, memory_gb: float = ACI_MEMORY_GB) -> float:
    return cpu * table().aci_vcpu_per_hour + memory_gb * table().aci_gb_per_hour


# -- estimates -------------------------------------------------------------------------------------------
def lab_estimate(
    vm_size: str = "Standard_D2s_v5", hours: float = 1.0, aci_hours: float = 0.5
) -> list[tuple[str, str, float]]:
    """The whole lab, item by item: (item, how long, USD). The cluster's rows run from its first minute."""
    span = f"{hours:g} h"
    prices = table()
    return [
        ("AKS control plane, Free tier (no SLA)", span, hours * prices.control_plane_per_hour["Free"]),
        (f"1 × {vm_size} node VM", span, hours * node_hour(vm_size)),
        ("its managed OS disk (Premium SSD P10, 128 GiB)", span, hours * os_disk_hour()),
        ("Standard load balancer + outbound public IP (AKS creates them for egress)", span, hours * egress_hour()),
        ("Public IP of the app's Service (notebook 05)", f"{hours / 2:g} h", hours / 2 * prices.load_balancer_per_hour),
        ("Container registry, Basic", "1 day (billed daily)", prices.acr_basic_per_day),
        (f"Container instance, {ACI_SIZE}", f"{aci_hours:g} h", aci_hours * aci_hour()),
    ]


def estimate_table(vm_size: str = "Standard_D2s_v5", hours: float = 1.0) -> list[tuple[str, str]]:
    """The lab estimate as rows for :func:`labkit.ui.show`, with the total and the table's date."""
    rows = [(f"{item} ({span})", f"${usd:.3f}") for item, span, usd in lab_estimate(vm_size, hours)]
    total = sum(usd for *_, usd in lab_estimate(vm_size, hours))
    return rows + [("Total for the lab", f"≈ ${total:.2f}"), ("Prices", table().label)]


def tier_table(vm_size: str = "Standard_D2s_v5") -> list[tuple[str, str]]:
    """The three control-plane tiers: price per hour, SLA, and what one lab cluster costs per hour on each."""
    return [
        (
            tier,
            f"control plane ≈ ${price:.2f}/h · SLA {TIER_SLA[tier]} · this lab's cluster ≈ "
            f"${cluster_hour(vm_size, tier=tier):.3f}/h",
        )
        for tier, price in table().control_plane_per_hour.items()
    ]


def before_create(what: str, per_hour: float, note: str = "") -> None:
    """The estimate shown before a create: what it costs per hour and per day while it exists."""
    from labkit import ui

    ui.show(
        [
            ("Estimated cost", f"≈ ${per_hour:.4f} per hour, ≈ ${24 * per_hour:.2f} per day while it exists{note}"),
            ("Prices", table().label),
        ],
        f"Before creating {what}",
    )


# -- live prices ------------------------------------------------------------------------------------------
def _fetch_json(url: str) -> dict:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as answer:  # public and keyless
        return json.load(answer)


def retail_price(filters: str, fetch: Callable[[str], dict] = _fetch_json) -> float | None:
    """The pay-as-you-go hourly price of the first plain (not Spot, not Windows) item matching ``filters``.

    Monthly meters (disks) are turned into hourly prices with :data:`HOURS_PER_MONTH`.
    """
    from urllib.parse import quote

    per_unit = {"1 Hour": 1, "1/Month": HOURS_PER_MONTH}
    items = fetch(f"{RETAIL_API}?$filter={quote(filters)}").get("Items", [])
    for item in items:
        words = f"{item.get('skuName', '')} {item.get('productName', '')} {item.get('meterName', '')}"
        if (
            item.get("type") == "Consumption"
            and item.get("unitOfMeasure") in per_unit
            and not any(w in words for w in ("Spot", "Low Priority", "Windows"))
        ):
            return float(item["retailPrice"]) / per_unit[item["unitOfMeasure"]]
    return None


def refresh(
    region: str, vm_size: str, fetch: Callable[[str], dict] = _fetch_json, prices: PriceTable = DATED
) -> PriceTable:
    """``prices`` with what the Retail Prices API says today (live mode only); any failure keeps ``prices``."""

    def meter(service: str, condition: str) -> str:
        return f"serviceName eq '{service}' and armRegionName eq '{region}' and {condition}"

    queries = {
        "node": meter("Virtual Machines", f"armSkuName eq '{vm_size}' and priceType eq 'Consumption'"),
        "vcpu": meter("Container Instances", "meterName eq 'Standard vCPU Duration'"),
        "memory": meter("Container Instances", "meterName eq 'Standard Memory Duration'"),
        "disk": meter("Storage", "meterName eq 'P10 LRS Disk'"),
        "lb": meter("Load Balancer", "meterName eq 'Standard Included LB Rules and Outbound Rules'"),
        "ip": meter("Virtual Network", "meterName eq 'Standard IPv4 Static Public IP'"),
    }
    found: dict[str, float] = {}
    try:
        for key, query in queries.items():
            price = retail_price(query, fetch)
            if price is not None:
                found[key] = price
    except (OSError, ValueError, KeyError):
        return prices
    if not found:
        return prices
    change: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "source": f"Azure Retail Prices API (prices.azure.com), {region}, Linux, pay-as-you-go (live)",
    }
    if "node" in found:
        change["node_per_hour"] = MappingProxyType({**prices.node_per_hour, vm_size: found["node"]})
    if "vcpu" in found and "memory" in found:
        change.update(aci_vcpu_per_hour=found["vcpu"], aci_gb_per_hour=found["memory"])
    if "disk" in found:
        change["os_disk_per_month"] = MappingProxyType(
            {**prices.os_disk_per_month, "P10": found["disk"] * HOURS_PER_MONTH}
        )
    if "lb" in found:
        change["standard_lb_per_hour"] = found["lb"]
    if "ip" in found:
        change["public_ip_per_hour"] = found["ip"]
    return dataclasses.replace(prices, **change)


def prices_for(lab: Lab) -> None:
    """In live mode, refresh the table once per session; replay and record keep the dated table."""
    global _asked_live
    if lab.policy.reads_live_prices and not _asked_live:
        _asked_live = True
        use(refresh(lab.config.region, lab.config.vm_size))
