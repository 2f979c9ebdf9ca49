"""Step recordings: one JSON file per notebook step, read in replay and written in record mode.

A file holds ``provenance`` (recorded live, or built by hand from named Azure REST API examples),
``Entries`` (HTTP exchanges in the Azure test-proxy shape) and ``Calls`` (results recorded at
labkit's own boundary, for Docker and Kubernetes, whose traffic HTTP recorders cannot hold); a recorded file
also holds ``seconds``, how long the step took (replay tells it beside its own time).
A notebook's record run publishes its files only once it completes (:mod:`labkit.recording.stepfile`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from labkit import paths
from labkit.errors import NoRecordingError
from labkit.recording import scrub
from labkit.recording.boundary import BoundaryCalls, rerecord_hint
from labkit.recording.mode import Policy
from labkit.recording.stepfile import RecordRun, StepFile, dump, write_atomic

LAB_KEYS = ("prefix", "suffix", "region")  # what a recording's names derive from


class Recorder(BoundaryCalls):
    """Serves (replay) or writes (record) the current step's recording; live mode passes through.

    ``names`` maps the learner's names to the recorded lab's, so replay works whatever the learner
    chose: requests are matched with recorded names, answers come back with the learner's. A step file
    whose provenance names the lab it was recorded with (``config``) is mapped from that lab's names
    (``names_of``: a lab's settings -> kind of name -> name), given the learner's (``learner``).

    In record mode with ``whole_run`` (what :func:`labkit.open_lab` asks for), steps are staged and the
    notebook's recordings are published together by :meth:`finish`, once its run completed; without it,
    each step's file is written (atomically) as the step ends, as tests that record one step need.
    """

    def __init__(
        self,
        mode: str | Policy,
        notebook: str,
        *,
        root: Path | None = None,
        names: dict | None = None,
        learner: dict | None = None,
        names_of: Callable[[dict], dict] | None = None,
        provenance: dict | None = None,
        ids: dict | None = None,
        whole_run: bool = False,
    ):
        self.policy = mode if isinstance(mode, Policy) else Policy.of(mode)
        self.mode, self.notebook, self.root = self.policy.mode, notebook, root or paths.recordings()
        self.default_names = self.names = {k: v for k, v in (names or {}).items() if k != v}
        self.learner, self.names_of = learner, names_of
        self.provenance = provenance or {}
        self.step: StepFile | None = None
        self.step_name: str | None = None
        self.duration_told = False  # replay: the current step's recorded duration went to its first progress box
        self.guids = scrub.GuidMap(ids)  # record mode: the real subscription id -> the placeholder
        self.run = RecordRun(self.root, notebook) if self.policy.recording and whole_run else None
        if self.run:
            self.run.start()

    @property
    def replaying(self) -> bool:
        return self.policy.replaying

    @contextlib.contextmanager
    def step_scope(self, name: str):
        """Select the step's file. Entering a step again (a re-run cell) starts it from the top."""
        path = self.root / self.notebook / f"{name}.json"
        self.step_name, self.duration_told, started = name, False, self.policy.clock.now()
        if self.replaying:
            self.step = StepFile.load(path) or StepFile(path, {})
            self.names = self._names_for(self.step.data.get("provenance", {}).get("config"))
        elif self.policy.recording:
            self.step = StepFile(
                path,
                {
                    "provenance": {**self.provenance, "kind": "recorded", "date": dt.date.today().isoformat()},
                    "Entries": [],
                    "Calls": [],
                },
            )
        error = None
        try:
            yield self
        except BaseException as err:
            error = err
            raise
        finally:
            if self.policy.recording and self.step is not None:
                self.step.data["seconds"] = round(self.policy.clock.now() - started, 1)  # measured, on the real clock
                self._keep(name, path, error)
            self.step, self.step_name = None, None

    def recorded_seconds(self) -> float | None:
        """Replay: how long the current step took when recorded, told once per step (to its first progress box, as
        the step's whole time); None when unknown, when told already, or outside replay."""
        if not self.replaying or self.step is None or self.duration_told:
            return None
        self.duration_told = True
        return self.step.recorded_seconds()

    def _keep(self, name: str, path: Path, error: BaseException | None) -> None:
        step = self._require()
        lab = self._lab(step.data["provenance"])
        if self.run:
            self.run.stage(name, step.data, error, lab)
            return
        write_atomic(path, dump(step.data))
        if lab:
            write_atomic(self.root / "lab.json", dump(lab))

    def finish(self) -> list[Path]:
        """Record mode: publish this notebook's recordings, now that its run completed; the files written.

        Nothing is published (and :class:`~labkit.recording.stepfile.RecordRunIncomplete` says why) if a step
        raised or a staged file still holds a secret. Without ``whole_run`` there is nothing left to publish.
        """
        return self.run.publish() if self.run else []

    @staticmethod
    def _lab(provenance: dict) -> dict | None:
        """What ``recordings/lab.json`` becomes once this run is published: the lab it was recorded with."""
        if "config" not in provenance:
            return None
        config = {k: provenance["config"][k] for k in LAB_KEYS}
        return {"config": config, "provenance": {"kind": "recorded", "date": provenance["date"]}}

    # -- names -------------------------------------------------------------------------------
    def _names_for(self, recorded: dict | None) -> dict:
        """learner name -> recorded name, for a step recorded with the lab settings ``recorded``."""
        if not (recorded and self.learner and self.names_of):
            return self.default_names
        theirs = self.names_of({k: recorded[k] for k in LAB_KEYS})
        return {self.learner[kind]: name for kind, name in theirs.items() if self.learner[kind] != name}

    def to_recorded(self, text: str) -> str:
        for mine, recorded in self.names.items():
            text = text.replace(mine, recorded)
        return text

    def to_learner(self, text: str) -> str:
        for mine, recorded in self.names.items():
            text = text.replace(recorded, mine)
        return text

    # -- HTTP entries --------------------------------------------------------------------------
    def sanitize_uri(self, uri: str) -> str:
        """The URI as recorded: recorded names, secrets scrubbed, placeholder GUIDs (also used to match in replay)."""
        return self.guids(scrub.scrub_uri(self.to_recorded(uri)))

    def replay_http(self, method: str, uri: str) -> dict:
        wanted = self.sanitize_uri(uri)
        step = self._require()
        entry = step.take("Entries", lambda e: e["RequestMethod"] == method and e["RequestUri"] == wanted)
        if entry is None:
            raise NoRecordingError(
                f"Replay has no recorded answer for {method} {wanted} in step '{self.step_name}' "
                f"of notebook {self.notebook} ({step.path.name}).",
                rerecord_hint(self.notebook),
            )
        return entry

    def record_http(self, entry: dict) -> None:
        self._require().data["Entries"].append(self._scrub_entry(entry))

    def _scrub_entry(self, entry: dict) -> dict:
        entry = dict(entry)
        entry["RequestUri"] = self.sanitize_uri(entry["RequestUri"])
        entry["RequestHeaders"] = self._scrub_value(
            scrub.keep_headers(entry["RequestHeaders"], scrub.KEEP_REQUEST_HEADERS)
        )
        entry["ResponseHeaders"] = self._scrub_value(
            scrub.keep_headers(entry["ResponseHeaders"], scrub.KEEP_RESPONSE_HEADERS, scrub.KEEP_RESPONSE_PREFIXES)
        )
        for key in ("RequestBody", "ResponseBody"):
            entry[key] = self._scrub_value(entry[key])
        return entry

    def _scrub_value(self, value):
        value = scrub.scrub_body(value)
        return json.loads(self.guids(json.dumps(value))) if value is not None else None

    def _require(self) -> StepFile:
        if self.step is None:
            raise RuntimeError(
                "an Azure, Docker or Kubernetes call ran outside `with lab.step(...)`; "
                "labkit steps must declare their step so replay can find the recording"
            )
        return self.step
