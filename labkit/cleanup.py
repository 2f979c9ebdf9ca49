"""Notebook 99-cleanup and ``labkit cleanup``: find the lab's resource groups by their tags, delete, verify.

Nothing here remembers what was created: the groups are found by the tag ``course=aks-workbook``
(set on everything the lab creates), so cleanup works after a kernel restart or on another machine.
A group that Azure manages for a cluster (the AKS node resource group ``MC_…``) is never deleted
directly: it goes with its cluster, and is shown and verified with it.
"""

from __future__ import annotations

import datetime as dt

from labkit import costs, ui
from labkit.config import COURSE_TAG
from labkit.errors import LabError, explain

TAG_FILTER = f"tagName eq 'course' and tagValue eq '{COURSE_TAG}'"


def course_groups(lab) -> list[dict]:
    """Every resource group of the course in the subscription, whoever owns it (one ARM call)."""
    found = []
    for group in lab.resources.resource_groups.list(filter=TAG_FILTER):
        tags = group.tags or {}
        managed_by = group.managed_by or ""
        found.append({"name": group.name, "location": group.location, "owner": tags.get("owner", "?"),
                      "created": tags.get("created", ""), "expires": tags.get("expires", ""),
                      "node_of": managed_by.rstrip("/").split("/")[-1] if "/managedclusters/" in managed_by.lower()
                      else "", "managed_by": managed_by,
                      "state": group.properties.provisioning_state if group.properties else ""})
    return found


def _groups_of_clusters(groups: list[dict], chosen: list[dict]) -> list[dict]:
    """``chosen`` plus the node resource groups whose cluster lives in one of the chosen groups."""
    names = {g["name"].lower() for g in chosen}
    nodes = [g for g in groups if g["node_of"] and g not in chosen and _parent(g) in names]
    return chosen + nodes


def lab_groups(lab) -> list[dict]:
    """This learner's groups: tagged with the course and their owner (or named like their lab), with node groups."""
    groups = course_groups(lab)
    c = lab.config
    mine = [g for g in groups if not g["node_of"] and (g["owner"] == c.owner or g["name"] == c.resource_group)]
    return _groups_of_clusters(groups, mine)


def class_groups(lab, *, owner: str | None = None, expired: bool = False, older_than: float | None = None,
                 now: dt.datetime | None = None) -> list[dict]:
    """An instructor's selection across the class: by owner, expired (``expires`` tag before today) or age."""
    groups = course_groups(lab)
    today = (now or dt.datetime.now(dt.timezone.utc)).date()

    def chosen(g):
        if g["node_of"] or (owner and g["owner"] != owner):
            return False
        if expired and not (g["expires"] and dt.date.fromisoformat(g["expires"]) < today):
            return False
        return not (older_than is not None and not (
            g["created"] and (today - dt.date.fromisoformat(g["created"])).days >= older_than))

    return _groups_of_clusters(groups, [g for g in groups if chosen(g)])


def _parent(group: dict) -> str:
    """The resource group that holds the cluster of a node resource group (lowercase)."""
    return group["managed_by"].lower().split("/resourcegroups/")[-1].split("/")[0]


def inventory(lab, groups: list[dict]) -> dict:
    """What each deletable group holds: ``{group: [resource, ...]}`` (listed with their creation times)."""
    return {g["name"]: list(lab.resources.resources.list_by_resource_group(g["name"], expand="createdTime"))
            for g in groups if not g["node_of"]}


def show_plan(groups: list[dict], holds: dict, title: str) -> None:
    """One row a group: owner, region, expiry, and what goes with it."""
    rows = []
    for g in groups:
        if g["node_of"]:
            what = f"node resource group of AKS cluster {g['node_of']}: Azure deletes it with the cluster"
        else:
            what = "; ".join(f"{r.type.split('/', 1)[-1]} {r.name}" for r in holds.get(g["name"], [])) or "(empty)"
        rows.append((g["name"], f"owner {g['owner']} · {g['location']} · expires {g['expires'] or '?'} · {what}"))
    ui.show(rows or [("nothing", f"no resource group tagged course={COURSE_TAG} matches")], title)


def plan(lab) -> list[dict]:
    """Find this learner's groups by tag and show everything that will be deleted (nothing is deleted yet)."""
    with lab.step("plan"):
        groups = lab_groups(lab)
        holds = inventory(lab, groups)
        priced = [(r.id, costs.priced(lab, r)) for listed in holds.values() for r in listed]
    show_plan(groups, holds, f"What cleanup will delete (az group list --tag course={COURSE_TAG} -o table)")
    ledger = costs.Ledger.of(lab)
    for rid, entry in priced:
        if entry is not None and rid.lower() not in ledger.entries:
            ledger.opened(rid, entry["item"], entry["start"], per_hour=entry.get("per_hour", 0.0),
                          per_day=entry.get("per_day", 0.0))
    return groups


def delete_groups(lab, groups: list[dict], *, step: str = "delete", meter: bool = False) -> list[str]:
    """Start every delete at once, then wait for each; keep going after a failure. Returns the failed names.

    With ``meter``, what was deleted is closed in the lab's cost ledger (notebook 99; not for a class).
    """
    from azure.core.exceptions import HttpResponseError

    failed = []
    with lab.step(step):
        started = [(g, lab.resources.resource_groups.begin_delete(g["name"])) for g in groups if not g["node_of"]]
        for group, poller in started:
            progress = ui.Progress(f"Delete resource group {group['name']} and everything in it",
                                   f"az group delete --name {group['name']} --yes")
            try:
                while not poller.done():
                    progress.update(poller.status())
                    poller.wait(5)
                poller.result()
            except HttpResponseError as err:
                friendly = explain(err, doing=f"Deleting {group['name']}")
                progress.finish(False, getattr(friendly, "problem", str(err)), getattr(
                    friendly, "fix", "run the delete again: it resumes with what is left."))
                failed.append(group["name"])
                continue
            went = [g["name"] for g in groups if g["node_of"] and _parent(g) == group["name"].lower()]
            progress.finish(True, f"{group['name']} deleted" + "".join(
                f"; node resource group {name} went with its cluster" for name in went))
        ended = costs.now(lab) if meter else None
    if meter:
        ledger = costs.Ledger.of(lab)
        gone = [f"/resourcegroups/{g['name'].lower()}/" for g, _ in started if g["name"] not in failed]
        for rid in [r for r in ledger.entries if any(part in r for part in gone)]:
            ledger.closed(rid, ended)
    return failed


def delete(lab, groups: list[dict]) -> None:
    """Delete the planned groups (notebook 99); a failure halfway says what is left and how to finish."""
    failed = delete_groups(lab, groups, meter=True)
    if failed:
        raise LabError(f"{len(failed)} of {sum(not g['node_of'] for g in groups)} resource groups could not be "
                       f"deleted: {', '.join(failed)}. The others are gone.",
                       "run the delete cell again (it deletes what is left); if a resource blocks it, delete that "
                       "resource in the portal first, then run the cell again.")


def leftovers(lab, groups: list[dict], *, step: str = "verify") -> list[str]:
    """The planned groups that still exist: asked by tag again, and by name for each (node groups too)."""
    with lab.step(step):
        tagged = {g["name"].lower() for g in course_groups(lab)}
        return [g["name"] for g in groups
                if g["name"].lower() in tagged or lab.resources.resource_groups.check_existence(g["name"])]


def verify(lab, groups: list[dict]) -> None:
    """✅ when nothing of the lab is left in Azure, ⛔ with the names otherwise (see :func:`leftovers`)."""
    left = leftovers(lab, groups)
    ui.status(not left, "Nothing of your lab is left in Azure: no resource group tagged as yours, and none of the "
                        "planned groups (node group included) exists." if not left else
              f"Still there: {', '.join(left)}", "" if not left else "run the delete cell again in a few minutes.")
