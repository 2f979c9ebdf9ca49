"""Calls at labkit's own boundary (Docker, Kubernetes): their JSON results recorded and replayed in the step file.

HTTP recorders cannot hold this traffic (the Docker socket, the kubernetes client's own pool), so the adapters hand
labkit their raw answers and the recorder keeps them as ``Calls`` beside the step's HTTP ``Entries``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from labkit.errors import LabError, NoRecordingError

if TYPE_CHECKING:
    from labkit.recording.mode import Policy
    from labkit.recording.stepfile import StepFile


def rerecord_hint(notebook: str) -> str:
    return (
        f"re-record this notebook with a subscription: `LABKIT_MODE=record python3 tasks.py run "
        f"notebooks/{notebook}.ipynb`, or switch to LABKIT_MODE=live."
    )


class BoundaryCalls:
    """The boundary-call half of :class:`~labkit.recording.recorder.Recorder`, which supplies step and scrubbing."""

    policy: Policy
    notebook: str
    step_name: str | None
    _require: Callable[[], StepFile]  # the current step's file (raises outside a step)
    _scrub_value: Callable[[Any], Any]  # the recorder's sanitizers
    to_learner: Callable[[str], str]  # recorded names -> the learner's

    def replay_call(self, call: str) -> dict:
        entry = self._require().take("Calls", lambda e: e["call"] == call)
        if entry is None:
            raise NoRecordingError(
                f"Replay has no recorded result for '{call}' in step '{self.step_name}' of notebook {self.notebook}.",
                rerecord_hint(self.notebook),
            )
        return json.loads(self.to_learner(json.dumps(entry)))

    def record_call(self, call: str, **fields) -> None:
        self._require().data["Calls"].append({"call": call, **self._scrub_value(fields)})

    def result_of(self, call: str, fn):
        """``fn()``'s JSON result: recorded in record mode, served from the recording in replay."""
        if self.policy.replaying:
            return self._replayed(call)["result"]
        try:
            result = fn()
        except LabError as err:
            self._record_error(call, err)
            raise
        if self.policy.recording:
            self.record_call(call, result=result)
        return result

    def events_of(self, call: str, fn):
        """Iterate ``fn()``'s events (build log lines, push progress), recorded like ``result_of``."""
        if self.policy.replaying:
            entry = self.replay_call(call)
            yield from entry.get("events", [])
            self._raise_recorded_error(entry)
            return
        events = []
        try:
            for event in fn():
                events.append(event)
                yield event
        except LabError as err:
            self._record_error(call, err, events=events)
            raise
        if self.policy.recording:
            self.record_call(call, events=events)

    def _replayed(self, call: str) -> dict:
        entry = self.replay_call(call)
        self._raise_recorded_error(entry)
        return entry

    @staticmethod
    def _raise_recorded_error(entry: dict) -> None:
        """Raise the recorded error as the LabError subclass live raised (``class``; LabError if unknown)."""
        if "error" in entry:
            error = entry["error"]
            raise error_class(error.get("class", ""))(error["problem"], error["fix"])

    def _record_error(self, call: str, err: LabError, **fields) -> None:
        if self.policy.recording:
            self.record_call(
                call, error={"class": type(err).__name__, "problem": err.problem, "fix": err.fix}, **fields
            )


def error_class(name: str) -> type[LabError]:
    """The LabError subclass called ``name`` among those defined so far (the module that raised it is imported)."""
    found: dict[str, type[LabError]] = {}
    todo = [LabError]
    while todo:
        cls = todo.pop()
        found.setdefault(cls.__name__, cls)
        todo.extend(cls.__subclasses__())
    return found.get(name, LabError)
