"""What the lab costs: a dated price table and estimates (notebook 00-setup, and each create).

Estimates to show, not to bill: US East, Linux, pay-as-you-go, read from the Azure Retail Prices
API and Microsoft's pricing pages on the date below. Other regions differ by a few percent.
"""

from __future__ import annotations

PRICES_DATE = "2026-10-09"
PRICES_SOURCE = "Azure Retail Prices API (prices.azure.com), US East, Linux, pay-as-you-go"

# USD per hour unless the name says otherwise.
NODE_PER_HOUR = {"Standard_B2s": 0.042, "Standard_D2s_v3": 0.096}
CONTROL_PLANE_PER_HOUR = {"Free": 0.0, "Standard": 0.10}
LOAD_BALANCER_PER_HOUR = 0.03  # Standard LB + public IP while a LoadBalancer Service exists (estimate)
ACR_BASIC_PER_DAY = 0.167
ACI_VCPU_PER_HOUR = 0.0405
ACI_GB_PER_HOUR = 0.00445


def node_hour(vm_size: str) -> float:
    """Price of one node VM for an hour; sizes not in the table are priced like a D2s_v3 (and said so)."""
    return NODE_PER_HOUR.get(vm_size, NODE_PER_HOUR["Standard_D2s_v3"])


def cluster_hour(vm_size: str, nodes: int = 1, tier: str = "Free") -> float:
    return CONTROL_PLANE_PER_HOUR[tier] + nodes * node_hour(vm_size)


def aci_hour(cpu: float = 1.0, memory_gb: float = 1.5) -> float:
    return cpu * ACI_VCPU_PER_HOUR + memory_gb * ACI_GB_PER_HOUR


def lab_estimate(vm_size: str = "Standard_B2s", hours: float = 1.0, aci_hours: float = 0.5) -> list[tuple]:
    """The whole lab, item by item: (item, how long, USD)."""
    return [
        (f"AKS cluster, Free tier, 1 × {vm_size} node", f"{hours:g} h", hours * cluster_hour(vm_size)),
        ("Load balancer + public IP (notebook 05)", f"{hours / 2:g} h", hours / 2 * LOAD_BALANCER_PER_HOUR),
        ("Container registry, Basic", "1 day (billed daily)", ACR_BASIC_PER_DAY),
        ("Container instance, 1 vCPU / 1.5 GB", f"{aci_hours:g} h", aci_hours * aci_hour()),
    ]


def estimate_table(vm_size: str = "Standard_B2s", hours: float = 1.0):
    """The lab estimate as rows for :func:`labkit.ui.show`, with the total and the table's date."""
    rows = [(f"{item} ({span})", f"${usd:.3f}") for item, span, usd in lab_estimate(vm_size, hours)]
    total = sum(usd for *_, usd in lab_estimate(vm_size, hours))
    return rows + [("Total for the lab", f"≈ ${total:.2f}"), ("Prices", f"{PRICES_SOURCE}, read {PRICES_DATE}")]
