"""A record-mode run of notebook 04's steps against the real-traffic corpus, its recordings dropped into a copy
of recordings/, then notebook 04 replayed from that copy with papermill, as a learner's kernel runs it.

Steps whose calls the corpus holds exactly are recorded (create, show, restart, delete); the others keep the
shipped recordings (logs asks for a tail the corpus's logs call did not; call_app is the app's own page, not Azure).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from labkit import aci
from labkit.notebooks import execute
from tests.unit.test_corpus import arm, run, slept  # noqa: F401  (fixtures: the stand-in's route, no sleeping)

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "04-run-aci"
RECORDED = {  # step file -> (labkit step, the corpus cases it is served)
    "create_container_group": (aci.create, ["acr/credentials", ("aci/create", [0, 3])]),
    "show": (aci.show, ["aci/show_public_address"]),
    "restart": (aci.restart, ["aci/restart", "aci/show"]),
    "delete": (aci.delete, ["aci/show", "aci/delete_sync", "aci/get_after_delete"]),
}


def record_steps(tmp_path, capsys) -> Path:
    """Notebook 04's steps in record mode against the corpus; returns the folder they were written to."""
    for name, (step, cases) in RECORDED.items():
        result, _, server = run(step, cases, tmp_path / name, capsys, notebook=NOTEBOOK)
        assert not isinstance(result, Exception) and server.unused == [], (name, server.unused)
        shutil.copy(tmp_path / name / "recordings" / NOTEBOOK / f"{name}.json", tmp_path / f"{name}.json")
    return tmp_path


def workbook_with(recorded: Path, tmp_path: Path) -> Path:
    """A workbook folder: the shipped notebooks and recordings, with the recorded steps dropped in."""
    book = tmp_path / "workbook"
    shutil.copytree(ROOT / "recordings", book / "recordings")
    (book / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / f"{NOTEBOOK}.ipynb", book / "notebooks")
    for name in RECORDED:
        shutil.copy(recorded / f"{name}.json", book / "recordings" / NOTEBOOK / f"{name}.json")
    return book


@pytest.mark.unit
def test_recordings_made_against_the_corpus_replay_notebook_04(tmp_path, capsys, slept, monkeypatch):  # noqa: F811
    monkeypatch.setenv("LABKIT_HOME", str(tmp_path / "record-home"))
    recorded = record_steps(tmp_path / "record", capsys)
    for name in RECORDED:
        data = json.loads((recorded / f"{name}.json").read_text(encoding="utf-8"))
        assert data["Entries"] and all(e["RequestUri"].startswith("https://management.azure.com/") for e in
                                       data["Entries"])
    book = workbook_with(recorded, tmp_path)
    out = tmp_path / "out.ipynb"
    execute(book / "notebooks" / f"{NOTEBOOK}.ipynb", out, {},
            env={"LABKIT_MODE": "replay", "LABKIT_WORKBOOK": str(book), "LABKIT_HOME": str(tmp_path / "home")})
    cells = nbformat.read(out, as_version=4).cells
    outputs = [o for c in cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = json.dumps(outputs)
    assert "Traceback" not in text
    assert "13.83.249.21" in text  # the corpus's public address, shown by aci.show from the new recording
    assert "aci-student-k7q2 restarted" in text and "Running again since" in text
    assert "aci-student-k7q2 is gone (GET answers 404)" in text
    assert "Started container (20:32:31 UTC)" in text  # the corpus's events, shown by aci.create from the new recording
    assert "recorded on " in text  # about_recordings names the new recordings as recorded, not hand-built
