"""Where the workbook's own files are: ``notebooks/``, ``notebooks/app/`` and ``recordings/``.

labkit is the tool; the workbook (a clone of the repository) holds its data, and record mode writes
there. The workbook folder is, in this order: ``LABKIT_WORKBOOK`` when set; the current folder or one of
its parents (a notebook's kernel starts in ``notebooks/``); the folder labkit was installed from (a
source checkout or an editable install). The same rule holds for every kind of install; when nothing
matches, :class:`WorkbookNotFound` says how to point labkit at the workbook.
"""

from __future__ import annotations

import os
from pathlib import Path

from labkit.errors import LabError

ENV = "LABKIT_WORKBOOK"
FOLDERS = ("notebooks", "recordings")  # a folder holding both is a workbook


class WorkbookNotFound(LabError):
    """labkit cannot tell where the workbook's notebooks and recordings are."""


def is_workbook(folder: Path) -> bool:
    return all((folder / name).is_dir() for name in FOLDERS)


def workbook_root() -> Path:
    """The workbook folder (see the module's docstring for the order it is looked for in)."""
    fix = (
        f"run labkit from inside the workbook (a clone of the repository), or set {ENV} to that folder, "
        f"e.g. `export {ENV}=$HOME/aks-workbook`."
    )
    explicit = os.environ.get(ENV)
    if explicit:
        root = Path(explicit).expanduser().resolve()
        if not is_workbook(root):
            raise WorkbookNotFound(f"{ENV}={explicit} has no notebooks/ and recordings/ folders.", fix)
        return root
    here = Path.cwd().resolve()
    installed_from = Path(__file__).resolve().parents[1]
    for folder in (here, *here.parents, installed_from):
        if is_workbook(folder):
            return folder
    raise WorkbookNotFound(
        f"labkit cannot find the workbook's notebooks/ and recordings/ folders "
        f"(looked in {here}, its parents, and {installed_from}).",
        fix,
    )


def recordings() -> Path:
    return workbook_root() / "recordings"


def notebooks() -> Path:
    return workbook_root() / "notebooks"


def app() -> Path:
    """The sample app's build context (notebook 03)."""
    return notebooks() / "app"
