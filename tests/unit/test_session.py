"""The session's one vocabulary: the mode read once into a Policy, its clock, one poll, one @step."""

from types import SimpleNamespace

import pytest
from azure.core.exceptions import HttpResponseError

import labkit
from labkit import aks
from labkit.config import LabConfig
from labkit.errors import AZURE_HINTS, LabError, SignInError
from labkit.lab import Lab
from labkit.polling import poll
from labkit.recording.mode import Mode, Policy, VirtualClock
from labkit.recording.recorder import Recorder
from labkit.steps import step

pytestmark = pytest.mark.unit


def make_lab(tmp_path, mode: str) -> Lab:
    return Lab("nb", LabConfig(mode=mode), Recorder(mode, "nb", root=tmp_path), None, "sub")


def test_a_wait_times_out_on_the_virtual_clock_after_as_many_reads_as_live():
    clock, reads = VirtualClock(), []
    last = poll(lambda: reads.append(clock.now()) or "pending", lambda state: state == "done", every=10, timeout=30,
                clock=clock)
    assert last == "pending" and reads == [0, 10, 20, 30] and clock.now() == 30


def test_poll_stops_at_the_first_done_value_and_shows_the_others():
    answers, shown = iter(["Creating", "Creating", "Succeeded", "never read"]), []
    assert poll(lambda: next(answers), lambda s: s == "Succeeded", every=5, timeout=600, clock=VirtualClock(),
                progress=shown.append) == "Succeeded"
    assert shown == ["Creating", "Creating"]


def test_replay_moves_its_clock_when_the_sdk_waits_between_polls(capsys):
    lab = labkit.open_lab("02-deploy-aks")
    assert lab.policy == Policy(Mode.REPLAY, lab.policy.clock) and lab.policy.clock.now() == 0
    aks.create_cluster(lab)  # the recorded create is joined: labkit polls the cluster until it is Succeeded
    assert lab.policy.clock.now() > 0  # virtual seconds passed; no real ones (the test takes no 15 s pauses)


def test_the_mode_is_read_once_into_the_session_policy():
    lab = labkit.open_lab("00-setup", mode="replay")
    assert lab.policy.replaying and lab.recorder.policy is lab.policy and lab.mode is Mode.REPLAY
    assert not Policy.of("live").replaying and Policy.of("record").recording and Policy.of("live").reads_live_prices


def test_a_recorded_error_comes_back_as_the_class_live_raised(tmp_path):
    def refuse():
        raise SignInError("no account", "run az login")

    lab = make_lab(tmp_path, "record")
    with lab.step("s"), pytest.raises(SignInError):
        lab.result_of("identity.account", refuse)
    replay = make_lab(tmp_path, "replay")
    with replay.step("s"), pytest.raises(SignInError) as replayed:
        replay.result_of("identity.account", refuse)
    assert replayed.value.problem == "no account" and replayed.value.fix == "run az login"


def test_a_step_is_its_function_name_and_shows_a_translated_azure_error_once(tmp_path, capsys):
    @step("Reading {c.resource_group}")
    def look_around(lab):
        lab.result_of("seen", lambda: {"ok": True})
        err = HttpResponseError(message="The client has no authorization")
        err.error = SimpleNamespace(code="AuthorizationFailed", message="The client has no authorization")
        raise err

    lab = make_lab(tmp_path, "record")
    with pytest.raises(LabError) as raised:
        look_around(lab)
    assert (tmp_path / "nb" / "look_around.json").exists()
    assert raised.value.problem.startswith("Reading rg-student-k7q2 failed: AuthorizationFailed")
    assert raised.value.fix == AZURE_HINTS["AuthorizationFailed"]
    assert capsys.readouterr().out.count("⛔") == 1
