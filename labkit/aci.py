"""Notebook 04-run-aci: run the registry's image on Azure Container Instances, look at it, call it, remove it.

Each public function taking ``lab`` is one step of the notebook, recorded in
``recordings/04-run-aci/<step>.json``. The create is watched through the container group itself
(its instance view lists the events Pulling, Pulled, Created, Started), not through the operation.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import TYPE_CHECKING

from labkit import acr, azcli, costs, ui
from labkit.errors import LabError
from labkit.polling import DONE_STATES, poll, track
from labkit.steps import shown, step

if TYPE_CHECKING:
    from labkit.lab import Lab

CONTAINER = "app"
_EPOCH = dt.datetime.min.replace(tzinfo=dt.UTC)  # sorts events Azure sent without a time first
CPU, MEMORY_GB, SIZE = costs.ACI_CPU, costs.ACI_MEMORY_GB, costs.ACI_SIZE  # the size the prices are for
PORT = 80


def _names(lab: Lab):
    return lab.config.resource_group, lab.config.container_group


def az_create(config) -> str:
    """The `az container create` command that makes the same container group as :func:`spec`."""
    return (
        f"az container create --resource-group {config.resource_group} --name {config.container_group} "
        f"--image {config.app_image} --os-type Linux --cpu {CPU:g} --memory {MEMORY_GB:g} --ports {PORT} "
        f"--ip-address Public --dns-name-label {config.dns_label} --registry-login-server {config.login_server} "
        f"--registry-username {config.registry_name} --registry-password <admin password> "
        f"--restart-policy Always"
    )  # the CLI has no --tags here: the group's resource group carries them


def spec(config, username: str, password: str):
    """The container group: the app's image, registry credentials, a public IP with a DNS label, port 80."""
    from azure.mgmt.containerinstance.models import (
        Container,
        ContainerGroup,
        ContainerPort,
        ImageRegistryCredential,
        IpAddress,
        Port,
        ResourceRequests,
        ResourceRequirements,
    )

    return ContainerGroup(
        location=config.region,
        tags=config.tags(),
        os_type="Linux",
        restart_policy="Always",
        containers=[
            Container(
                name=CONTAINER,
                image=config.app_image,
                ports=[ContainerPort(port=PORT)],
                resources=ResourceRequirements(requests=ResourceRequests(cpu=CPU, memory_in_gb=MEMORY_GB)),
            )
        ],
        image_registry_credentials=[
            ImageRegistryCredential(server=config.login_server, username=username, password=password)
        ],
        ip_address=IpAddress(type="Public", dns_name_label=config.dns_label, ports=[Port(protocol="TCP", port=PORT)]),
    )


def _events(group) -> list:
    """The container's events and the group's own (where Azure puts causes such as FailedMount), by time.

    Azure lists them per source, each in its own order, and counts a repeated event on its first item (a restart:
    Created and Started count 2, lastTimestamp the restart's); the learner reads one story, by each event's latest
    occurrence.
    """
    view = group.containers[0].instance_view if group.containers else None
    found = list(view.events or []) if view else []
    found += list(group.instance_view.events or []) if group.instance_view else []
    return sorted(found, key=lambda e: e.last_timestamp or e.first_timestamp or _EPOCH)


def _cause(group) -> str:
    """Why a group failed, as Azure says it: its own latest event, else the container's latest warning."""
    own = (
        sorted(group.instance_view.events or [], key=lambda e: e.last_timestamp or e.first_timestamp or _EPOCH)
        if group.instance_view
        else []
    )
    warned = [e for e in _events(group) if _bad(e)]
    event = (own or warned or [None])[-1]
    return f"{event.name}: {event.message}" if event else ""


def _bad(event) -> bool:
    """An event that tells of trouble (Azure marks FailedMount as Normal, so the name counts too)."""
    return event.type == "Warning" or (event.name or "").startswith(("Failed", "Error"))


def _state(group) -> str:
    view = group.containers[0].instance_view if group.containers else None
    return view.current_state.state if view and view.current_state else ""


def _show_events(events, rg: str, name: str) -> None:
    """The events Azure reported while the group started, as one table, oldest first."""
    ui.show(
        [
            (
                f"{'⛔' if _bad(e) else '✅'} {e.name}",
                e.message + (f" ({e.first_timestamp:%H:%M:%S} UTC)" if e.first_timestamp else ""),
            )
            for e in events
        ]
        or [("", "(Azure reported no events)")],
        f"Events of {name}, oldest first (az container show --resource-group {rg} --name {name} "
        "--query containers[0].instanceView.events)",
    )


@step("Creating container group {c.container_group}")
def create(lab: Lab, *, timeout: float = 600, poll_seconds: float = 5):
    """Create the container group from the registry image and show its events until the app is Running."""
    rg, name = _names(lab)
    c = lab.config
    costs.prices_for(lab)
    costs.before_create(
        f"container group {name} ({SIZE}, Linux)", costs.aci_hour(CPU, MEMORY_GB), ", billed by the second"
    )
    progress = ui.Progress(lab, f"Create container group {name} (about a minute live)", az_create(c))
    creds = acr.pull_credentials(lab)
    sent = spec(c, creds.username, creds.password)
    azcli.show_sdk_call(
        "lab.aci.container_groups.begin_create_or_update(resource_group, name, spec)",
        sent,
        spec,
        "https://learn.microsoft.com/python/api/azure-mgmt-containerinstance/"
        "azure.mgmt.containerinstance.operations.containergroupsoperations",
        secrets=[creds.password],
    )
    seen, events = set(), []

    def heard(group):
        """The group, once its new events are kept (Azure lists all of them at every read)."""
        for event in _events(group):
            if (event.name, event.first_timestamp) not in seen:
                seen.add((event.name, event.first_timestamp))
                events.append(event)
        return group

    group = poll(
        lambda: heard(lab.aci.container_groups.get(rg, name)),
        lambda g: g.provisioning_state in DONE_STATES,
        every=poll_seconds,
        timeout=timeout,
        clock=lab.policy.clock,
        first=heard(lab.aci.container_groups.begin_create_or_update(rg, name, sent, polling=False).result()),
        progress=lambda g: progress.update(
            f"{g.provisioning_state} · {_state(g) or 'no container yet'}"
            + (f" · last event {events[-1].name}" if events else "")
        ),
    )
    started = costs.now(lab)
    _show_events(events, rg, name)
    if group.provisioning_state != "Succeeded":
        cause = _cause(group)
        raise shown(
            LabError(
                f"Container group {name} is {group.provisioning_state} (container "
                f"{_state(group) or 'absent'})" + (f": {cause}" if cause else "."),
                "look at the events above; run `aci.logs(lab)`; then delete it (`aci.delete(lab)`) and create it again."
                if group.provisioning_state in DONE_STATES
                else "it is still starting: run `aci.show(lab)` in a minute.",
            ),
            progress,
        )
    costs.Ledger.of(lab).opened(
        group.id, f"Container instance {name} ({SIZE})", started, per_hour=costs.aci_hour(CPU, MEMORY_GB)
    )
    fqdn = group.ip_address.fqdn if group.ip_address else None
    progress.finish(
        True,
        f"Container group {name} is {group.provisioning_state}, container {_state(group)}",
        f"open http://{fqdn}/ or run the next cell." if fqdn else "run the next cell.",
    )
    return group


@step("Reading container group {c.container_group}")
def show(lab: Lab):
    """The container group as Azure sees it: address, state, resources and the image it runs."""
    rg, name = _names(lab)
    group = lab.aci.container_groups.get(rg, name)
    container = group.containers[0]
    requests = container.resources.requests
    address = group.ip_address
    ui.show(
        [
            (
                "Public address",
                f"{address.ip} · http://{address.fqdn}/"
                if address and address.fqdn
                else address.ip
                if address
                else "none (the group has no public IP address)",
            ),
            ("State", f"{group.provisioning_state} · container {_state(group)}"),
            ("Image", container.image),
            ("Resources", f"{requests.cpu:g} vCPU, {requests.memory_in_gb:g} GB, {group.os_type}"),
            ("Restart policy", group.restart_policy),
        ],
        f"Container group {name} (az container show --resource-group {rg} --name {name})",
    )
    return group


@step("Reading the logs of {c.container_group}")
def logs(lab: Lab, tail: int = 50) -> str:
    """The container's last ``tail`` log lines (what the app printed)."""
    rg, name = _names(lab)
    text = lab.aci.containers.list_logs(rg, name, CONTAINER, tail=tail).content or ""
    ui.show(
        [(f"{i + 1:>3}", line) for i, line in enumerate(text.splitlines())] or [("", "(no output yet)")],
        f"Logs of {CONTAINER} (az container logs --resource-group {rg} --name {name})",
    )
    return text


def fetch(url: str, *, tries: int = 6, wait: float = 5) -> dict:
    """GET ``url`` (a new public address may need a few tries); the status and body as plain JSON."""
    import urllib.error
    import urllib.request

    attempt = 1
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                return {"url": url, "status": answer.status, "body": answer.read(20000).decode("utf-8", "replace")}
        except (urllib.error.URLError, OSError) as err:
            if attempt >= tries:
                raise LabError(
                    f"{url} did not answer ({err}).",
                    "wait a minute (DNS and the load balancer need time) and run the cell again.",
                ) from err
        attempt += 1
        time.sleep(wait)


def app_answer(body: str) -> dict:
    """The sample app's page reduced to what it says: name, version (the image tag) and host."""

    def find(pattern):
        found = re.search(pattern, body)
        return found.group(1) if found else "?"

    return {
        "app": find(r"<h1>(.*?)</h1>"),
        "version": find(r"Version: <code>(.*?)</code>"),
        "host": find(r"Host: <code>(.*?)</code>"),
    }


def _call_app(lab: Lab, url: str, title: str = "") -> dict:
    """Call the app over HTTP through labkit's boundary (replay shows the recorded answer) and show it."""
    answer = lab.result_of("http.get", lambda: fetch(url))
    said = app_answer(answer["body"])
    ui.show(
        [
            ("HTTP status", answer["status"]),
            ("App", said["app"]),
            ("Version (image tag)", said["version"]),
            ("Answered by host", said["host"]),
        ],
        title or f"GET {url}",
    )
    return said


@step("Reading container group {c.container_group}")
def browse(lab: Lab) -> dict:
    """Call the app at the container group's DNS name."""
    rg, name = _names(lab)
    group = lab.aci.container_groups.get(rg, name)
    return _call_app(lab, f"http://{group.ip_address.fqdn}/", f"GET http://{group.ip_address.fqdn}/ (curl)")


@step("Reading container group {c.container_group}")
def restart(lab: Lab):
    """Restart the container in place (the image is pulled again if its tag moved)."""
    rg, name = _names(lab)
    track(
        lab,
        lambda: lab.aci.container_groups.begin_restart(rg, name),
        title=f"Restart container group {name}",
        az=f"az container restart --resource-group {rg} --name {name}",
        done=f"{name} restarted",
        doing=f"Restarting {name}",
    )
    group = lab.aci.container_groups.get(rg, name)
    view = group.containers[0].instance_view
    ui.status(
        _state(group) == "Running",
        f"Container {CONTAINER} is {_state(group)} again since "
        f"{view.current_state.start_time:%H:%M:%S} UTC; last event "
        f"{_events(group)[-1].name if _events(group) else '—'}",
    )
    return group


@step("Reading container group {c.container_group}")
def delete(lab: Lab) -> None:
    """Delete the container group: its billing stops, and its DNS label is free again."""
    from azure.core.exceptions import ResourceNotFoundError

    rg, name = _names(lab)
    group = lab.aci.container_groups.get(rg, name)
    track(
        lab,
        lambda: lab.aci.container_groups.begin_delete(rg, name),
        title=f"Delete container group {name}",
        az=f"az container delete --resource-group {rg} --name {name} --yes",
        done=f"{name} deleted",
        doing=f"Deleting {name}",
    )
    ended = costs.now(lab)
    try:
        lab.aci.container_groups.get(rg, name)
        gone = False
    except ResourceNotFoundError:
        gone = True
    costs.Ledger.of(lab).closed(group.id, ended)
    ui.status(
        gone,
        f"{name} is gone (GET answers 404)" if gone else f"{name} still exists",
        "" if gone else "run this cell again in a minute.",
    )
