"""Executing the workbook's notebooks: stored outputs (replay), record runs, and class smoke tests.

python -m labkit.notebooks store NB...   execute in replay, in place, and keep clean outputs
python -m labkit.notebooks run NB...     execute with papermill in the current LABKIT_MODE
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from labkit import paths
from labkit.config import SETUP_NOTEBOOK
from labkit.errors import ConfigError
from labkit.home import SETTINGS, create_private, private_folder
from labkit.recording.mode import Mode
from labkit.recording.stepfile import RecordRun

VOLATILE_CELL_KEYS = ("execution", "papermill", "collapsed", "scrolled")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def clean(nb) -> None:
    """Drop what changes on every run: timings, papermill metadata, widget state and widget views.

    A stored widget view without its state shows "model not found" in JupyterLab, so stored outputs
    keep only their text and HTML forms; running the cell brings the live widgets back.
    """
    for key in ("papermill", "widgets"):
        nb.metadata.pop(key, None)
    for cell in nb.cells:
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)


def store(path: Path) -> None:
    """Execute ``path`` with its own parameters and save it with its outputs (replay mode).

    It runs with an empty lab folder, so the stored outputs never show this machine's lab settings.
    """
    import tempfile

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as fresh, environment({"LABKIT_HOME": fresh}):
        NotebookClient(
            nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
        ).execute()
    clean(nb)
    nbformat.write(nb, path)


def execute(path: Path, output: Path, parameters: dict | None = None, *, env: dict | None = None) -> None:
    """Execute ``path`` with papermill (parameters injected after the cell tagged ``parameters``)."""
    import papermill

    with environment(env or {}):
        papermill.execute_notebook(
            str(path),
            str(output),
            parameters=parameters or {},
            cwd=str(path.parent),
            kernel_name="python3",
            progress_bar=False,
        )


@contextlib.contextmanager
def environment(env: dict):
    """Set these environment variables (the kernel inherits them) for a while, then put the old values back."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


def learner_prefixes(count: int) -> list[str]:
    """Generated learner names for a smoke test: learner001, learner002, …"""
    return [f"learner{i:03d}" for i in range(1, count + 1)]


def smoke_one(prefix: str, paths: list[Path], folder: Path) -> list[str]:
    """Run the workbook in replay for one learner; the failures, as 'notebook: what went wrong' lines.

    The learner's prefix goes to 00-setup only (when it is among ``paths``): every later notebook must
    take it from the settings 00-setup remembered, as a learner's would.
    """
    failures = []
    home = folder / prefix
    env = {"LABKIT_MODE": Mode.REPLAY.value, "LABKIT_HOME": str(home)}
    home.mkdir(parents=True, exist_ok=True)
    setup_first = any(p.stem == SETUP_NOTEBOOK for p in paths)
    for path in paths:
        given = {"prefix": prefix} if path.stem == SETUP_NOTEBOOK or not setup_first else {}
        try:
            execute(path, home / path.name, given, env=env)
        except Exception as err:  # papermill raises PapermillExecutionError with the cell's error
            failures.append(f"{path.stem}: {failure_shown(home / path.name) or error_line(err)}")
            continue
        failures += [f"{path.stem}: {problem}" for problem in output_problems(home / path.name, prefix, home)]
    return failures


def output_problems(executed: Path, prefix: str, home: Path) -> list[str]:
    """What a replay run must not show: a ⛔ line, or (where the notebook opens the lab) names not the learner's."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    text = shown_text(nb)
    problems = [f"shows {line.strip()[:160]!r}" for line in text.splitlines() if "⛔" in line][:1]
    if any("open_lab(" in cell.source for cell in nb.cells if cell.cell_type == "code"):
        suffix = learner_suffix(home, prefix)
        if not suffix or f"{prefix}-{suffix}" not in text:
            problems.append(f"never shows the learner's own names (rg-{prefix}-{suffix or '?'} …)")
    return problems


def failure_shown(executed: Path) -> str:
    """The first ⛔ line a failed run showed (a LabError, see labkit.kernel), or ''."""
    import nbformat

    try:
        text = shown_text(nbformat.read(executed, as_version=4))
    except (OSError, ValueError):
        return ""
    return next((line.strip() for line in text.splitlines() if "⛔" in line), "")


def error_line(err: Exception) -> str:
    """One line for an execution error: the cell's error name and message (papermill keeps them)."""
    name, value = getattr(err, "ename", None), getattr(err, "evalue", None)
    if name and value:
        return f"{name}: {value}".strip().splitlines()[0]
    return (str(err).strip().splitlines() or [type(err).__name__])[-1]


def shown_text(nb) -> str:
    """Everything a notebook's cells showed, as text: streams, text and HTML forms, errors."""
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts += [str(value) for kind, value in output.get("data", {}).items() if kind.startswith("text/")]
            parts += output.get("traceback", [])
    return "\n".join(parts)


def learner_suffix(home: Path, prefix: str) -> str:
    """The suffix the lab gave ``prefix`` in the lab folder ``home`` ('' if none)."""
    import json

    try:
        return json.loads((home / SETTINGS).read_text(encoding="utf-8"))["suffixes"][prefix]
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def class_smoke(count: int, paths: list[Path], folder: Path) -> dict:
    """Execute the whole workbook in replay for ``count`` generated learners; failures per learner."""
    if count < 1 or not paths:
        raise ConfigError(
            f"a class smoke test needs at least one learner and one notebook (got {count} learners, "
            f"{len(paths)} notebooks).",
            "give --learners 1 or more, and a workbook with notebooks.",
        )
    return {prefix: smoke_one(prefix, paths, folder) for prefix in learner_prefixes(count)}


def workbook() -> list[Path]:
    """The workbook's notebooks, in order; none found is an error (a smoke test of nothing must not pass)."""
    folder = paths.notebooks()
    found = sorted(folder.glob("[0-9]*.ipynb"))
    if not found:
        raise paths.WorkbookNotFound(
            f"{folder} holds no numbered notebook (00-setup.ipynb …).",
            f"point {paths.ENV} at a full clone of the workbook.",
        )
    return found


def record_run(path: Path) -> RecordRun:
    """Where a record run of the notebook ``path`` stages its steps until it completes."""
    return RecordRun(paths.recordings(), path.stem)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("store", "run"):
        print(__doc__.strip())
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    action, paths = argv[0], [Path(p) for p in argv[1:]]
    for path in paths:
        print(f"{action}: {path.name}", flush=True)
        if action == "store":
            store(path)
        else:
            out = create_private(private_folder("runs") / path.name)  # a live run names the subscription
            run = record_run(path)
            run.discard()  # a record run's kernel stages its steps there; only a completed run publishes them
            execute(path, out)
            create_private(out)
            print(f"  executed copy: {out}")
            if run.folder.is_dir():
                print(f"  recordings published: {len(run.publish())} step file(s) in recordings/{path.stem}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
