"""What one lab has running now, since when, and what it has cost: the cost section's cell in every notebook.

Found by tags (``course`` and ``lab``), from any machine: the lab's cluster (running or stopped, node count),
registry, container group, the load balancer a Service opened, the lab's age, its cost so far (the lab's price
table, from each resource's creation time), its expiry, and whether it is forgotten: past its ``expires`` date with
something still in it, or running with no change for :data:`IDLE_HOURS` hours. Reads only. ``labkit class
status`` (:mod:`labkit.instructor.status`) shows the same rows for a whole class.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from labkit import costs, ui
from labkit.groups import Group
from labkit.steps import step

if TYPE_CHECKING:
    from labkit.lab import Lab

IDLE_HOURS = 3.0
CLUSTER = "microsoft.containerservice/managedclusters"
REGISTRY = "microsoft.containerregistry/registries"
CONTAINERS = "microsoft.containerinstance/containergroups"
PUBLIC_IP = "microsoft.network/publicipaddresses"
SERVICE_IP = "kubernetes-"  # AKS names the public IP of a Service of type LoadBalancer kubernetes-<id>


@dataclass
class LabStatus:
    """One learner's lab as Azure shows it now."""

    group: str
    owner: str
    expires: str
    cluster: str = "none"
    registry: str = "none"
    containers: str = "none"
    load_balancer: str = "none"
    age_hours: float = 0.0
    cost: float = 0.0
    forgotten: list[str] = field(default_factory=list)

    def cells(self) -> list[str]:
        return [
            self.owner,
            self.group,
            self.cluster,
            self.registry,
            self.containers,
            self.load_balancer,
            f"{self.age_hours:.1f} h",
            f"${self.cost:.2f}",
            self.expires or "?",
            "; ".join(self.forgotten) or "no",
        ]


HEADINGS = [
    "Learner",
    "Resource group",
    "Cluster",
    "Registry",
    "Container group",
    "Load balancer",
    "Age",
    "Cost so far",
    "Expires",
    "Forgotten",
]


def _names(resources, kind: str) -> list[str]:
    return [r.name for r in resources if (r.type or "").lower() == kind]


def _charge(resource, now: dt.datetime, *, per_hour: float = 0.0, per_day: float = 0.0) -> float:
    """USD of one resource from its creation until now (the cost meter's rule, :func:`labkit.costs.charge`)."""
    entry = {"start": resource.created_time or now, "per_hour": per_hour, "per_day": per_day}
    return costs.charge(entry, now)[1]


def _cluster(lab: Lab, group: str, name: str) -> tuple[str, float, bool]:
    """(what to show, cost per hour now, running) for one cluster."""
    cluster = lab.aks.managed_clusters.get(group, name)
    state = ui.plain(getattr(getattr(cluster, "power_state", None), "code", None)) or "Running"
    pools = cluster.agent_pool_profiles or []
    if state == "Stopped":  # no node VMs billed; their OS disks and the egress load balancer and IP still are
        per_hour = sum(p.count or 0 for p in pools) * costs.os_disk_hour() + costs.egress_hour()
        return f"{name}: stopped", per_hour, False
    nodes = sum(p.count or 0 for p in pools)
    return f"{name}: running, {nodes} node{'s' if nodes != 1 else ''}", costs.cluster_hour_of(cluster), True


def lab_status(
    lab: Lab, group: Group, node_groups: list[Group], now: dt.datetime, *, idle_hours: float = IDLE_HOURS
) -> LabStatus:
    """One lab's status, read from its group (and its cluster's node group, for a Service's load balancer)."""
    resources = list(lab.resources.resources.list_by_resource_group(group.name, expand="createdTime,changedTime"))
    status = LabStatus(group.name, group.owner, group.expires)
    running, cost = [], 0.0
    for r in resources:
        kind = (r.type or "").lower()
        if kind == CLUSTER:
            status.cluster, per_hour, up = _cluster(lab, group.name, r.name)
            running += [r.name] if up else []
            cost += _charge(r, now, per_hour=per_hour)
        elif kind == REGISTRY:
            cost += _charge(r, now, per_day=costs.table().acr_basic_per_day)
        elif kind == CONTAINERS:
            running.append(r.name)
            cost += _charge(r, now, per_hour=costs.aci_hour())
    status.registry = ", ".join(_names(resources, REGISTRY)) or "none"
    status.containers = ", ".join(_names(resources, CONTAINERS)) or "none"
    listed = lab.resources.resources.list_by_resource_group
    ips = [
        r
        for g in node_groups
        for r in listed(g.name, expand="createdTime")
        if (r.type or "").lower() == PUBLIC_IP and r.name.startswith(SERVICE_IP)
    ]
    if ips:
        status.load_balancer = f"{len(ips)} Service public IP{'s' if len(ips) > 1 else ''}"
        cost += sum(_charge(r, now, per_hour=costs.table().load_balancer_per_hour) for r in ips)
    times = [costs.parse_time(t) for r in resources for t in (r.created_time, r.changed_time) if t]
    status.age_hours = max((now - min(times)).total_seconds() / 3600, 0.0) if times else 0.0
    status.cost = cost
    status.forgotten = forgotten(status.expires, resources, running, max(times) if times else None, now, idle_hours)
    return status


def forgotten(
    expires: str, resources: list, running: list[str], last_change, now: dt.datetime, idle_hours: float
) -> list[str]:
    """Why a lab counts as forgotten: past its expiry with something still in it; running but untouched."""
    why = []
    try:
        past = bool(expires) and dt.date.fromisoformat(expires) < now.date()
    except ValueError:
        past = False
    if past and resources:
        why.append(f"past expiry ({expires}) with {len(resources)} resource(s)")
    if running and last_change is not None and (now - last_change).total_seconds() / 3600 >= idle_hours:
        why.append(f"{', '.join(running)} running, no change for {(now - last_change).total_seconds() / 3600:.0f} h")
    return why


@step("Listing the lab's resource groups")
def show_lab_status(lab: Lab, *, idle_hours: float = IDLE_HOURS) -> ui.Shown:
    """A notebook's cost cell: this learner's own lab as it is in Azure now (the rows an instructor's class view
    shows, by the same rules)."""
    from labkit.groups import course_groups, lab_groups, parent_group

    groups = lab_groups(lab, course_groups(lab))
    now = costs.now(lab)
    mine = [
        lab_status(
            lab, g, [n for n in groups if n.node_of and parent_group(n) == g.name.lower()], now, idle_hours=idle_hours
        )
        for g in groups
        if not g.node_of
    ]
    for status in mine:
        ui.show(list(zip(HEADINGS[1:], status.cells()[1:], strict=True)), f"Your lab in Azure now ({status.group})")
        if status.forgotten:
            ui.status(
                False,
                f"{status.group} looks forgotten: {'; '.join(status.forgotten)}.",
                "stop the cluster (`aks.stop_cluster(lab)`, notebook 02) or delete the lab (99-cleanup) if "
                "you are done with it.",
            )
    if not mine:
        ui.status(True, "Nothing of your lab is in Azure now: no resource group tagged as yours.")
    return ui.Shown(mine)
