"""Benchmark figures (printed, not asserted): ``python3 tasks.py bench``.

- the whole workbook executed in replay, against the same number of one-cell notebooks (the floor:
  kernel start-up and nbclient overhead), medians of alternated rounds; target ≤ 2× the floor;
- ``import labkit`` in a fresh interpreter (target ≤ 150 ms), and every section module with it.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 3


def run_notebook(nb, cwd: Path) -> None:
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()


def workbook_seconds(paths) -> float:
    started = time.perf_counter()
    for path in paths:
        run_notebook(nbformat.read(path, as_version=4), path.parent)
    return time.perf_counter() - started


def floor_seconds(count: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        for _ in range(count):
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
            run_notebook(nb, Path(folder))
        return time.perf_counter() - started


SECTIONS = "labkit.setup, labkit.aks, labkit.acr, labkit.aci, labkit.workloads, labkit.cleanup, labkit.quiz"


def import_ms(modules: str = "labkit", repeat: int = 7) -> float:
    code = f"import time; t = time.perf_counter(); import {modules}; print((time.perf_counter() - t) * 1000)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                 encoding="utf-8").stdout)
            for _ in range(repeat)]
    return statistics.median(runs)


def _list(values) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def main() -> None:
    paths = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    floors, workbooks = [], []
    for _ in range(ROUNDS):  # alternated, so a busy moment on a shared machine hits both
        floors.append(floor_seconds(len(paths)))
        workbooks.append(workbook_seconds(paths))
    floor, workbook = statistics.median(floors), statistics.median(workbooks)
    ms, sections_ms = import_ms(), import_ms(SECTIONS)
    print(f"notebooks                      {len(paths)}")
    print(f"workbook in replay             {workbook:6.2f} s  (median of {ROUNDS}: {_list(workbooks)})")
    print(f"floor ({len(paths)} one-cell notebooks)   {floor:6.2f} s  (median of {ROUNDS}: {_list(floors)})")
    print(f"ratio                          {workbook / floor:6.2f} ×   (target ≤ 2.00)")
    print(f"import labkit (median of 7)    {ms:6.1f} ms  (target ≤ 150)")
    print(f"import every section module    {sections_ms:6.1f} ms  (what a notebook's first cell pays)")


if __name__ == "__main__":
    if sys.argv[1:]:  # no options: --help (or anything else) shows what it does
        print(__doc__)
        sys.exit(0 if sys.argv[1] in ("-h", "--help") else 2)
    main()
