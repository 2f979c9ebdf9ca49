"""Cleanup deletes only this lab's groups, and only when the learner confirms; every group of a sweep is tried.

The Azure answers are data: recordings/errors-cleanup/*.json, built by tools/handbuilt/cleanup.py from the
ResourceGroup list bodies of the Azure CLI's recorded test_resource_group and ARM's error answers (each file's
provenance names them).
"""

import dataclasses

import pytest

import labkit
from labkit import cleanup, costs
from labkit.config import lab_home
from labkit.errors import LabError
from labkit.recording.mode import Mode, Policy, VirtualClock

NODE_GROUP = "MC_rg-student-k7q2_aks-student-k7q2_eastus"


def shared_prefix_lab(scenario_lab, **params):
    """Learner student-bbbb in a class where student-aaaa shares the prefix (so the owner tag)."""
    params = params or {"prefix": "student", "suffix": "bbbb"}
    return scenario_lab({"plan": "errors-cleanup/plan_shared_prefix"}, **params)


def blocked_lab(scenario_lab):
    """The recorded lab, whose delete is blocked halfway (recordings/errors-cleanup)."""
    return scenario_lab({"plan": "errors-cleanup/plan_shared_prefix", "delete_groups": "errors-cleanup/delete_blocked",
                         "leftovers": "errors-cleanup/verify_left"})


def sweep_lab(scenario_lab):
    """An instructor's class whose sweep meets refusals, failures and malformed tags (its three steps)."""
    return scenario_lab({"find_class_groups": "errors-cleanup/sweep_find",
                         "delete_groups": "errors-cleanup/sweep_delete", "leftovers": "errors-cleanup/sweep_verify"})


def live(lab):
    """The same session as if it were live (its answers still come from the recording): for the confirmation gate."""
    lab.config = dataclasses.replace(lab.config, mode="live")
    lab.policy = Policy(Mode.LIVE, VirtualClock())
    return lab


def refuse_every_delete(monkeypatch, lab):
    """Fail the test if anything asks Azure to delete a resource group."""
    def sent(*args, **kwargs):
        raise AssertionError(f"a delete was sent: {args}")

    monkeypatch.setattr(type(lab.resources.resource_groups), "begin_delete", sent)


# -- whose groups --------------------------------------------------------------------------------------------------
@pytest.mark.unit
def test_a_learner_never_selects_another_learner_with_the_same_prefix(scenario_lab, capsys):
    groups = cleanup.plan(shared_prefix_lab(scenario_lab))
    names = [g.name for g in groups]
    assert names == ["rg-student-bbbb", "MC_rg-student-bbbb_aks-student-bbbb_eastus"]
    out = capsys.readouterr().out
    assert "rg-student-aaaa" not in out and "rg-bob-3f9a" not in out


@pytest.mark.unit
def test_the_course_tag_is_checked_again_whatever_the_server_filter_returned(scenario_lab, capsys):
    groups = cleanup.plan(shared_prefix_lab(scenario_lab))
    assert "rg-notes-k7q2" not in [g.name for g in groups]  # this lab's tag, another course's
    assert "rg-notes-k7q2" not in capsys.readouterr().out


@pytest.mark.unit
def test_a_fresh_session_finds_the_lab_by_its_lab_tag(scenario_lab):
    assert not lab_home().exists()  # nothing remembered: a new machine, or a restarted kernel with a new home
    groups = cleanup.plan(shared_prefix_lab(scenario_lab, prefix="student"))
    assert [g.name for g in groups] == ["rg-student-k7q2", NODE_GROUP]
    assert groups[-1].node_of == "aks-student-k7q2" and not groups[0].node_of


@pytest.mark.unit
def test_a_learner_with_another_prefix_sees_their_own_names_in_replay(capsys):
    lab = labkit.open_lab("99-cleanup", prefix="alice")
    mine = lab.config.resource_group
    groups = cleanup.plan(lab)
    assert [g.name for g in groups] == [mine, f"MC_{mine}_{lab.config.cluster_name}_eastus"]
    out = capsys.readouterr().out
    assert mine in out and "rg-student-k7q2" not in out


@pytest.mark.unit
def test_the_plan_shows_what_each_group_holds_and_the_node_group(capsys):
    groups = cleanup.plan(labkit.open_lab("99-cleanup"))
    out = capsys.readouterr().out
    assert [g.name for g in groups] == ["rg-student-k7q2", NODE_GROUP]
    assert "managedClusters aks-student-k7q2; registries acrstudentk7q2" in out
    assert f"{NODE_GROUP}" in out and "Azure deletes it with the cluster" in out


# -- asking first ---------------------------------------------------------------------------------------------------
@pytest.mark.unit
def test_live_nothing_is_deleted_until_the_learner_confirms(monkeypatch, capsys):
    lab = labkit.open_lab("99-cleanup")
    groups = cleanup.plan(lab)
    refuse_every_delete(monkeypatch, live(lab))
    with pytest.raises(LabError) as err:
        cleanup.delete(lab, groups)
    assert "Nothing was deleted" in err.value.problem
    assert 'confirm = "rg-student-k7q2"' in err.value.fix
    with pytest.raises(LabError) as err:
        cleanup.delete(lab, groups, confirm="rg-student-aaaa")  # someone else's group is no confirmation
    assert "is not this lab's resource group" in err.value.problem


@pytest.mark.unit
def test_live_a_confirmed_delete_deletes(capsys):
    lab = labkit.open_lab("99-cleanup")
    groups = cleanup.plan(lab)
    cleanup.delete(live(lab), groups, confirm="rg-student-k7q2")
    out = capsys.readouterr().out
    assert "✅ rg-student-k7q2 deleted" in out and "nothing was deleted" not in out


@pytest.mark.unit
def test_replay_shows_the_recorded_delete_and_says_nothing_is_deleted(capsys):
    lab = labkit.open_lab("99-cleanup")
    groups = cleanup.plan(lab)
    capsys.readouterr()
    cleanup.delete(lab, groups)
    out = capsys.readouterr().out
    assert "Replay: nothing is deleted" in out and 'confirm = "rg-student-k7q2"' in out
    said = [line for line in out.splitlines() if "deleted" in line.lower()]
    assert said and all("nothing" in line for line in said), said


@pytest.mark.unit
def test_delete_and_verify_leave_nothing_and_the_meter_stops(capsys):
    lab = labkit.open_lab("99-cleanup")
    groups = cleanup.plan(lab)
    cleanup.delete(lab, groups, confirm="rg-student-k7q2")  # replay holds no DELETE for the node group
    assert cleanup.leftovers(lab, groups) == []
    cleanup.verify(lab, groups)
    out = capsys.readouterr().out
    assert f"node resource group {NODE_GROUP} went with its cluster" in out and "✅ Nothing of your lab is left" in out
    ledger = costs.Ledger.of(lab).entries  # the plan opened the cluster and the registry; the delete closed both
    assert len(ledger) == 2 and all(e["end"] == "2026-11-29T12:06:30+00:00" for e in ledger.values())


@pytest.mark.unit
def test_a_delete_that_fails_halfway_says_what_is_left(scenario_lab, capsys):
    lab = blocked_lab(scenario_lab)
    groups = cleanup.plan(lab)
    with pytest.raises(LabError) as err:
        cleanup.delete(lab, groups, confirm="rg-student-k7q2")
    assert "1 of 1 resource groups could not be deleted: rg-student-k7q2 (failed" in err.value.problem
    assert "run the delete cell again" in err.value.fix
    out = capsys.readouterr().out
    assert "⛔ rg-student-k7q2: the delete failed: ResourceGroupDeletionBlocked" in out
    assert "wait a few minutes and run the delete again" in out
    assert cleanup.leftovers(lab, groups) == ["rg-student-k7q2", NODE_GROUP]
    ledger = costs.Ledger.of(lab).entries
    assert ledger and not any(e["end"] for e in ledger.values())  # nothing of the blocked group is counted as gone


# -- a class's sweep ------------------------------------------------------------------------------------------------
@pytest.mark.unit
def test_class_selection_by_expiry_age_and_owner():
    lab = labkit.open_lab("cli-cleanup")
    _, expired, _ = cleanup.find_class_groups(lab, expired=True)
    _, old, _ = cleanup.find_class_groups(lab, older_than=5)
    _, carol, _ = cleanup.find_class_groups(lab, owner="carol")
    alice_nodes = "MC_rg-alice-a1b2_aks-alice-a1b2_westeurope"
    assert [g.name for g in expired] == ["rg-alice-a1b2", "rg-bob-3f9a", alice_nodes]
    assert [g.name for g in old] == ["rg-alice-a1b2", alice_nodes]
    assert [g.name for g in carol] == ["rg-carol-c3d4"]


@pytest.mark.unit
def test_an_empty_owner_selects_nobody_it_is_refused():
    lab = labkit.open_lab("cli-cleanup")
    with lab.step("find_class_groups"), pytest.raises(LabError, match="owner"):
        cleanup.class_groups(lab, owner="")


@pytest.mark.unit
def test_a_malformed_date_tag_is_reported_for_its_group_and_the_selection_goes_on(scenario_lab):
    lab = sweep_lab(scenario_lab)
    with lab.step("find_class_groups"):
        now = costs.now(lab)
        expired, unreadable = cleanup.class_groups(lab, expired=True, now=now)
    with lab.step("find_class_groups"):
        old, unreadable_old = cleanup.class_groups(lab, older_than=5, now=now)
    assert "rg-alice-a1b2" in [g.name for g in expired] and "rg-alice-a1b2" in [g.name for g in old]
    assert [(g.name, why) for g, why in unreadable] == [
        ("rg-hank-h3i4", "tag expires='2026-02-31' is not a date (YYYY-MM-DD)")]
    assert [(g.name, why) for g, why in unreadable_old] == [
        ("rg-ivy-i5j6", "tag created='yesterday' is not a date (YYYY-MM-DD)")]
    assert "rg-kim-k9l0" not in [g.name for g in expired + old]  # tagged for another course


@pytest.mark.unit
def test_every_group_of_a_sweep_is_tried_and_ends_one_of_four_ways(scenario_lab, capsys):
    lab = sweep_lab(scenario_lab)
    expired = ("rg-alice-a1b2", "MC_rg-alice-a1b2_aks-alice-a1b2_westeurope", "rg-bob-3f9a", "rg-dave-d5e6",
               "rg-erin-e7f8", "rg-frank-f9g0", "rg-gina-g1h2", "rg-jo-j7k8")
    with lab.step("find_class_groups"):
        chosen = [g for g in cleanup.course_groups(lab) if g.name in expired]
    outcomes = {o.name: o for o in cleanup.delete_groups(lab, chosen)}
    assert {name: o.state for name, o in outcomes.items()} == {
        "rg-alice-a1b2": "deleted", "rg-bob-3f9a": "refused", "rg-dave-d5e6": "already gone",
        "rg-erin-e7f8": "refused", "rg-frank-f9g0": "failed", "rg-gina-g1h2": "failed", "rg-jo-j7k8": "deleted"}
    assert outcomes["rg-bob-3f9a"].why.startswith("AuthorizationFailed (403): The client")
    assert outcomes["rg-erin-e7f8"].why.startswith("ScopeLocked (409): ") and "lock" in outcomes["rg-erin-e7f8"].fix
    assert outcomes["rg-frank-f9g0"].why.startswith("ResourceGroupDeletionBlocked (409): ")
    assert outcomes["rg-gina-g1h2"].why.startswith("InternalServerError (500): ")
    assert outcomes["rg-dave-d5e6"].why == "ResourceGroupNotFound"
    out = capsys.readouterr().out
    for name in outcomes:
        assert name in out


@pytest.mark.unit
@pytest.mark.parametrize("value, shown", [
    ("alice", "alice"), ("a\nb", "a\\nb"), ("x\x1b[2Ky", "x\\x1b[2Ky"), ("r\rs", "r\\rs"),
    ("\u202eevil", "\\u202eevil"), ("é ü", "é ü"), ("z" * 80, "z" * 63 + "…")])
def test_values_from_azure_are_printed_escaped_and_short(value, shown):
    assert cleanup.shown(value) == shown


@pytest.mark.unit
def test_a_group_not_tagged_for_the_course_is_never_deleted_whoever_chose_it(scenario_lab, monkeypatch):
    lab = sweep_lab(scenario_lab)
    with lab.step("find_class_groups"):
        other_course = [g for g in cleanup.course_groups(lab) if g.name == "rg-kim-k9l0"]
    refuse_every_delete(monkeypatch, lab)
    [outcome] = cleanup.delete_groups(lab, other_course)
    assert outcome.state == "refused" and "not tagged course=aks-workbook" in outcome.why
