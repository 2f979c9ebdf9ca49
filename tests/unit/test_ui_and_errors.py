"""The progress display's text form, and Azure errors turned into hints."""

import pytest
from azure.core.exceptions import HttpResponseError

from labkit import ui
from labkit.errors import AZURE_HINTS, LabError, explain


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
    assert ui.track(lambda: Poller(["InProgress", "InProgress"], result), title="Creating X", az="az x create",
                    done="X is ready", next_step="open 03") is result
    out = capsys.readouterr().out
    assert "⏳ Creating X" in out and "$ az x create" in out
    assert "✅ X is ready — provisioning state Succeeded" in out and "Next: open 03" in out


@pytest.mark.unit
def test_track_turns_a_known_azure_error_into_a_hint(capsys):
    failing = Poller([], error=azure_error("QuotaExceeded", "Operation could not be completed as it results in "
                                           "exceeding approved Total Regional Cores quota."))
    with pytest.raises(LabError) as err:
        ui.track(lambda: failing, title="Creating cluster", done="ready")
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
@pytest.mark.parametrize("value,text", [(0.04, "0.0 s"), (42.3, "42 s"), (372, "6 min 12 s")])
def test_durations_read_well(value, text):
    assert ui.seconds(value) == text


@pytest.mark.unit
def test_table_text_form_aligns_labels():
    assert repr(ui.Table([("a", 1), ("long label", 2)], "T")) == "T\n  a           1\n  long label  2"
