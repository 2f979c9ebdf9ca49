"""``labkit preflight``: will the class fit in this subscription and region? Checked before class, not found in it.

One table, each row ✅ or ⛔ with the exact fix: the resource providers registered; the regional and VM-family
vCPU quota against what N learners need at their peak (:data:`NODES_PER_LEARNER`); the node size offered and
not restricted for the subscription in the region (with Azure's restriction reason); AKS, ACR and Container
Instances offered there; the session's cost for N learners. It also tries other regions and says where the
class fits. Reads only: nothing is created, changed or registered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from labkit import costs
from labkit.config import VM_SIZE, check_region, check_vm_size
from labkit.instructor.clients import compute
from labkit.setup import PROVIDERS
from labkit.steps import step

if TYPE_CHECKING:
    from labkit.lab import Lab

# A learner's nodes at the peak of notebook 02: the system pool's node, the user pool's node, and the surge
# node an upgrade adds while it replaces a node.
PEAK_NODES = (("system pool node", 1), ("user pool node (notebook 02)", 1), ("upgrade surge node", 1))
NODES_PER_LEARNER = sum(n for _, n in PEAK_NODES)
# What each provider must offer in the region: the resource type the lab creates with it.
OFFERED = {
    "Microsoft.ContainerService": "managedClusters",
    "Microsoft.ContainerRegistry": "registries",
    "Microsoft.ContainerInstance": "containerGroups",
}
OTHER_REGIONS = ("eastus2", "westus3", "swedencentral")  # tried when the chosen region does not fit
SESSION_HOURS = 2.0


@dataclass(frozen=True)
class Check:
    """One row of the preflight table."""

    name: str
    ok: bool
    found: str
    fix: str = ""


@dataclass
class Region:
    """What Azure says about one region: vCPU usage by quota name, and the VM sizes listed for it."""

    name: str
    usages: dict  # quota name -> (used, limit, display name)
    sizes: dict  # VM size -> ResourceSku


def vcpus_of(vm_size: str) -> int:
    size = VM_SIZE.fullmatch(check_vm_size(vm_size))
    assert size is not None  # check_vm_size refuses a size the pattern does not match
    return int(size["cpus"])


def vcpus_needed(learners: int, vm_size: str) -> int:
    """vCPUs the class holds at once at its peak: every learner's nodes, surge node included."""
    return learners * NODES_PER_LEARNER * vcpus_of(vm_size)


def read_region(lab: Lab, region: str) -> Region:
    """The region's vCPU usages and its VM sizes (Compute usages and resource SKUs), two reads."""
    client = compute(lab)
    usages = {
        u.name.value: (u.current_value, u.limit, u.name.localized_value or u.name.value)
        for u in client.usage.list(region)
    }
    sizes = {
        s.name: s
        for s in client.resource_skus.list(filter=f"location eq '{region}'")
        if s.resource_type == "virtualMachines"
    }
    return Region(region, usages, sizes)


def restriction(sku, region: str) -> str:
    """Why the subscription may not use ``sku`` in ``region`` ('' when it may): Azure's reason code."""
    for r in sku.restrictions or []:
        where = [v.lower() for v in r.values_property or []]
        if str(getattr(r.type, "value", r.type)) == "Location" and region in where:
            return str(getattr(r.reason_code, "value", r.reason_code) or "restricted")
    return ""


def size_problem(facts: Region, vm_size: str) -> str:
    """'' when ``vm_size`` is offered and not restricted in the region; otherwise what is wrong."""
    sku = facts.sizes.get(vm_size)
    if sku is None:
        return f"{vm_size} is not offered in {facts.name}"
    why = restriction(sku, facts.name)
    return f"{vm_size} is restricted for this subscription in {facts.name} ({why})" if why else ""


def quota_short(facts: Region, vm_size: str, learners: int) -> list[tuple[str, str, int, int, int]]:
    """The quotas the class would exceed: (quota name, display name, used, limit, needed)."""
    needed = vcpus_needed(learners, vm_size)
    sku = facts.sizes.get(vm_size)
    names = ["cores"] + ([sku.family] if sku is not None and sku.family else [])
    short = []
    for name in names:
        used, limit, shown = facts.usages.get(name, (0, 0, name))
        if limit - used < needed:
            short.append((name, shown, used, limit, needed))
    return short


def fits(facts: Region, vm_size: str, learners: int) -> bool:
    return not size_problem(facts, vm_size) and not quota_short(facts, vm_size, learners)


def other_sizes(facts: Region, learners: int, current: str) -> list[str]:
    """Sizes the lab has prices for that pass in this region (offered, unrestricted, enough quota)."""
    return [
        size
        for size in costs.table().node_per_hour
        if size != current and size in facts.sizes and vcpus_of(size) >= 2 and fits(facts, size, learners)
    ]


def quota_fix(lab: Lab, region: str, name: str, shown: str, used: int, needed: int) -> str:
    limit = used + needed
    return (
        f"request '{shown}' ≥ {limit} in {region}: portal → Quotas → Compute, or `az quota update "
        f"--resource-name {name} --scope /subscriptions/{lab.subscription_id}/providers/Microsoft.Compute/"
        f"locations/{region} --limit-object value={limit} --resource-type dedicated` (Azure CLI quota "
        f"extension)"
    )


@step("Reading the resource providers")
def provider_checks(lab: Lab, region: str, regions: list[str]) -> tuple[list[Check], dict]:
    """Each provider registered and offering the lab's resource type in the region; the regions each offers."""
    checks, offered_in = [], {}
    for ns in PROVIDERS:
        provider = lab.resources.providers.get(ns)
        state = provider.registration_state or "NotRegistered"
        kind = OFFERED[ns]
        locations = next(
            (
                t.locations or []
                for t in provider.resource_types or []
                if (t.resource_type or "").lower() == kind.lower()
            ),
            [],
        )
        where = {_region_name(loc) for loc in locations}
        offered_in[ns] = where
        checks.append(
            Check(
                f"{ns} registered",
                state == "Registered",
                state,
                ""
                if state == "Registered"
                else f"`az provider register --namespace {ns}` (needs rights "
                "on the subscription; a learner with Contributor on a group cannot), then wait for "
                "Registered",
            )
        )
        others = [r for r in regions if r != region and r in where][:3]
        checks.append(
            Check(
                f"{kind} offered in {region}",
                region in where,
                f"{ns.split('.')[-1]}: {'offered' if region in where else 'not offered'} in {region}",
                "" if region in where else f"use a region that offers it, e.g. {', '.join(others) or '?'}",
            )
        )
    return checks, offered_in


def _region_name(display: str) -> str:
    """'East US 2' -> 'eastus2' (provider listings name regions for people)."""
    return display.replace(" ", "").lower()


def region_checks(lab: Lab, facts: Region, vm_size: str, learners: int) -> list[Check]:
    """The node size in the region, and each vCPU quota against what the class needs."""
    region, checks = facts.name, []
    problem = size_problem(facts, vm_size)
    alternatives = other_sizes(facts, learners, vm_size)
    checks.append(
        Check(
            f"Node size {vm_size} in {region}",
            not problem,
            problem or f"{vm_size} offered, not restricted for this subscription",
            "" if not problem else f"use --vm-size {alternatives[0]}" if alternatives else "use another region (below)",
        )
    )
    needed = vcpus_needed(learners, vm_size)
    sku = facts.sizes.get(vm_size)
    short = {name for name, *_ in quota_short(facts, vm_size, learners)}
    for name in ["cores"] + ([sku.family] if sku is not None and sku.family else []):
        used, limit, shown = facts.usages.get(name, (0, 0, name))
        ok = name not in short
        checks.append(
            Check(
                f"vCPU quota '{shown}' in {region}",
                ok,
                f"{limit - used} free of {limit} ({used} used); the class needs {needed}",
                "" if ok else quota_fix(lab, region, name, shown, used, needed),
            )
        )
    return checks


def cost_check(learners: int, vm_size: str, hours: float) -> Check:
    """What the session costs for the class (the lab's price table), as a row that fails only when unpriced."""
    per_learner = sum(usd for *_, usd in costs.lab_estimate(vm_size, hours))
    if math.isnan(per_learner):
        return Check(
            f"Cost of a {hours:g} h session",
            False,
            f"no price for {vm_size} in labkit's table",
            f"use a size with a price: {', '.join(costs.table().node_per_hour)}",
        )
    return Check(
        f"Cost of a {hours:g} h session",
        True,
        f"≈ ${per_learner * learners:.2f} for {learners} learners (≈ ${per_learner:.2f} each; "
        f"{costs.table().source}, read {costs.table().date})",
    )


def preflight(
    lab: Lab, learners: int, *, hours: float = SESSION_HOURS, others: tuple[str, ...] = OTHER_REGIONS
) -> tuple[list[Check], list[str]]:
    """Every check for ``learners`` in the lab's region with its node size, and the other regions the class fits in."""
    region, vm_size = check_region(lab.config.region), lab.config.vm_size
    candidates = [check_region(r) for r in others if r != region]
    checks, offered_in = provider_checks(lab, region, [region] + candidates)
    checks += check_region_fit(lab, region, vm_size, learners)
    checks.append(cost_check(learners, vm_size, hours))
    return checks, other_regions(
        lab, [r for r in candidates if all(r in where for where in offered_in.values())], vm_size, learners
    )


@step("Reading the region's quotas and VM sizes")
def check_region_fit(lab: Lab, region: str, vm_size: str, learners: int) -> list[Check]:
    """The class's region: its quotas and the node size, checked for ``learners`` (:func:`region_checks`)."""
    return region_checks(lab, read_region(lab, region), vm_size, learners)


@step("Reading the other regions' quotas and VM sizes")
def other_regions(lab: Lab, candidates: list[str], vm_size: str, learners: int) -> list[str]:
    """The regions of ``candidates`` (each offering every provider) that the class fits in too."""
    return [other for other in candidates if fits(read_region(lab, other), vm_size, learners)]


def table(checks: list[Check]) -> str:
    """The checks as aligned text: mark, check, what was found, and the fix under a failing row."""
    width = max(len(c.name) for c in checks)
    lines = []
    for c in checks:
        lines.append(f"{'✅' if c.ok else '⛔'} {c.name.ljust(width)}  {c.found}")
        if c.fix:
            lines.append(f"   {''.ljust(width)}  fix: {c.fix}")
    return "\n".join(lines)
