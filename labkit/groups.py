"""The lab's resource groups, found by their tags: everything the lab creates carries ``course`` and ``lab`` tags.

A learner's groups are the ones whose ``lab`` tag is this lab's (the ``owner`` tag is shared by every learner
with the same prefix, so it never decides). The course tag is checked here, whatever the server's ``$filter``
returned. A group that Azure manages for a cluster (the AKS node resource group ``MC_…``) goes with its cluster.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from labkit.config import COURSE_TAG

if TYPE_CHECKING:
    from labkit.lab import Lab

TAG_FILTER = f"tagName eq 'course' and tagValue eq '{COURSE_TAG}'"


@dataclass(frozen=True)
class Group:
    """A resource group as cleanup, the cost meter and the class views read it: its tags as Azure sent them."""

    name: str
    location: str
    tags: dict[str, str]
    owner: str  # the tags cleanup shows, '' (owner: '?') when absent
    lab: str
    created: str
    expires: str
    node_of: str  # the AKS cluster whose node resource group this is ('' for a group the lab made)
    managed_by: str
    state: str  # provisioning state

    @classmethod
    def of(cls, group: Any) -> Group:
        """From the SDK's ResourceGroup."""
        tags = {str(k): str(v) for k, v in (group.tags or {}).items()}
        managed_by = group.managed_by or ""
        return cls(
            group.name,
            group.location or "",
            tags,
            tags.get("owner", "?"),
            tags.get("lab", ""),
            tags.get("created", ""),
            tags.get("expires", ""),
            managed_by.rstrip("/").split("/")[-1] if "/managedclusters/" in managed_by.lower() else "",
            managed_by,
            group.properties.provisioning_state if group.properties else "",
        )


def course_groups(lab: Lab) -> list[Group]:
    """Every resource group the course's tag filter returns, whoever owns it (one ARM call); tags as sent."""
    return [Group.of(group) for group in lab.resources.resource_groups.list(filter=TAG_FILTER)]


def of_the_course(group: Group) -> bool:
    """The course tag, checked here: the server's ``$filter`` is not trusted to have matched exactly."""
    return group.tags.get("course") == COURSE_TAG


def of_this_lab(group: Group, config: Any) -> bool:
    """The group's ``lab`` tag is this lab's; a group without one (made before the tag) counts only by its name.

    A resource group's name is unique in a subscription, so neither can be another learner's.
    """
    if "lab" in group.tags:
        return group.lab == config.resource_group
    return group.name.lower() == config.resource_group.lower()


def parent_group(group: Group) -> str:
    """The resource group that holds the cluster of a node resource group (lowercase)."""
    return group.managed_by.lower().split("/resourcegroups/")[-1].split("/")[0]


def with_node_groups(groups: list[Group], chosen: list[Group]) -> list[Group]:
    """``chosen`` plus the node resource groups whose cluster lives in one of the chosen groups."""
    names = {g.name.lower() for g in chosen}
    nodes = [g for g in groups if g.node_of and of_the_course(g) and g not in chosen and parent_group(g) in names]
    return chosen + nodes


def lab_groups(lab: Lab, groups: list[Group] | None = None) -> list[Group]:
    """This learner's groups, of ``groups`` (default: as Azure lists them now), with their node groups."""
    groups = course_groups(lab) if groups is None else groups
    mine = [g for g in groups if not g.node_of and of_the_course(g) and of_this_lab(g, lab.config)]
    return with_node_groups(groups, mine)
