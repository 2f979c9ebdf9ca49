"""Notebook 99-cleanup and ``labkit cleanup``: find the lab's resource groups by their tags, delete, verify.

Nothing here remembers what was created: everything the lab creates carries the tags ``course=aks-workbook``
and ``lab=<the lab's resource group>``, so cleanup works after a kernel restart or on another machine. A
learner's cleanup selects only the groups whose ``lab`` tag is this lab's: the ``owner`` tag is shared by
every learner with the same prefix, so it never decides what a learner deletes. The course tag is checked
again here, whatever the server's ``$filter`` returned. A group that Azure manages for a cluster (the AKS
node resource group ``MC_…``) is never deleted directly: it goes with its cluster, and is shown and
verified with it. Values read from Azure are printed escaped (:func:`shown`): a tag cannot forge a line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from labkit import costs, ui
from labkit.config import COURSE_TAG
from labkit.errors import AZURE_HINTS, LabError
from labkit.groups import Group, course_groups, lab_groups, of_the_course, parent_group, with_node_groups
from labkit.polling import wait_for
from labkit.steps import shown as failed
from labkit.steps import step

if TYPE_CHECKING:
    from labkit.lab import Lab

DELETED, GONE, REFUSED, FAILED = "deleted", "already gone", "refused", "failed"  # how each group's delete ends
REPLAY_NOTE = " (replay: a recorded answer, nothing was deleted)"
FIXES = {  # what to do about a delete Azure refused or could not finish, by error code
    "AuthorizationFailed": "deleting a resource group needs Contributor (or Owner) on it: ask for that role, or ask "
    "whoever has it to delete the group.",
    "ScopeLocked": "a lock protects the group: list it with `az lock list -g <group>`, remove it (if it is yours to "
    "remove), then run the delete again.",
}


def shown(value, limit: int = 64) -> str:
    """A value read from Azure as it may be printed: control characters escaped, cut to ``limit`` characters."""
    text = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tag_date(group: Group, key: str) -> dt.date | None:
    """The date in a group's ``created`` or ``expires`` tag; None if absent; ValueError if it is not a date."""
    value = group.tags.get(key)
    if value is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise ValueError(f"tag {key}='{shown(value)}' is not a date (YYYY-MM-DD)")


def class_groups(
    lab: Lab,
    *,
    owner: str | None = None,
    expired: bool = False,
    older_than: float | None = None,
    now: dt.datetime | None = None,
) -> tuple[list[Group], list[tuple[Group, str]]]:
    """An instructor's selection across the class: by owner, expired (``expires`` tag before today) or age.

    Returns the selected groups (with their node groups) and the groups left out because a date tag the
    selection needs is not a date, each with why. An empty ``owner`` is refused: it is nobody, not everybody.
    """
    if owner is not None and not owner.strip():
        raise LabError(
            "An empty owner selects nobody (it would have meant every learner's groups).",
            "give the learner's owner tag, e.g. --owner alice, or leave --owner out.",
        )
    groups = course_groups(lab)
    today = (now or dt.datetime.now(dt.UTC)).date()
    chosen, unreadable = [], []
    for g in groups:
        if g.node_of or not of_the_course(g) or (owner is not None and g.owner != owner):
            continue
        try:
            expires = _tag_date(g, "expires") if expired else None
            created = _tag_date(g, "created") if older_than is not None else None
        except ValueError as why:
            unreadable.append((g, str(why)))
            continue
        if expired and not (expires and expires < today):
            continue
        if older_than is not None and not (created and (today - created).days >= older_than):
            continue
        chosen.append(g)
    return with_node_groups(groups, chosen), unreadable


@step("Listing the course's resource groups")
def find_class_groups(
    lab: Lab, *, owner: str | None = None, expired: bool = False, older_than: float | None = None
) -> tuple[dt.datetime, list[Group], list[tuple[Group, str]]]:
    """``labkit cleanup``'s selection (:func:`class_groups`) as of the lab's clock: (now, groups, left out)."""
    now = costs.now(lab)
    return (now, *class_groups(lab, owner=owner, expired=expired, older_than=older_than, now=now))


def inventory(lab: Lab, groups: list[Group]) -> dict:
    """What each deletable group holds: ``{group: [resource, ...]}`` (listed with their creation times)."""
    return {
        g.name: list(lab.resources.resources.list_by_resource_group(g.name, expand="createdTime"))
        for g in groups
        if not g.node_of
    }


def show_plan(groups: list[Group], holds: dict, title: str, *, others: int = 0) -> None:
    """One row a group: owner, region, expiry, and what goes with it (values escaped)."""
    rows = []
    for g in groups:
        if g.node_of:
            what = f"node resource group of AKS cluster {shown(g.node_of)}: Azure deletes it with the cluster"
        else:
            what = (
                "; ".join(f"{shown(r.type.split('/', 1)[-1])} {shown(r.name)}" for r in holds.get(g.name, []))
                or "(empty)"
            )
        rows.append(
            (
                shown(g.name, 90),
                f"owner {shown(g.owner)} · {shown(g.location)} · expires {shown(g.expires) or '?'} · {what}",
            )
        )
    if not rows:
        rows = [("nothing", f"no resource group tagged course={COURSE_TAG} is this lab's")]
    if others:
        rows.append(("left alone", f"{others} other group(s) the course tag found: not this lab's"))
    ui.show(rows, title)


@step("Listing the lab's resource groups")
def plan(lab: Lab) -> list[Group]:
    """Find this learner's groups by tag and show everything that will be deleted (nothing is deleted yet)."""
    every = course_groups(lab)
    groups = lab_groups(lab, every)
    holds = inventory(lab, groups)
    priced = [(r.id, costs.priced(lab, r)) for listed in holds.values() for r in listed]
    others = sum(not g.node_of for g in every) - sum(not g.node_of for g in groups)
    show_plan(
        groups,
        holds,
        f"What cleanup will delete: this lab's groups (tags course={COURSE_TAG} and lab={lab.config.resource_group})",
        others=others,
    )
    ledger = costs.Ledger.of(lab)
    for rid, entry in priced:
        if entry is not None and rid.lower() not in ledger.entries:
            ledger.opened(
                rid,
                entry["item"],
                entry["start"],
                per_hour=entry.get("per_hour", 0.0),
                per_day=entry.get("per_day", 0.0),
            )
    return groups


class Outcome(NamedTuple):
    """How one group's delete ended: DELETED, GONE, REFUSED or FAILED, with why and what to do."""

    name: str
    state: str
    why: str = ""
    fix: str = ""

    @property
    def went(self) -> bool:
        return self.state in (DELETED, GONE)


def _ended(group: Group, err, *, started: bool) -> Outcome:
    """The outcome of a delete that met an Azure error: before it started (refused) or while it ran (failed)."""
    status = getattr(err, "status_code", None)
    code = getattr(getattr(err, "error", None), "code", None) or ""
    message = getattr(getattr(err, "error", None), "message", None) or str(err).splitlines()[0]
    why = shown(f"{code or type(err).__name__}" + (f" ({status})" if status else "") + f": {message}", 400)
    if status == 404 and (not started or code == "ResourceGroupNotFound"):
        return Outcome(group.name, GONE, shown(code or "404 Not Found"))
    fix = (
        FIXES.get(code)
        or AZURE_HINTS.get(code)
        or "run the delete again (a few minutes later if it fails the same way): it resumes with what is left."
    )
    refused = not started and status is not None and 400 <= status < 500
    return Outcome(group.name, REFUSED if refused else FAILED, why, fix)


def _line(lab: Lab, outcome: Outcome, went_with: Sequence[str] = ()) -> str:
    """The status line of one outcome; in replay it says that nothing was deleted."""
    name = shown(outcome.name, 90)
    text = {
        DELETED: f"{name} deleted"
        + "".join(f"; node resource group {shown(n, 90)} went with its cluster" for n in went_with),
        GONE: f"{name} was already gone ({outcome.why})",
        REFUSED: f"{name}: the delete was refused: {outcome.why}",
        FAILED: f"{name}: the delete failed: {outcome.why}",
    }[outcome.state]
    return text + (REPLAY_NOTE if lab.policy.replaying else "")


@step("Deleting resource groups")
def delete_groups(lab: Lab, groups: list[Group], *, meter: bool = False) -> list[Outcome]:
    """Start every delete, then wait for each started one; each group ends DELETED, GONE, REFUSED or FAILED.

    A refusal or failure of one group never stops the others. With ``meter``, what went is closed in the
    lab's cost ledger (notebook 99; not for a class). Returns the outcomes in the order of ``groups``.
    """
    from azure.core.exceptions import AzureError

    outcomes, started = {}, []
    for group in (g for g in groups if not g.node_of):
        if not of_the_course(group):  # whoever chose it: labkit deletes only the course's groups
            outcomes[group.name] = outcome = Outcome(
                group.name, REFUSED, f"not tagged course={COURSE_TAG}: labkit deletes only the course's groups"
            )
            ui.status(False, _line(lab, outcome))
            continue
        try:
            started.append((group, lab.resources.resource_groups.begin_delete(group.name)))
        except AzureError as err:
            outcomes[group.name] = outcome = _ended(group, err, started=False)
            ui.status(outcome.went, _line(lab, outcome), outcome.fix)
    for group, poller in started:
        outcomes[group.name] = _wait(lab, group, poller, groups)
    ended = costs.now(lab) if meter else None
    if meter:
        ledger = costs.Ledger.of(lab)
        gone = [f"/resourcegroups/{name.lower()}/" for name, o in outcomes.items() if o.went]
        for rid in [r for r in ledger.entries if any(part in r for part in gone)]:
            ledger.closed(rid, ended)
    return [outcomes[g.name] for g in groups if g.name in outcomes]


def _wait(lab: Lab, group: Group, poller, groups: list[Group]) -> Outcome:
    """Wait for one started delete, showing its progress; its error ends this group only."""
    from azure.core.exceptions import AzureError

    name = shown(group.name, 90)
    progress = ui.Progress(
        lab, f"Delete resource group {name} and everything in it", f"az group delete --name {name} --yes"
    )
    try:
        wait_for(lab, poller, every=5, progress=progress.update)
        poller.result()
    except AzureError as err:
        outcome = _ended(group, err, started=True)
        progress.finish(outcome.went, _line(lab, outcome), outcome.fix)
        return outcome
    outcome = Outcome(group.name, DELETED)
    went = [g.name for g in groups if g.node_of and parent_group(g) == group.name.lower()]
    progress.finish(True, _line(lab, outcome, went))
    return outcome


def delete(lab: Lab, groups: list[Group], *, confirm: str | None = None) -> None:
    """Delete the planned groups (notebook 99) once the learner confirms with the lab's resource group's name.

    Live, nothing is deleted without ``confirm``; in replay nothing is deleted either way, and the cell shows
    the recorded lab's delete. A failure halfway says what is left and how to finish.
    """
    targets = [g for g in groups if not g.node_of]
    if not targets:
        ui.status(True, "Nothing to delete: no resource group of this lab was found.")
        return
    wanted = lab.config.resource_group
    confirmed = isinstance(confirm, str) and confirm.strip().lower() == wanted.lower()  # Azure's names ignore case
    ask = f'set confirm = "{wanted}" in the parameters cell, run that cell, then run this one again'
    if lab.policy.replaying:
        ui.status(
            True,
            "Replay: nothing is deleted. Below is what the recorded lab's delete did."
            + ("" if confirmed else f" Live, this cell deletes only once you confirm: {ask}."),
        )
    elif not confirmed:
        problem = (
            "Nothing was deleted: cleanup waits for your go-ahead."
            if confirm in (None, "")
            else f"Nothing was deleted: confirm={shown(confirm)!r} is not this lab's resource group ({wanted})."
        )
        raise failed(LabError(problem, f"check the plan above, then {ask}."))
    outcomes = delete_groups(lab, groups, meter=True)
    left = [o for o in outcomes if not o.went]
    if left:
        raise LabError(
            f"{len(left)} of {len(targets)} resource groups could not be deleted: "
            + ", ".join(f"{shown(o.name, 90)} ({o.state}: {o.why})" for o in left)
            + ". The others are gone.",
            "run the delete cell again (it deletes what is left); if a resource blocks it, delete that "
            "resource in the portal first, then run the cell again.",
        )


@step("Listing the lab's resource groups")
def leftovers(lab: Lab, groups: list[Group]) -> list[str]:
    """The planned groups that still exist: asked by tag again, and by name for each (node groups too)."""
    tagged = {g.name.lower() for g in course_groups(lab)}
    return [g.name for g in groups if g.name.lower() in tagged or lab.resources.resource_groups.check_existence(g.name)]


def verify(lab: Lab, groups: list[Group]) -> None:
    """✅ when nothing of the lab is left in Azure, ⛔ with the names otherwise (see :func:`leftovers`)."""
    left = leftovers(lab, groups)
    replay = " (replay: the recorded lab's answer; nothing was deleted)" if lab.policy.replaying else ""
    ui.status(
        not left,
        "Nothing of your lab is left in Azure: no resource group tagged as yours, and none of the "
        "planned groups (node group included) exists." + replay
        if not left
        else f"Still there: {', '.join(shown(n, 90) for n in left)}",
        "" if not left else "run the delete cell again in a few minutes.",
    )
