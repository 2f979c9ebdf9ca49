"""A record-mode run of a notebook's steps against the real-traffic corpus, its recordings dropped into a copy of
recordings/, then the notebook replayed from that copy with papermill, as a learner's kernel runs it.

Steps whose calls the corpus holds exactly are recorded; the others keep the shipped recordings (04's logs asks
for a tail the corpus's logs call did not; browse reads the app's own page, not Azure; 02's Kubernetes steps talk
to the cluster, not to ARM).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from labkit import aci, aks
from labkit.notebooks import execute
from tests.unit.test_corpus import arm, run, slept  # noqa: F401  (fixtures: the stand-in's route, no sleeping)

ROOT = Path(__file__).resolve().parents[2]
CREATE_CLUSTER = ["aks/cluster_not_found", "resources/group_create", "aks/kubernetes_versions", "aks/create_lro"]
RECORDED = {  # notebook -> step file -> (labkit step, the corpus cases it is served)
    "04-run-aci": {
        "create": (aci.create, ["acr/credentials", ("aci/create", [0, 3])]),
        "show": (aci.show, ["aci/show_public_address"]),
        "restart": (aci.restart, ["aci/restart", "aci/show"]),
        "delete": (aci.delete, ["aci/show", "aci/delete_sync", "aci/get_after_delete"]),
    },
    "02-deploy-aks": {
        "show_versions": (aks.show_versions, ["aks/kubernetes_versions"]),
        "create_cluster": (aks.create_cluster, CREATE_CLUSTER),
        "show_node_pools": (aks.show_node_pools, ["aks/agent_pools_list"]),
        "show_upgrades": (aks.show_upgrades, ["aks/upgrade_profile_pools_null"]),
        "show_running": (aks.show_running, ["aks/get"]),
    },
}
# What only the corpus's answers show, so the replay must have read the new recordings.
SHOWN = {
    "04-run-aci": ["13.83.249.21", "Started container (20:32:31 UTC)", "aci-student-k7q2 restarted",
                   "Running again since", "aci-student-k7q2 is gone (GET answers 404)"],
    "02-deploy-aks": ["patches 1.24.6, 1.24.9 · default", "aks-student-k7q2-9b92a40f.hcp.eastus.azmk8s.io",
                      "3 × Standard_DS1_v2", "1.22.6 → 1.23.3 (preview)", "not listed in this profile"],
}


def record_steps(notebook: str, tmp_path, capsys) -> Path:
    """The notebook's steps in record mode against the corpus; returns the folder they were written to."""
    for name, (step, cases) in RECORDED[notebook].items():
        result, _, server = run(step, cases, tmp_path / name, capsys, notebook=notebook)
        assert not isinstance(result, Exception) and server.unused == [], (name, server.unused)
        shutil.copy(tmp_path / name / "recordings" / notebook / f"{name}.json", tmp_path / f"{name}.json")
    return tmp_path


def workbook_with(notebook: str, recorded: Path, tmp_path: Path) -> Path:
    """A workbook folder: the shipped notebook and recordings, with the recorded steps dropped in."""
    book = tmp_path / "workbook"
    shutil.copytree(ROOT / "recordings", book / "recordings")
    (book / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / f"{notebook}.ipynb", book / "notebooks")
    for name in RECORDED[notebook]:
        shutil.copy(recorded / f"{name}.json", book / "recordings" / notebook / f"{name}.json")
    return book


@pytest.mark.unit
@pytest.mark.parametrize("notebook", sorted(RECORDED))
def test_recordings_made_against_the_corpus_replay_the_notebook(notebook, tmp_path, capsys, slept,  # noqa: F811
                                                                monkeypatch):
    monkeypatch.setenv("LABKIT_HOME", str(tmp_path / "record-home"))
    recorded = record_steps(notebook, tmp_path / "record", capsys)
    for name in RECORDED[notebook]:
        data = json.loads((recorded / f"{name}.json").read_text(encoding="utf-8"))
        assert data["Entries"] and all(e["RequestUri"].startswith("https://management.azure.com/") for e in
                                       data["Entries"])
    book = workbook_with(notebook, recorded, tmp_path)
    out = tmp_path / "out.ipynb"
    execute(book / "notebooks" / f"{notebook}.ipynb", out, {},
            env={"LABKIT_MODE": "replay", "LABKIT_WORKBOOK": str(book), "LABKIT_HOME": str(tmp_path / "home")})
    outputs = [o for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = json.dumps(outputs, ensure_ascii=False)
    assert "Traceback" not in text
    assert [shown for shown in SHOWN[notebook] if shown not in text] == []
    assert "recorded on " in text  # about_recordings names the new recordings as recorded, not hand-built
