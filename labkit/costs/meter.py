"""What the lab has cost so far: the lab's clock, the ledger of what it created and deleted, and the running total.

The running total (end of each notebook) is computed from what exists in Azure, each resource priced from its
``createdTime``, plus a ledger of what the lab already deleted (kept in the lab folder, so it survives a kernel
restart; replay reads the recorded lab's ledger, so every notebook's total is cumulative).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labkit.costs.pricing import ACI_SIZE, aci_hour, cluster_hour_of, plain, table

if TYPE_CHECKING:
    from labkit.lab import Lab


def now(lab: Lab) -> dt.datetime:
    """The current time, through labkit's boundary: recorded in record mode, the recorded time in replay."""
    stamp = lab.result_of("clock.now", lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    return parse_time(stamp)


def parse_time(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return parse_time(dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")))


class Ledger:
    """What the lab created and deleted, with prices: ``{resource id: {item, per_hour, per_day, start, end}}``.

    Kept as JSON in the lab folder in live and record mode; in replay it lives as long as the session,
    so replayed notebooks never depend on what another run left behind.
    """

    def __init__(self, path: Path | None, entries: dict):
        self.path, self.entries = path, entries

    @classmethod
    def of(cls, lab: Lab) -> Ledger:
        if not lab.policy.keeps_ledger_file:
            return _REPLAY_LEDGERS.setdefault(lab, cls(None, {}))
        from labkit.home import lab_home

        path = lab_home() / f"ledger-{lab.config.resource_group}.json"
        return cls(path, json.loads(path.read_text(encoding="utf-8")) if path.exists() else {})

    def opened(self, rid: str, item: str, start: Any, *, per_hour: float = 0.0, per_day: float = 0.0) -> None:
        self.entries[rid.lower()] = {
            "item": item,
            "per_hour": per_hour,
            "per_day": per_day,
            "start": parse_time(start).isoformat(),
            "end": None,
        }
        self._save()

    def closed(self, rid: str, end: Any) -> None:
        if rid.lower() in self.entries:
            self.entries[rid.lower()]["end"] = parse_time(end).isoformat()
            self._save()

    def _save(self) -> None:
        if self.path is not None:  # it names the subscription: private (0600) in the private lab folder
            from labkit.home import private_home, write_private

            private_home()
            write_private(self.path, json.dumps(self.entries, indent=2))


_REPLAY_LEDGERS: weakref.WeakKeyDictionary[Any, Ledger] = weakref.WeakKeyDictionary()


def charge(entry: dict, until: dt.datetime | None) -> tuple[float, float]:
    """(hours, USD) of one ledger-shaped entry up to its end, or ``until`` while it still exists."""
    end = parse_time(entry["end"]) if entry.get("end") else until
    if end is None:
        raise ValueError("an entry without an end is charged up to `until`, which is missing")
    hours = max((end - parse_time(entry["start"])).total_seconds() / 3600, 0.0)
    days = max(math.ceil(hours / 24), 1) if entry.get("per_day") else 0
    return hours, hours * entry.get("per_hour", 0.0) + days * entry.get("per_day", 0.0)


def priced(lab: Lab, resource: Any) -> dict | None:
    """A ledger-shaped entry for an existing resource (from a listing with ``createdTime``), or None if free."""
    kind = (resource.type or "").lower()
    start = resource.created_time
    if kind == "microsoft.containerservice/managedclusters":
        rg = resource.id.split("/")[4]
        cluster = lab.aks.managed_clusters.get(rg, resource.name)
        tier = plain(cluster.sku.tier) if cluster.sku else "Free"
        nodes = ", ".join(f"{p.count} × {p.vm_size}" for p in cluster.agent_pool_profiles or [])
        return {
            "item": f"AKS cluster {resource.name} ({tier} tier, {nodes}; OS disks, load balancer, public IP)",
            "per_hour": cluster_hour_of(cluster),
            "start": start,
        }
    if kind == "microsoft.containerregistry/registries":
        return {
            "item": f"Container registry {resource.name} (Basic, billed daily)",
            "per_day": table().acr_basic_per_day,
            "start": start,
        }
    if kind == "microsoft.containerinstance/containergroups":
        return {"item": f"Container instance {resource.name} ({ACI_SIZE})", "per_hour": aci_hour(), "start": start}
    return None


def running_total(lab: Lab) -> tuple[list[tuple[str, str]], float, dt.datetime | None]:
    """What the lab has cost so far: rows, total in USD, and when the lab began (its first resource)."""
    from labkit.groups import lab_groups

    with lab.step("running_total"):  # the step is named after its function, like every @step
        # What earlier notebooks made and deleted, whatever kernel ran them: the ledger file (live, record), or
        # the recorded lab's ledger at this point (replay), so the total is cumulative in every mode.
        earlier = lab.result_of("costs.ledger", lambda: dict(Ledger.of(lab).entries))
        entries = {**earlier, **Ledger.of(lab).entries}
        for group in lab_groups(lab):
            if group.node_of:
                continue  # the node VMs are priced with their cluster
            for resource in lab.resources.resources.list_by_resource_group(group.name, expand="createdTime"):
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


def show_running_total(lab: Lab) -> None:
    """The cost meter at the end of a notebook: each thing the lab made, how long it ran, and the total."""
    from labkit import ui

    rows, total, began = running_total(lab)
    since = f" since the lab began ({began:%Y-%m-%d %H:%M} UTC)" if began else ""
    ui.show(
        rows + [("Total so far", f"≈ ${total:.2f}{since}"), ("Prices", table().label)],
        "Cost meter: what this lab has cost so far (estimate)",
    )
    if lab.policy.replaying:
        ui.status(True, f"Replay: {lab.replay_source()}")
