"""The progress display's text form, and Azure errors turned into hints."""

import re

import pytest
from azure.core.exceptions import HttpResponseError

from labkit import ui
from labkit.errors import AZURE_HINTS, LabError, explain
from labkit.polling import track
from labkit.recording.mode import Policy
from labkit.recording.recorder import Recorder

LAB = type("Lab", (), {"policy": Policy.of("replay"), "recorder": Recorder("replay", "x")})()  # no step is open


class Poller:
    """Just enough of an LROPoller: a few InProgress states, then a result or an error."""

    def __init__(self, states, result=None, error=None):
        self.states, self.result_value, self.error = list(states), result, error

    def done(self):
        return not self.states

    def status(self):
        return self.states[0]

    def wait(self, timeout):
        self.states.pop(0)

    def result(self):
        if self.error:
            raise self.error
        return self.result_value


def azure_error(code, message):
    err = HttpResponseError(message=message)
    err.error = type("OData", (), {"code": code, "message": message})()
    return err


@pytest.mark.unit
def test_track_shows_title_az_command_and_a_tick(capsys):
    result = type("R", (), {"provisioning_state": "Succeeded"})()
    assert track(LAB, lambda: Poller(["InProgress", "InProgress"], result), title="Creating X", az="az x create",
                 done="X is ready", next_step="open 03") is result
    out = capsys.readouterr().out
    assert "⏳ Creating X" in out and "$ az x create" in out
    assert "✅ X is ready — provisioning state Succeeded" in out and "Next: open 03" in out


@pytest.mark.unit
def test_track_turns_a_known_azure_error_into_a_hint(capsys):
    failing = Poller([], error=azure_error("QuotaExceeded", "Operation could not be completed as it results in "
                                           "exceeding approved Total Regional Cores quota."))
    with pytest.raises(LabError) as err:
        track(LAB, lambda: failing, title="Creating cluster", done="ready")
    assert "QuotaExceeded" in err.value.problem and err.value.fix == AZURE_HINTS["QuotaExceeded"]
    assert "⛔" in capsys.readouterr().out


@pytest.mark.unit
def test_unknown_azure_errors_are_not_hidden():
    err = azure_error("SomethingNew", "brand new failure")
    assert explain(err, doing="x") is err


@pytest.mark.unit
def test_vm_size_message_without_code_still_gets_the_hint():
    err = azure_error("BadRequest", "The VM size of Standard_NC6 is not allowed in your subscription in location 'eastus'.")
    assert explain(err, doing="Creating cluster").fix == AZURE_HINTS["SkuNotAvailable"]


@pytest.mark.unit
def test_acr_tasks_refused_on_free_credits_gets_the_build_locally_hint():
    """What `az acr build` meets on a free-credit subscription (code and message as learners quote them in
    MicrosoftDocs/azure-aks-docs issue 112): labkit never sends ACR Tasks, but a learner who types the command does."""
    refused = azure_error("TasksOperationsNotAllowed", "ACR Tasks requests for the registry acrstudentk7q2 and "
                          "00000000-0000-0000-0000-000000000000 are not permitted. Please file an Azure support "
                          "request at http://aka.ms/azuresupport for assistance.")
    friendly = explain(refused, doing="az acr build")
    assert isinstance(friendly, LabError) and "TasksOperationsNotAllowed" in friendly.problem
    assert "Docker" in friendly.fix and "import" in friendly.fix


@pytest.mark.unit
@pytest.mark.parametrize("value,text", [(0.04, "0.0 s"), (42.3, "42 s"), (372, "6 min 12 s")])
def test_durations_read_well(value, text):
    assert ui.seconds(value) == text


@pytest.mark.unit
def test_table_text_form_aligns_labels():
    assert repr(ui.Table([("a", 1), ("long label", 2)], "T")) == "T\n  a           1\n  long label  2"


def test_status_lines_wrap_at_spaces_and_carry_a_colour_beside_the_mark():
    line = ui.status_html("✅ Cluster aks-student-k7q2 created: az aks create --name aks-student-k7q2")
    assert "word-break:normal" in line and "overflow-wrap:break-word" in line  # not JupyterLab's break-all
    assert "width:" not in line.replace("border-left:4px", "")  # no fixed width to squeeze it
    assert f"border-left:4px solid {ui.MARKS['✅']}" in line and ui.MARKS["⛔"] in ui.status_html("⛔ failed")


def test_tables_show_backticks_as_code_and_their_title_above_the_table():
    page = ui.Table([("coredns", "cluster DNS for `kubectl top` and Services")], "A long title " * 8)._repr_html_()
    assert "`" not in page and "<code>kubectl top</code>" in page
    assert "<caption" not in page and page.index("labkit-table-title") < page.index("<table>")


def test_replay_outputs_are_marked_and_live_outputs_fade_them(monkeypatch):
    import labkit

    monkeypatch.setattr(ui, "_REPLAYING", None)  # no lab opened yet: nothing to mark, nothing faded
    assert "labkit-replay" not in ui.status_html("✅ done") and "<style>" not in ui.status_html("✅ done")
    labkit.open_lab("00-setup")  # the mode is read there, once; the default is replay
    assert "labkit-replay" in ui.status_html("✅ done") and "<style>" not in ui.status_html("✅ done")
    ui.mark_outputs(False)  # what open_lab does for a live lab (opening one signs in)
    live = ui.status_html("✅ done")
    assert "labkit-replay" not in live.split("</style>")[1] and ":has(.labkit-replay)" in live
    assert "not your lab: run this cell" in ui.Table([("a", "b")])._repr_html_()


def test_a_folded_note_is_one_line_in_text_and_details_in_html():
    note = ui.Folded("ℹ️ Replay: the answers are the recorded lab's", "<table><tr><td>detail</td></tr></table>")
    assert repr(note) == "ℹ️ Replay: the answers are the recorded lab's"
    page = note._repr_html_()
    assert page.index("<summary") < page.index("<td>detail") and page.startswith("<details")


def test_names_and_options_are_not_split_at_their_hyphen():
    page = ui.status_html("✅ az aks get-credentials --resource-group rg-student-k7q2 <x>")
    for token in ("get-credentials", "--resource-group", "rg-student-k7q2"):
        assert f"<span style='white-space:nowrap'>{token}</span>" in page
    assert "&lt;x&gt;" in page  # still escaped
    long_url = "http://" + "a-" * 40 + ".example/"
    assert "nowrap" not in ui.words_html(long_url)  # too long to keep whole: it may break rather than overflow


@pytest.mark.unit
def test_replay_says_how_long_the_recorded_step_took(scenario_lab, capsys):
    import datetime as dt
    import json

    from labkit import aks

    lab = scenario_lab({"create_cluster": "errors-aks/create_fresh"})
    entries = json.loads((lab.recorder.root / "scenario" / "create_cluster.json").read_text(encoding="utf-8"))["Entries"]
    done = next(e["ResponseBody"] for e in entries if (e["ResponseBody"] or {}).get("status") == "Succeeded")
    took = dt.datetime.fromisoformat(done["endTime"][:19]) - dt.datetime.fromisoformat(done["startTime"][:19])
    minutes, seconds = divmod(round(took.total_seconds()), 60)
    aks.create_cluster(lab)
    # the recording's operation status ran from startTime to endTime; replay's own time is its virtual clock's
    # (the polls' pauses, slept at once)
    assert re.search(rf"created — provisioning state Succeeded \(done in \d+\.\d s — the recorded lab took "
                     rf"{minutes} min {seconds:02d} s\)", capsys.readouterr().out)


@pytest.mark.unit
def test_a_measured_duration_in_the_step_file_is_what_replay_tells(scenario_lab, capsys):
    import json

    from labkit import aks

    lab = scenario_lab({"create_cluster": "errors-aks/create_fresh"})
    path = lab.recorder.root / "scenario" / "create_cluster.json"
    path.write_text(json.dumps({**json.loads(path.read_text(encoding="utf-8")), "seconds": 372.4}), encoding="utf-8")
    aks.create_cluster(lab)
    assert "the recorded lab took 6 min 12 s)" in capsys.readouterr().out


@pytest.mark.unit
def test_a_live_progress_times_itself_on_the_lab_clock(capsys):
    from labkit.recording.mode import Mode, VirtualClock

    policy = Policy(Mode.LIVE, VirtualClock())
    lab = type("Lab", (), {"policy": policy, "recorder": Recorder(policy, "x")})()
    progress = ui.Progress(lab, "Creating X")
    policy.sleep(42)
    progress.finish(True, "X is ready")
    out = capsys.readouterr().out
    assert "✅ X is ready (42 s)" in out and "recorded" not in out
