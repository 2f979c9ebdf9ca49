"""Every notebook executes in replay with papermill (parameters injected) and matches its stored outputs (nbval)."""

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from labkit.notebooks import WIDGET_VIEW, execute

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_exactly_one_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_stored_outputs_are_clean(path):
    nb = nbformat.read(path, as_version=4)
    assert "papermill" not in nb.metadata and "widgets" not in nb.metadata
    for cell in nb.cells:
        assert "execution" not in cell.metadata, "run `python3 tasks.py outputs` to store clean outputs"
        if cell.cell_type == "code":
            assert cell.execution_count, f"a code cell was never run: {cell.source[:60]!r}"
            assert not [o for o in cell.outputs if WIDGET_VIEW in o.get("data", {})], "widget view stored"
            assert not [o for o in cell.outputs if o.output_type == "error"], cell.source[:60]
            assert not [o for o in cell.outputs if o.get("name") == "stderr"], f"stderr in {cell.source[:60]!r}"


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_papermill_runs_it_for_another_learner(path, tmp_path):
    out = tmp_path / path.name
    execute(path, out, {"prefix": "papermill", "region": "westeurope"}, env={"LABKIT_MODE": "replay"})
    nb = nbformat.read(out, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and 'prefix = "papermill"' in injected[0].source
    text = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert "Traceback" not in text
    if any(c.cell_type == "code" and "open_lab" in c.source for c in nb.cells):
        assert "papermill" in text, "the learner's prefix should show in the outputs"


@pytest.mark.notebooks
def test_nbval_matches_stored_outputs():
    done = subprocess.run([sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider",
                           "--nbval-sanitize-with", str(ROOT / "tests" / "nbval-sanitize.cfg"), "-q",
                           *map(str, NOTEBOOKS)], cwd=ROOT, capture_output=True, text=True,
                          env={**__import__("os").environ, "LABKIT_MODE": "replay"}, encoding="utf-8")
    assert done.returncode == 0, done.stdout[-4000:]


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_a_lab_notebook_finishes_its_lab_after_its_last_step(path):
    """A record run done by hand publishes only at ``lab.finish()``: each notebook that opens a lab ends with it."""
    code = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    if not any("open_lab(" in source for source in code):
        pytest.skip("opens no lab")
    finish = [i for i, source in enumerate(code) if source.strip() == "lab.finish()"]
    uses_lab = [i for i, source in enumerate(code) if "(lab" in source or "lab." in source]
    assert finish and finish[-1] == max(uses_lab), "the last cell that uses the lab should be `lab.finish()`"
