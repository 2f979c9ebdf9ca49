"""Step files on disk: read in replay; in record mode staged, and published only when the notebook's run completes.

A record run writes each step under ``recordings/.staging/<notebook>/`` (never over the shipped recordings) and
notes there which steps raised. Once the notebook has run to its end (``labkit.notebooks run`` after papermill
succeeds, or ``lab.finish()`` in the notebook), :meth:`RecordRun.publish` checks the staged files for leaks and
moves each into ``recordings/<notebook>/`` with ``os.replace``, then points ``recordings/lab.json`` at the lab
they were made with. A run that failed anywhere publishes nothing: the previous recordings stay byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path

from labkit.errors import LabError

STAGING = ".staging"
RUN_STATE = "run.json"  # in the staging folder: {"failed": {step: why}, "lab": {...} | None}


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then move it over ``path`` in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def dump(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


class StepFile:
    """One step's recording, with a cursor per request so that entries are used in order."""

    def __init__(self, path: Path, data: dict):
        self.path, self.data = path, data
        self.used: set[tuple] = set()

    @classmethod
    def load(cls, path: Path) -> StepFile | None:
        return cls(path, json.loads(path.read_text(encoding="utf-8"))) if path.exists() else None

    def recorded_seconds(self) -> float | None:
        """How long the step took when it was recorded: the seconds a record run measured (``seconds``), else the
        span of the operation-status answers' ``startTime``..``endTime`` it holds, else unknown (None)."""
        if "seconds" in self.data:
            return float(self.data["seconds"])
        spans = [
            (body["startTime"], body["endTime"])
            for body in (entry.get("ResponseBody") for entry in self.data.get("Entries", []))
            if isinstance(body, dict) and body.get("startTime") and body.get("endTime")
        ]
        if not spans:
            return None
        start = min(_instant(s) for s, _ in spans)
        return (max(_instant(e) for _, e in spans) - start).total_seconds()

    def take(self, kind: str, match) -> dict | None:
        """The first unused entry of ``kind`` ("Entries" or "Calls") that ``match`` accepts."""
        for i, entry in enumerate(self.data.get(kind, [])):
            if (kind, i) not in self.used and match(entry):
                self.used.add((kind, i))
                return entry
        return None


def _instant(text: str) -> dt.datetime:
    """An Azure timestamp ('2026-11-29T10:06:11.7333333Z': seven decimals, which fromisoformat refuses) as a time."""
    whole, _, rest = text.rstrip("Z").partition(".")
    return dt.datetime.fromisoformat(f"{whole}.{(rest + '000000')[:6]}" if rest else whole)


class RecordRunIncomplete(LabError):
    """A record run that did not complete, or left a secret: nothing was published."""


class RecordRun:
    """One notebook's record run, staged beside the recordings until it completes."""

    def __init__(self, root: Path, notebook: str):
        self.root, self.notebook = root, notebook
        self.folder = root / STAGING / notebook

    def start(self) -> None:
        """A new run: whatever an earlier, unfinished run staged is dropped."""
        self.discard()
        self.folder.mkdir(parents=True)
        write_atomic(self.folder / RUN_STATE, dump({"failed": {}, "lab": None}))

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def state(self) -> dict:
        path = self.folder / RUN_STATE
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"failed": {}, "lab": None}

    def stage(self, step: str, data: dict, error: BaseException | None = None, lab: dict | None = None) -> None:
        """Keep a step's recording; a step that raised marks the run failed (until it is run again and passes)."""
        state = self.state()
        if error is not None:
            state["failed"][step] = f"{type(error).__name__}: {error}"[:300]
        else:
            state["failed"].pop(step, None)
        state["lab"] = lab or state.get("lab")
        write_atomic(self.folder / f"{step}.json", dump(data))
        write_atomic(self.folder / RUN_STATE, dump(state))

    def staged(self) -> list[Path]:
        return sorted(p for p in self.folder.glob("*.json") if p.name != RUN_STATE)

    def publish(self) -> list[Path]:
        """Move the staged steps into ``recordings/<notebook>/`` and re-point ``lab.json``; the paths written.

        Raises :class:`RecordRunIncomplete` (publishing nothing) if a step failed or a staged file holds a secret.
        """
        from labkit.recording.scrub import find_leaks

        state, staged = self.state(), self.staged()
        kept = f"recordings/{self.notebook}/ and recordings/lab.json are kept as they were"
        if state["failed"]:
            step, why = next(iter(state["failed"].items()))
            raise RecordRunIncomplete(
                f"The record run of {self.notebook} did not complete (step '{step}' raised {why}): {kept}.",
                "fix the cause and record the whole notebook again.",
            )
        for path in staged:
            leaks = find_leaks(path.read_text(encoding="utf-8"))
            if leaks:
                raise RecordRunIncomplete(
                    f"The recording of step '{path.stem}' still holds {', '.join(leaks)}: {kept}.",
                    "teach labkit.recording.secrets this shape, then record again.",
                )
        written = []
        for path in staged:
            target = self.root / self.notebook / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
            written.append(target)
        if written and state.get("lab"):
            write_atomic(self.root / "lab.json", dump(state["lab"]))
        self.discard()
        return written
