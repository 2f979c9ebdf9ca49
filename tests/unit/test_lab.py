"""The lab session in replay: no socket at all, steps required, re-runs work, learners' own names."""

import json
import socket

import pytest

import labkit
from labkit import setup
from labkit.errors import NoRecordingError


@pytest.fixture
def no_sockets(monkeypatch):
    def refuse(sock, address):
        raise AssertionError(f"replay opened a connection to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.unit
def test_replay_opens_no_socket(no_sockets, capsys):
    lab = labkit.open_lab("00-setup")
    assert setup.register_providers(lab) == dict.fromkeys(setup.PROVIDERS, "Registered")
    assert "✅ Microsoft.ContainerInstance: Registered" in capsys.readouterr().out


@pytest.mark.unit
def test_running_a_step_twice_in_one_session_replays_it_twice(capsys):
    lab = labkit.open_lab("00-setup")
    assert setup.register_providers(lab) == setup.register_providers(lab)


@pytest.mark.unit
def test_azure_calls_outside_a_step_are_refused():
    lab = labkit.open_lab("00-setup")
    with pytest.raises(RuntimeError, match="lab.step"):
        lab.resources.providers.get("Microsoft.ContainerService")


@pytest.mark.unit
def test_a_step_without_recording_names_the_notebook_and_the_fix():
    lab = labkit.open_lab("00-setup")
    with lab.step("not_recorded"), pytest.raises(NoRecordingError) as err:
        lab.resources.providers.get("Microsoft.ContainerService")
    assert "not_recorded" in err.value.problem and "notebooks/00-setup.ipynb" in err.value.fix


@pytest.mark.unit
def test_learner_names_show_in_replay_and_region_is_explained(capsys):
    lab = labkit.open_lab("00-setup", prefix="erin", region="westeurope")
    setup.show_lab(lab)
    out = capsys.readouterr().out
    assert f"rg-erin-{lab.config.suffix}" in out and "recorded lab in eastus" in out
    assert lab.config.region == "eastus"


@pytest.mark.unit
def test_import_labkit_loads_no_sdk():
    import subprocess
    import sys

    code = "import sys, labkit; print(sorted(m for m in sys.modules if m.split('.')[0] in " \
           "('azure', 'docker', 'ipywidgets', 'kubernetes', 'requests')))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8").stdout.strip() == "[]"


def write_step(root, notebook, step, config, entries):
    (root / notebook).mkdir(parents=True, exist_ok=True)
    data = {"provenance": {"kind": "recorded", "date": "2026-12-01", "config": config}, "Entries": entries, "Calls": []}
    (root / notebook / f"{step}.json").write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.unit
def test_a_step_recorded_with_other_names_replays_for_any_learner(tmp_path):
    (tmp_path / "lab.json").write_text(json.dumps({"config": {"prefix": "student", "suffix": "k7q2",
                                                              "region": "eastus"}}), encoding="utf-8")
    group = "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-inst-ab12"
    write_step(tmp_path, "nb", "get", {"prefix": "inst", "suffix": "ab12", "region": "eastus"}, [{
        "RequestUri": f"https://management.azure.com{group}?api-version=2025-04-01", "RequestMethod": "GET",
        "RequestHeaders": {}, "RequestBody": None, "StatusCode": 200, "ResponseHeaders": {},
        "ResponseBody": {"id": group, "name": "rg-inst-ab12", "location": "eastus"}}])
    for prefix in (None, "zoe"):
        lab = labkit.open_lab("nb", recordings=tmp_path, prefix=prefix)
        with lab.step("get"):
            assert lab.resources.resource_groups.get(lab.config.resource_group).name == lab.config.resource_group


@pytest.mark.unit
def test_record_mode_makes_its_lab_the_replay_default(tmp_path):
    from labkit.recording.recorder import Recorder

    config = {"prefix": "inst", "suffix": "ab12", "region": "westeurope", "mode": "record", "owner": "inst"}
    recorder = Recorder("record", "nb", root=tmp_path, provenance={"config": config}, whole_run=True)
    with recorder.step_scope("s"):
        pass
    assert not (tmp_path / "lab.json").exists()  # re-pointed only when the run completes
    recorder.finish()
    assert json.loads((tmp_path / "lab.json").read_text(encoding="utf-8"))["config"] == {"prefix": "inst", "suffix": "ab12",
                                                                          "region": "westeurope"}
    assert labkit.open_lab("nb", recordings=tmp_path).config.resource_group == "rg-inst-ab12"


@pytest.mark.unit
def test_finishing_a_replay_lab_writes_and_says_nothing(scenario_lab, capsys):
    lab = scenario_lab({"create_cluster": "errors-aks/create_fresh"})
    before = {p: p.read_bytes() for p in lab.recorder.root.rglob("*") if p.is_file()}
    capsys.readouterr()
    lab.finish()
    assert capsys.readouterr().out == ""
    assert {p: p.read_bytes() for p in lab.recorder.root.rglob("*") if p.is_file()} == before
