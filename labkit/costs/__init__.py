"""What the lab costs: :mod:`~labkit.costs.pricing` (the dated price table, estimates before each create) and
:mod:`~labkit.costs.meter` (the ledger and the running total at the end of each notebook).

Notebooks and sections use ``from labkit import costs`` and the names below. The table's prices are also
readable under their former constant names (``costs.NODE_PER_HOUR`` …), always from the table in use.
"""

from __future__ import annotations

from typing import Any

from labkit.costs.meter import Ledger, charge, now, parse_time, priced, running_total, show_running_total
from labkit.costs.pricing import (
    ACI_CPU,
    ACI_MEMORY_GB,
    ACI_SIZE,
    DATED,
    HOURS_PER_MONTH,
    OS_DISK_TIERS,
    TIER_SLA,
    PriceTable,
    aci_hour,
    before_create,
    cluster_hour,
    cluster_hour_of,
    egress_hour,
    estimate_table,
    lab_estimate,
    node_hour,
    os_disk_hour,
    prices_for,
    refresh,
    retail_price,
    table,
    tier_table,
    use,
)

__all__ = [
    "ACI_CPU",
    "ACI_MEMORY_GB",
    "ACI_SIZE",
    "DATED",
    "HOURS_PER_MONTH",
    "OS_DISK_TIERS",
    "TIER_SLA",
    "Ledger",
    "PriceTable",
    "aci_hour",
    "before_create",
    "charge",
    "cluster_hour",
    "cluster_hour_of",
    "egress_hour",
    "estimate_table",
    "lab_estimate",
    "node_hour",
    "now",
    "os_disk_hour",
    "parse_time",
    "priced",
    "prices_for",
    "refresh",
    "retail_price",
    "running_total",
    "show_running_total",
    "table",
    "tier_table",
    "use",
]

_FORMER_NAMES = {  # constant name -> the PriceTable field it now is
    "PRICES_DATE": "date",
    "PRICES_SOURCE": "source",
    "NODE_PER_HOUR": "node_per_hour",
    "OS_DISK_PER_MONTH": "os_disk_per_month",
    "STANDARD_LB_PER_HOUR": "standard_lb_per_hour",
    "PUBLIC_IP_PER_HOUR": "public_ip_per_hour",
    "LOAD_BALANCER_PER_HOUR": "load_balancer_per_hour",
    "CONTROL_PLANE_PER_HOUR": "control_plane_per_hour",
    "ACR_BASIC_PER_DAY": "acr_basic_per_day",
    "ACI_VCPU_PER_HOUR": "aci_vcpu_per_hour",
    "ACI_GB_PER_HOUR": "aci_gb_per_hour",
}


def __getattr__(name: str) -> Any:
    """A price under its former constant name, read from the table in use (so a live refresh shows)."""
    if name in _FORMER_NAMES:
        return getattr(table(), _FORMER_NAMES[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
