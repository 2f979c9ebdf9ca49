"""Cleanup finds the lab by its tags (not from memory), shows the node group, deletes, verifies; failures say what is left."""

import shutil

import pytest

import labkit
from labkit import cleanup, costs
from labkit.config import lab_home
from labkit.errors import LabError
from tests.unit.test_aci import RECORDINGS, scenario_lab

NODE_GROUP = "MC_rg-student-k7q2_aks-student-k7q2_eastus"


def two_groups_lab(tmp_path):
    """A learner with two groups whose first delete is blocked halfway (recordings/errors-cleanup)."""
    lab = scenario_lab(tmp_path, "plan_two_groups", "plan", "errors-cleanup")
    for step, scenario in (("delete", "delete_blocked"), ("verify", "verify_left")):
        shutil.copy(RECORDINGS / "errors-cleanup" / f"{scenario}.json", lab.recorder.root / "scenario" / f"{step}.json")
    return lab


@pytest.mark.unit
def test_the_tag_filter_is_the_course_tag():
    assert cleanup.TAG_FILTER == "tagName eq 'course' and tagValue eq 'aks-workbook'"


@pytest.mark.unit
def test_a_fresh_session_finds_the_lab_by_tag_and_leaves_other_learners_alone(tmp_path, capsys):
    assert not lab_home().exists()  # nothing remembered: a new machine, or a restarted kernel with a new home
    groups = cleanup.plan(two_groups_lab(tmp_path))
    names = [g["name"] for g in groups]
    assert names == ["rg-student-k7q2", "rg-student-9x8w", NODE_GROUP]  # 9x8w: another suffix, found by its owner tag
    assert "rg-bob-3f9a" not in capsys.readouterr().out
    node = groups[-1]
    assert node["node_of"] == "aks-student-k7q2" and not groups[0]["node_of"]


@pytest.mark.unit
def test_the_plan_shows_what_each_group_holds_and_the_node_group(capsys):
    groups = cleanup.plan(labkit.open_lab("99-cleanup"))
    out = capsys.readouterr().out
    assert [g["name"] for g in groups] == ["rg-student-k7q2", NODE_GROUP]
    assert "managedClusters aks-student-k7q2; registries acrstudentk7q2" in out
    assert f"{NODE_GROUP}" in out and "Azure deletes it with the cluster" in out


@pytest.mark.unit
def test_delete_and_verify_leave_nothing_and_the_meter_stops(capsys):
    lab = labkit.open_lab("99-cleanup")
    groups = cleanup.plan(lab)
    cleanup.delete(lab, groups)  # replay holds no DELETE for the node group: deleting it directly would fail here
    assert cleanup.leftovers(lab, groups) == []
    cleanup.verify(lab, groups)
    rows, total, began = costs.running_total(lab)
    out = capsys.readouterr().out
    assert f"node resource group {NODE_GROUP} went with its cluster" in out and "✅ Nothing of your lab is left" in out
    assert all("deleted" in value for _, value in rows) and len(rows) == 2
    assert total == pytest.approx((12 + 6.5 / 60 - 10 - 4 / 3600) * 0.042 + 0.167)
    assert began.isoformat() == "2026-11-29T10:00:04+00:00"


@pytest.mark.unit
def test_a_delete_that_fails_halfway_says_what_is_left(tmp_path, capsys):
    lab = two_groups_lab(tmp_path)
    groups = cleanup.plan(lab)
    with pytest.raises(LabError) as err:
        cleanup.delete(lab, groups)
    assert "1 of 2 resource groups could not be deleted: rg-student-k7q2" in err.value.problem
    assert "run the delete cell again" in err.value.fix
    out = capsys.readouterr().out
    assert "⛔ Deleting rg-student-k7q2 failed: ResourceGroupDeletionBlocked" in out
    assert "wait a few minutes and run the delete again" in out and "✅ rg-student-9x8w deleted" in out
    assert cleanup.leftovers(lab, groups) == ["rg-student-k7q2", NODE_GROUP]
    ledger = costs.Ledger.of(lab).entries
    assert ledger and not any(e["end"] for e in ledger.values())  # nothing of the blocked group is counted as gone


@pytest.mark.unit
def test_class_selection_by_expiry_age_and_owner():
    lab = labkit.open_lab("cli-cleanup")
    with lab.step("find"):
        now = costs.now(lab)
        expired = [g["name"] for g in cleanup.class_groups(lab, expired=True, now=now)]
    with lab.step("find"):
        old = [g["name"] for g in cleanup.class_groups(lab, older_than=5, now=now)]
    with lab.step("find"):
        carol = [g["name"] for g in cleanup.class_groups(lab, owner="carol", now=now)]
    assert expired == ["rg-alice-a1b2", "rg-bob-3f9a", "MC_rg-alice-a1b2_aks-alice-a1b2_westeurope"]
    assert old == ["rg-alice-a1b2", "MC_rg-alice-a1b2_aks-alice-a1b2_westeurope"]
    assert carol == ["rg-carol-c3d4"]
