"""Notebook 00-setup: who you are on Azure, the lab's names, the resource providers, the cost."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from labkit import costs, ui
from labkit.polling import poll
from labkit.steps import step

if TYPE_CHECKING:
    from labkit.lab import Lab

PROVIDERS = ("Microsoft.ContainerService", "Microsoft.ContainerRegistry", "Microsoft.ContainerInstance")


def show_lab(lab: Lab) -> None:
    """The mode, the subscription and every name the lab will create, with its tags."""
    c = lab.config
    rows = [("Mode", lab.policy.banner), ("Subscription", lab.subscription_id), ("Region", c.region)]
    rows += [(kind[0].upper() + kind[1:], name) for kind, name in c.names().items()]
    rows += [("VM size for nodes", c.vm_size), ("Tags", ", ".join(f"{k}={v}" for k, v in c.tags().items()))]
    ui.show(rows, "Your lab")
    for note in lab.notes:
        ui.status(True, note)


@step("Registering the lab's resource providers")
def register_providers(lab: Lab, namespaces=PROVIDERS, *, poll_seconds: float = 10, timeout: float = 600) -> dict:
    """Register each resource provider the lab needs and wait until Azure says Registered.

    A provisioned learner's role is on their resource group only: registering is a subscription write, their
    instructor's to do, so their lab only reads each provider's state (:func:`_read_providers`).
    """
    if lab.config.provisioned:
        return _read_providers(lab, namespaces)
    states = {}
    for ns in namespaces:
        progress = ui.Progress(lab, f"Resource provider {ns}", f"az provider register --namespace {ns} --wait")
        state = lab.resources.providers.get(ns).registration_state
        if state != "Registered":
            lab.resources.providers.register(ns)
        state = poll(
            functools.partial(_registration_state, lab, ns),
            lambda now: now == "Registered",
            every=poll_seconds,
            timeout=timeout,
            clock=lab.policy.clock,
            progress=progress.update,
            first=state,
        )
        progress.finish(
            state == "Registered",
            f"{ns}: {state}",
            "" if state == "Registered" else "wait a minute and run this cell again.",
        )
        states[ns] = state
    return states


def _registration_state(lab: Lab, namespace: str) -> str:
    return lab.resources.providers.get(namespace).registration_state


def _read_providers(lab: Lab, namespaces) -> dict:
    """Each provider's state, read only: ✅ registered by the instructor, or ⛔ ask the instructor to register it."""
    states = {}
    for ns in namespaces:
        state = _registration_state(lab, ns)
        ui.status(
            state == "Registered",
            f"{ns}: {state}" + (" (registered by your instructor)" if state == "Registered" else ""),
            ""
            if state == "Registered"
            else f"ask your instructor to register it: `az provider register --namespace {ns} --wait` needs "
            "rights on the whole subscription, and yours are on your resource group.",
        )
        states[ns] = state
    return states


def show_costs(lab: Lab, hours: float = 1.0) -> None:
    """What the whole lab costs if it runs for ``hours``, and the control plane's three pricing tiers."""
    ui.show(costs.estimate_table(lab.config.vm_size, hours), f"Estimated cost of the lab ({hours:g} h)")
    ui.show(costs.tier_table(lab.config.vm_size), "AKS pricing tiers (the cluster's sku.tier; this lab uses Free)")
