"""Executing the workbook's notebooks: stored outputs (replay), record runs, and class smoke tests.

    python -m labkit.notebooks store NB...   execute in replay, in place, and keep clean outputs
    python -m labkit.notebooks run NB...     execute with papermill in the current LABKIT_MODE
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from labkit import paths
from labkit.config import lab_home
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
    """Execute ``path`` with its own parameters and save it with its outputs (replay mode)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    clean(nb)
    nbformat.write(nb, path)


def execute(path: Path, output: Path, parameters: dict | None = None, *, env: dict | None = None) -> None:
    """Execute ``path`` with papermill (parameters injected after the cell tagged ``parameters``)."""
    import papermill

    saved = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        papermill.execute_notebook(str(path), str(output), parameters=parameters or {}, cwd=str(path.parent),
                                   kernel_name="python3", progress_bar=False)
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


def learner_prefixes(count: int) -> list[str]:
    """Generated learner names for a smoke test: learner001, learner002, …"""
    return [f"learner{i:03d}" for i in range(1, count + 1)]


def smoke_one(prefix: str, paths: list[Path], folder: Path) -> list[str]:
    """Run the workbook in replay for one learner; the failures, as 'notebook: error' lines."""
    failures = []
    env = {"LABKIT_MODE": "replay", "LABKIT_HOME": str(folder / prefix)}
    (folder / prefix).mkdir(parents=True, exist_ok=True)
    for path in paths:
        try:
            execute(path, folder / prefix / path.name, {"prefix": prefix}, env=env)
        except Exception as err:  # papermill raises PapermillExecutionError with the cell's error
            failures.append(f"{path.stem}: {str(err).strip().splitlines()[-1]}")
    return failures


def class_smoke(count: int, paths: list[Path], folder: Path) -> dict:
    """Execute the whole workbook in replay for ``count`` generated learners; failures per learner."""
    return {prefix: smoke_one(prefix, paths, folder) for prefix in learner_prefixes(count)}


def workbook() -> list[Path]:
    """The workbook's notebooks, in order; none found is an error (a smoke test of nothing must not pass)."""
    folder = paths.notebooks()
    found = sorted(folder.glob("[0-9]*.ipynb"))
    if not found:
        raise paths.WorkbookNotFound(f"{folder} holds no numbered notebook (00-setup.ipynb …).",
                                     f"point {paths.ENV} at a full clone of the workbook.")
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
            out = lab_home() / "runs" / path.name
            out.parent.mkdir(parents=True, exist_ok=True)
            run = record_run(path)
            run.discard()  # a record run's kernel stages its steps there; only a completed run publishes them
            execute(path, out)
            print(f"  executed copy: {out}")
            if run.folder.is_dir():
                print(f"  recordings published: {len(run.publish())} step file(s) in recordings/{path.stem}/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
