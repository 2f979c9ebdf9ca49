"""The lab session: settings, credential and Azure clients, built once per notebook.

Notebooks do not branch on the mode: :func:`open_lab` reads it once into ``lab.policy``, which the transport
given to the SDK clients, the boundary recorder for Docker and Kubernetes, the clock, the cost ledger and the
banners consult. Introduced in notebook 00-setup::

    lab = labkit.open_lab("02-deploy-aks", prefix=prefix, region=region)
    aks.create_cluster(lab)  # a @step (labkit.steps): recorded as recordings/02-deploy-aks/create_cluster.json
"""

from __future__ import annotations

import dataclasses
import json
from functools import cached_property
from pathlib import Path

from labkit import paths, ui
from labkit.config import LabConfig
from labkit.recording import scrub
from labkit.recording.mode import Mode, Policy
from labkit.recording.recorder import Recorder

DONE_STATES = {"Succeeded", "Failed", "Canceled"}  # provisioning states an operation ends in
# Seconds between polls of a long-running operation when Azure sends no Retry-After (it mostly sends none;
# the SDK would wait its default 30 s, up to half a minute too long at every create, delete and import).
POLL_SECONDS = 3


def recorded_lab(root: Path | None = None) -> dict:
    """The settings and provenance of the lab the recordings were made with (``recordings/lab.json``)."""
    path = (root or paths.recordings()) / "lab.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"config": {}, "provenance": {}}


def replay_source(root: Path | None = None, provenances=None) -> str:
    """Where replay's answers come from, said the same way everywhere (this line, the cost meter, 00, 02, README):
    "the answers are the recorded lab's (eastus, 2026-11-29, built by hand from …); nothing is created …"."""
    lab = recorded_lab(root)
    provenances = list(provenances) if provenances is not None else [lab["provenance"]]
    dates = sorted({p["date"] for p in provenances if p.get("date")})
    kinds = {p.get("kind") for p in provenances}
    when = (dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}") if dates else ""
    how = (
        "built by hand from published Azure answers"
        if kinds == {"hand-built"}
        else "recorded from a real Azure subscription"
        if kinds == {"recorded"}
        else "recorded or built by hand"
    )
    where = ", ".join(x for x in (lab["config"].get("region", ""), when, how) if x)
    return f"the answers are the recorded lab's ({where}); nothing is created in Azure and nothing is billed."


class Lab:
    """One notebook's session. Build it with :func:`open_lab`."""

    def __init__(
        self, notebook: str, config: LabConfig, recorder: Recorder, credential, subscription_id: str, notes: tuple = ()
    ):
        self.notebook, self.config, self.recorder = notebook, config, recorder
        self.credential, self.subscription_id, self.notes = credential, subscription_id, notes
        self.policy: Policy = recorder.policy  # what the mode decides (answers, clock, prices, ledger, banner)

    @property
    def mode(self) -> Mode:
        return self.policy.mode

    def step(self, name: str):
        """Context for one notebook step: its Azure, Docker and Kubernetes calls share one recording file."""
        return self.recorder.step_scope(name)

    def finish(self) -> None:
        """Record mode: the notebook ran to its end, so its recordings replace the previous ones (else kept)."""
        written = self.recorder.finish()
        if written:
            ui.status(True, f"{len(written)} recording(s) of this run are now in recordings/{self.notebook}/.")

    def result_of(self, call: str, fn):
        """Run ``fn`` at labkit's boundary (Docker, Kubernetes): replayed or recorded by mode."""
        return self.recorder.result_of(call, fn)

    def events_of(self, call: str, fn):
        """Like :meth:`result_of` for a stream of events (build logs, push progress)."""
        return self.recorder.events_of(call, fn)

    def about_recordings(self) -> None:
        """Where this notebook's answers come from, in one line; in replay each recording's provenance, folded."""
        for note in self.notes:
            ui.status(True, note)
        folder = self.recorder.root / self.notebook
        if not self.policy.replaying or not folder.is_dir():
            ui.status(
                True,
                f"Mode {self.mode}: every answer comes from Azure itself; what the cells create is real and billed.",
            )
            return
        provenances = self._provenances()
        rows = [
            (
                step,
                f"{p.get('kind', '?')} on {p.get('date', '?')} · "
                + ", ".join(b.rsplit("/examples/", 1)[-1] for b in p.get("follows", []) + p.get("built_from", [])),
            )
            for step, p in provenances.items()
        ]
        ui.display_folded(
            f"ℹ️ Replay: {self.replay_source()}",
            ui.table_html(
                rows,
                f"The recordings this notebook replays (recordings/{self.notebook}/; "
                "each file's provenance says how it was made)",
            ),
        )

    def replay_source(self) -> str:
        """Where this notebook's replayed answers come from, in the words every replay note uses."""
        return replay_source(self.recorder.root, self._provenances().values() or None)

    def _provenances(self) -> dict:
        folder = self.recorder.root / self.notebook
        return {
            path.stem: json.loads(path.read_text(encoding="utf-8")).get("provenance", {})
            for path in sorted(folder.glob("*.json"))
        }

    def _client(self, cls, **kwargs):
        from labkit.recording.transport import client_options

        return cls(
            self.credential,
            self.subscription_id,
            **client_options(self.recorder),
            **{"polling_interval": POLL_SECONDS, **kwargs},
        )

    @cached_property
    def resources(self):
        from azure.mgmt.resource.resources import ResourceManagementClient

        return self._client(ResourceManagementClient)

    @cached_property
    def aks(self):
        from azure.mgmt.containerservice import ContainerServiceClient

        return self._client(ContainerServiceClient)

    @cached_property
    def acr(self):
        from azure.mgmt.containerregistry import ContainerRegistryManagementClient

        return self._client(ContainerRegistryManagementClient)

    @cached_property
    def aci(self):
        from azure.mgmt.containerinstance import ContainerInstanceManagementClient

        return self._client(ContainerInstanceManagementClient)


def open_lab(
    notebook: str,
    *,
    prefix: str | None = None,
    region: str | None = None,
    vm_size: str | None = None,
    owner: str | None = None,
    days: int | None = None,
    mode: str | None = None,
    suffix: str | None = None,
    recordings: Path | None = None,
) -> Lab:
    """Build the session for ``notebook`` from the parameters cell, the environment and defaults.

    Each setting left None comes from the lab chosen in 00-setup, then ``LABKIT_*``, then its default. The mode
    is read here, once, into the session's :class:`~labkit.recording.mode.Policy`. Bad settings raise
    ConfigError here, before any Azure call.
    """
    recordings = recordings or paths.recordings()
    recorded = recorded_lab(recordings)
    said: list[tuple[bool, str]] = []  # where the settings came from (the lab chosen in 00-setup), as (ok, line)
    config = LabConfig.resolve(
        recorded=recorded["config"],
        notebook=notebook,
        notes=said,
        prefix=prefix,
        region=region,
        vm_size=vm_size,
        owner=owner,
        days=days,
        mode=mode,
        suffix=suffix,
    )
    policy = Policy.of(config.mode)
    ui.mark_outputs(policy.replaying)
    for ok, line in said:
        ui.status(ok, line)
    notes = []
    if policy.replaying:
        recorded_config = LabConfig(mode=Mode.REPLAY, **recorded["config"]) if recorded["config"] else config
        if config.region != recorded_config.region:
            notes.append(
                f"Replay shows the recorded lab in {recorded_config.region}; "
                f"your region {config.region} is used in live mode."
            )
            config = dataclasses.replace(config, region=recorded_config.region)
        if config.vm_size != recorded_config.vm_size:
            notes.append(
                f"Replay shows the recorded lab's {recorded_config.vm_size} nodes; "
                f"your vm_size {config.vm_size} is used in live mode."
            )
            config = dataclasses.replace(config, vm_size=recorded_config.vm_size)
        names = dict(zip(config.names().values(), recorded_config.names().values(), strict=True))
        recorder = Recorder(
            policy,
            notebook,
            root=recordings,
            names=names,
            learner=config.names(),
            names_of=lambda lab: dataclasses.replace(config, **lab).names(),
        )
        return Lab(notebook, config, recorder, _replay_credential(), scrub.SUBSCRIPTION, tuple(notes))

    from labkit.identity import choose_subscription, sign_in

    credential, account = sign_in()
    subscription_id = choose_subscription(credential, account)
    ids = {subscription_id: scrub.SUBSCRIPTION}
    if (account or {}).get("tenantId"):
        ids[account["tenantId"]] = scrub.TENANT
    provenance = {"config": dataclasses.asdict(config, dict_factory=_plain), "sdk": sdk_versions()}
    recorder = Recorder(policy, notebook, root=recordings, ids=ids, provenance=provenance, whole_run=True)
    if policy.recording:
        ui.status(
            True,
            f"Record mode: this notebook's answers are kept aside until it has run to its end; then "
            f"its last cell, `lab.finish()` (or `python3 tasks.py run`), puts them in "
            f"recordings/{notebook}/.",
        )
    return Lab(notebook, config, recorder, credential, subscription_id, tuple(notes))


def sdk_versions() -> dict:
    """The versions that shape the recorded requests (api-versions come with the SDK release)."""
    from importlib.metadata import version

    return {
        p: version(p)
        for p in (
            "azure-core",
            "azure-identity",
            "azure-mgmt-resource",
            "azure-mgmt-containerservice",
            "azure-mgmt-containerregistry",
            "azure-mgmt-containerinstance",
            "docker",
            "kubernetes",
        )
    }


def _replay_credential():
    from labkit.identity import ReplayCredential

    return ReplayCredential()


def _plain(items):
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in items}
