"""A provisioned learner's resource group: the one their instructor created, checked, never written.

``labkit class provision`` creates each learner's group tagged for the class (``class``) and gives the learner
Contributor on it. The lab must not create or update that group itself: a resource group's PUT replaces its tags,
so the ``class`` tag would go and ``labkit class deprovision`` could no longer find the group. So a provisioned
lab only reads it (a group that does not exist is the instructor's to make, not the learner's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from labkit import ui
from labkit.errors import LabError

if TYPE_CHECKING:
    from labkit.config import Provisioned
    from labkit.lab import Lab


def check_given_group(lab: Lab, given: Provisioned) -> None:
    """Read the group the instructor gave (``lab.config.provisioned``); ⛔ "ask your instructor" when it does not
    exist."""
    from azure.core.exceptions import ResourceNotFoundError

    rg = given.resource_group
    with ui.shown(f"Reading resource group {rg}"):  # any other refusal is shown with its own fix
        try:
            group = lab.resources.resource_groups.get(rg)
        except ResourceNotFoundError:
            raise LabError(
                f"Your resource group {rg} does not exist. Your instructor creates it for class "
                f"{given.class_name}, and your role lets you work inside it, not create it.",
                "ask your instructor to provision it (`labkit class provision … --yes`), then run this cell again.",
            ) from None
    ui.status(
        True,
        f"Resource group {rg} in {group.location}, made by your instructor for class "
        f"{given.class_name}: used as it is (az group show --name {rg}).",
    )
