"""What the lab costs: :mod:`~labkit.costs.pricing` (the dated price table, estimates before each create) and
:mod:`~labkit.costs.meter` (the ledger and the running total at the end of each notebook).

Notebooks and sections use ``from labkit import costs`` and the names below. The prices are
read from the table in use: ``costs.table().node_per_hour`` ….
"""

from __future__ import annotations

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
