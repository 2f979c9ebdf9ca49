"""Benchmark figures (printed, not asserted): ``python3 tasks.py bench``.

- the whole workbook executed in replay, against the same number of one-cell notebooks (the floor:
  kernel start-up and nbclient overhead); target ≤ 2× the floor;
- ``import labkit`` in a fresh interpreter; target ≤ 150 ms.
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


def import_ms(repeat: int = 7) -> float:
    code = "import time; t = time.perf_counter(); import labkit; print((time.perf_counter() - t) * 1000)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(repeat)]
    return statistics.median(runs)


def main() -> None:
    paths = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    floor = floor_seconds(len(paths))
    workbook = workbook_seconds(paths)
    ms = import_ms()
    print(f"notebooks                      {len(paths)}")
    print(f"workbook in replay             {workbook:6.2f} s")
    print(f"floor ({len(paths)} one-cell notebooks)   {floor:6.2f} s")
    print(f"ratio                          {workbook / floor:6.2f} ×   (target ≤ 2.00)")
    print(f"import labkit (median of 7)    {ms:6.1f} ms  (target ≤ 150)")


if __name__ == "__main__":
    main()
