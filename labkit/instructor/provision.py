"""``labkit class provision`` / ``deprovision``: one tagged resource group per learner, Contributor on it only.

Each learner's group is named as their lab names it (``rg-<prefix>-<suffix>``) and tagged as the lab tags it
(``course``, ``owner``, ``created``, ``expires``, ``lab`` = the group's name) plus ``class`` = the class's name.
The learner (an Entra ID user) gets the built-in Contributor role on that group and nothing else. Each learner's
lab settings are written as the settings file their lab loads (``learner.json``, see :mod:`labkit.home`), so their
notebooks name exactly the group they were given. Both commands are dry runs unless ``yes``; a group that exists
but is not tagged for this class is never changed, and deprovision deletes only groups tagged for this class.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from labkit.config import CLASS_NAME, COURSE_TAG, LabConfig, Provisioned, new_suffix
from labkit.errors import LabError
from labkit.groups import Group
from labkit.home import SETTINGS, write_private
from labkit.instructor.clients import authorization, graph_user_id
from labkit.instructor.roster import Learner
from labkit.steps import step

if TYPE_CHECKING:
    from labkit.lab import Lab

CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"  # the built-in Contributor role's id, the same in every tenant
CLASS_FILE = "class.json"  # in the output folder: each learner's suffix, so a second run finds the same groups
CREATED, KEPT, WOULD, REFUSED = "created", "already provisioned", "would create (dry run)", "refused"


@dataclass
class Seat:
    """One learner's place in the class: their lab settings, principal, and what provisioning did."""

    learner: Learner
    config: LabConfig
    principal: str = ""
    group: str = ""
    role: str = ""


def check_class(name: str) -> str:
    if not isinstance(name, str) or not re.fullmatch(CLASS_NAME[0], name):
        raise LabError(
            f"{str(name)[:50]!r} is not a class name.",
            "use 1–40 letters, digits, '.', '_' or '-', e.g. --class aks-2026-11.",
        )
    return name


def class_tags(config: LabConfig, class_name: str) -> dict:
    """The learner lab's own tags, and the class it belongs to."""
    return {**config.tags(), "class": class_name}


def tagged_for(tags: dict, group: str, class_name: str) -> bool:
    """A group labkit may change for this class: course, class and lab (= its own name) tags all agree."""
    return (
        tags.get("course") == COURSE_TAG
        and tags.get("class") == class_name
        and (tags.get("lab") or "").lower() == group.lower()
    )


def seats(lab: Lab, learners: list[Learner], *, days: int, known: dict) -> list[Seat]:
    """Each learner's lab settings: the lab's region and node size, their prefix, the suffix known or a new one."""
    c = lab.config
    return [
        Seat(
            learner,
            LabConfig(
                mode=c.mode,
                region=c.region,
                vm_size=c.vm_size,
                prefix=learner.prefix,
                suffix=learner.suffix or known.get(learner.prefix) or new_suffix(),
                owner=learner.prefix,
                days=days,
                today=c.today,
            ),
        )
        for learner in learners
    ]


def known_suffixes(out: Path) -> dict:
    """Suffixes an earlier run gave (``class.json`` in the output folder): prefix -> suffix."""
    path = out / CLASS_FILE
    if not path.exists():
        return {}
    return {s["prefix"]: s["suffix"] for s in json.loads(path.read_text(encoding="utf-8"))["learners"]}


def role_assignment_name() -> str:
    """A new assignment's name (any GUID): a second run's is refused as RoleAssignmentExists, which means done."""
    return str(uuid.uuid4())


def _group_tags(lab: Lab, name: str) -> dict | None:
    """The group's tags, or None when there is no such group."""
    if not lab.resources.resource_groups.check_existence(name):
        return None
    return dict(lab.resources.resource_groups.get(name).tags or {})


def provision(
    lab: Lab, learners: list[Learner], class_name: str, *, days: int = 1, yes: bool = False, out: Path | None = None
) -> list[Seat]:
    """Create (with ``yes``) each learner's tagged group and their Contributor assignment on it; the seats."""
    check_class(class_name)
    taken = seats(lab, learners, days=days, known=known_suffixes(out) if out else {})
    find_principals(lab, taken)
    create_groups(lab, taken, class_name, yes=yes)
    if not yes:
        return taken
    assign_roles(lab, taken)
    if out is not None:
        write_settings(out, class_name, taken)
    return taken


@step("Looking up the learners in Microsoft Entra ID")
def find_principals(lab: Lab, taken: list[Seat]) -> None:
    """Each seat's principal: the roster's object id, or the one Microsoft Graph gives for the user name."""
    for seat in taken:
        seat.principal = seat.learner.user if seat.learner.is_object_id else graph_user_id(lab, seat.learner.user)


@step("Creating the learners' resource groups")
def create_groups(lab: Lab, taken: list[Seat], class_name: str, *, yes: bool) -> None:
    """Each seat's group: kept when tagged for this class, refused when someone else's, created (with ``yes``)."""
    for seat in taken:
        name, tags = seat.config.resource_group, _group_tags(lab, seat.config.resource_group)
        if tags is not None:
            seat.group = KEPT if tagged_for(tags, name, class_name) else REFUSED
        elif not yes:
            seat.group = WOULD
        else:
            lab.resources.resource_groups.create_or_update(
                name, {"location": seat.config.region, "tags": class_tags(seat.config, class_name)}
            )
            seat.group = CREATED


@step("Assigning the learners' Contributor role")
def assign_roles(lab: Lab, taken: list[Seat]) -> None:
    """Contributor on their own group for each seat whose group is there (created or kept)."""
    from azure.core.exceptions import ResourceExistsError
    from azure.mgmt.authorization.models import RoleAssignmentCreateParameters

    roles = authorization(lab)
    for seat in (s for s in taken if s.group in (CREATED, KEPT)):
        scope = f"subscriptions/{lab.subscription_id}/resourceGroups/{seat.config.resource_group}"  # no leading /
        parameters = RoleAssignmentCreateParameters(
            role_definition_id=f"/subscriptions/{lab.subscription_id}/providers/Microsoft.Authorization/"
            f"roleDefinitions/{CONTRIBUTOR}",
            principal_id=seat.principal,
            principal_type="User",
        )
        try:
            roles.role_assignments.create(scope, role_assignment_name(), parameters)
            seat.role = "Contributor on the group"
        except ResourceExistsError:
            seat.role = "Contributor on the group (already)"


def learner_settings(config: LabConfig, class_name: str) -> dict:
    """The settings file a learner's lab loads (``learner.json``): their prefix and suffix, region, size, owner, days,
    and the marker that their group was provisioned (their lab then checks it, and never creates or rewrites it)."""
    return {
        "suffixes": {config.prefix: config.suffix},
        "lab": {
            "prefix": config.prefix,
            "region": config.region,
            "vm_size": config.vm_size,
            "owner": config.owner,
            "days": config.days,
        },
        "provisioned": Provisioned(config.resource_group, class_name).marker(),
    }


def write_settings(out: Path, class_name: str, taken: list[Seat]) -> list[Path]:
    """``<out>/<prefix>/learner.json`` for each provisioned learner (0600), and ``<out>/class.json``."""
    written = []
    for seat in (s for s in taken if s.group in (CREATED, KEPT)):
        path = out / seat.config.prefix / SETTINGS
        write_private(path, json.dumps(learner_settings(seat.config, class_name), indent=2) + "\n")
        written.append(path)
    listing = {
        "class": class_name,
        "learners": [
            {
                "prefix": s.config.prefix,
                "suffix": s.config.suffix,
                "resource_group": s.config.resource_group,
                "principal": s.principal,
                "group": s.group,
            }
            for s in taken
        ],
    }
    write_private(out / CLASS_FILE, json.dumps(listing, indent=2) + "\n")
    return written


@step("Listing the class's resource groups")
def class_groups(lab: Lab, class_name: str) -> list[Group]:
    """The groups tagged for this class (course, class and lab tags), as :func:`labkit.groups.course_groups` lists."""
    from labkit.cleanup import course_groups

    check_class(class_name)
    return [g for g in course_groups(lab) if not g.node_of and tagged_for(g.tags, g.name, class_name)]


def deprovision(lab: Lab, class_name: str, *, yes: bool = False):
    """The class's groups, and (with ``yes``) their deletion: everything in them and the learners' role on them."""
    from labkit.cleanup import delete_groups

    groups = class_groups(lab, class_name)
    return groups, (delete_groups(lab, groups) if yes and groups else [])
