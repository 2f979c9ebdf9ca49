"""The learner's settings file and the lab folder: locked, atomic, checked before saving, private, recoverable;
and the lab chosen in 00-setup carried into every later notebook."""

import json
import multiprocessing
import os
import stat
import sys

import pytest

import labkit
from labkit import costs, home, notebooks
from labkit.config import LabConfig, remembered_suffix
from labkit.errors import ConfigError

POSIX = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _first_opens(barrier, results, prefixes):
    barrier.wait()  # every process starts asking at the same moment
    results.put([(p, remembered_suffix(p)) for p in prefixes])


@pytest.mark.unit
@pytest.mark.skipif(sys.platform == "win32", reason="fork: the processes start together, with the test's LABKIT_HOME")
def test_thirty_processes_opening_at_once_get_one_suffix_per_prefix(lab_home):
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(30), context.Queue()
    names = ["alice", "bob", "carol", "dave", "erin"]
    workers = [context.Process(target=_first_opens, args=(barrier, results, names[i % 5:] + names[:i % 5]))
               for i in range(30)]
    for w in workers:
        w.start()
    got = [pair for _ in workers for pair in results.get(timeout=60)]
    for w in workers:
        w.join(timeout=60)
    final = {p: remembered_suffix(p) for p in names}  # what the file says now
    assert {p: {s for q, s in got if q == p} for p in names} == {p: {final[p]} for p in names}


@pytest.mark.unit
def test_a_rejected_prefix_is_never_saved(lab_home):
    for bad in ("Zoe Smith", "azure", ["alice"]):
        with pytest.raises(ConfigError):
            LabConfig.resolve(prefix=bad, mode="live")
        with pytest.raises(ConfigError):
            labkit.open_lab("00-setup", prefix=bad)
    with pytest.raises(ConfigError):  # a good prefix with a bad region: the lab is refused whole, nothing kept
        labkit.open_lab("00-setup", prefix="alice", region="mars")
    assert not (lab_home / "learner.json").exists()


@pytest.mark.unit
def test_a_write_that_fails_midway_leaves_the_old_settings_whole(lab_home, monkeypatch):
    first = remembered_suffix("alice")
    before = (lab_home / "learner.json").read_text(encoding="utf-8")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(os, "fsync", disk_full)
        with pytest.raises(OSError):
            remembered_suffix("bob")
    assert (lab_home / "learner.json").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in lab_home.iterdir()) == ["learner.json", "learner.json.lock"]  # no temp left
    assert remembered_suffix("alice") == first


@pytest.mark.unit
@pytest.mark.parametrize("damage", ['{"suffixes": {"alice": "ab', "", "[1, 2]", '{"suffixes": {"alice": 7}}', '{"x": 1}',
                                    '{"suffixes": {}, "lab": {"prefix": "Zoe Smith"}}', "\xff\xfe"])
def test_a_damaged_settings_file_is_set_aside_once_with_a_clear_message(lab_home, capsys, damage):
    lab_home.mkdir(parents=True)
    (lab_home / "learner.json").write_text(damage, encoding="latin-1")
    notes = []
    config = LabConfig.resolve(prefix="alice", mode="live", notes=notes)
    assert [ok for ok, _ in notes] == [False] and "damaged" in notes[0][1] and "suffix=" in notes[0][1]
    kept = [p for p in lab_home.iterdir() if p.name.startswith("learner.json.damaged-")]
    assert len(kept) == 1 and kept[0].read_text(encoding="latin-1") == damage
    again = []
    assert LabConfig.resolve(prefix="alice", mode="live", notes=again).suffix == config.suffix and again == []


@pytest.mark.unit
def test_a_damaged_settings_file_does_not_stop_the_notebook(lab_home, capsys):
    lab_home.mkdir(parents=True)
    (lab_home / "learner.json").write_text('{"suffixes": {"alice": "ab', encoding="utf-8")
    lab = labkit.open_lab("04-run-aci", prefix="alice")
    assert lab.config.prefix == "alice"
    assert "⛔ Your settings file learner.json was damaged" in capsys.readouterr().out


@pytest.mark.unit
def test_the_first_labkit_s_settings_file_is_still_read(lab_home):
    lab_home.mkdir(parents=True)
    (lab_home / "learner.json").write_text('{"carol": "ab12"}', encoding="utf-8")
    assert LabConfig.resolve(prefix="carol", mode="live").suffix == "ab12"


# -- permissions ------------------------------------------------------------------------------------------------
@POSIX
@pytest.mark.unit
def test_lab_folder_is_0700_and_settings_0600_even_if_an_old_folder_was_0755(lab_home):
    lab_home.mkdir(mode=0o755)
    os.chmod(lab_home, 0o755)
    LabConfig.resolve(prefix="carol", mode="live")
    assert mode(lab_home) == 0o700
    assert mode(lab_home / "learner.json") == 0o600 and mode(lab_home / "learner.json.lock") == 0o600


@POSIX
@pytest.mark.unit
def test_a_fresh_lab_folder_is_0700(lab_home):
    LabConfig.resolve(prefix="carol", mode="live")
    assert mode(lab_home) == 0o700


@POSIX
@pytest.mark.unit
def test_the_ledger_is_private(lab_home):
    ledger = costs.Ledger(lab_home / "ledger-rg-carol-ab12.json", {})
    ledger.opened("/subscriptions/1234/resourceGroups/rg-carol-ab12", "cluster", "2026-11-30T10:00:00Z",
                  per_hour=0.1)
    assert mode(lab_home) == 0o700 and mode(ledger.path) == 0o600
    assert "/subscriptions/1234" in ledger.path.read_text(encoding="utf-8")


@POSIX
@pytest.mark.unit
def test_executed_live_notebooks_are_private(lab_home, tmp_path, monkeypatch, capsys):
    def papermill_writes(path, output, parameters=None, **kwargs):
        with open(output, "w", encoding="utf-8") as file:  # as papermill does: an ordinary open()
            file.write('{"subscription": "1234"}')

    monkeypatch.setattr(notebooks, "execute", papermill_writes)
    source = tmp_path / "00-setup.ipynb"
    source.write_text("{}", encoding="utf-8")
    assert notebooks.main(["run", str(source)]) == 0
    assert mode(lab_home) == 0o700 and mode(lab_home / "runs") == 0o700
    assert mode(lab_home / "runs" / "00-setup.ipynb") == 0o600


# -- the lab chosen in 00-setup, in every later notebook -------------------------------------------------------
@pytest.mark.unit
def test_the_lab_chosen_in_setup_is_used_by_later_notebooks_which_say_so(capsys):
    first = labkit.open_lab("00-setup", prefix="alice", region="westeurope")
    assert "Remembered for every later notebook: prefix alice, region westeurope" in capsys.readouterr().out
    later = labkit.open_lab("04-run-aci", prefix=None, region=None)
    out = capsys.readouterr().out
    assert later.config.resource_group == first.config.resource_group
    assert out.count("Your lab from 00-setup: prefix alice, region westeurope.") == 1


@pytest.mark.unit
def test_a_later_parameter_overrides_for_that_notebook_only(capsys):
    labkit.open_lab("00-setup", prefix="alice")
    assert labkit.open_lab("03-publish-acr", prefix="zoe").config.prefix == "zoe"
    assert "Your lab from 00-setup" not in capsys.readouterr().out  # nothing of it was used
    labkit.open_lab("00-setup", prefix="alice", region="uksouth")
    capsys.readouterr()
    assert labkit.open_lab("03-publish-acr", region="westeurope").config.prefix == "alice"
    assert ("Your lab from 00-setup: prefix alice; this notebook's parameters set region westeurope for this "
            "notebook only.") in capsys.readouterr().out
    assert labkit.open_lab("05-run-on-aks").config.prefix == "alice"


@pytest.mark.unit
def test_running_setup_again_without_parameters_keeps_the_lab(capsys):
    chosen = labkit.open_lab("00-setup", prefix="alice").config
    assert labkit.open_lab("00-setup").config == chosen


@pytest.mark.unit
def test_without_a_choice_nothing_is_said_and_replay_shows_the_recorded_lab(capsys):
    assert labkit.open_lab("04-run-aci").config.resource_group == "rg-student-k7q2"
    assert "Your lab" not in capsys.readouterr().out


@pytest.mark.unit
def test_in_replay_another_vm_size_is_said_plainly_and_the_recorded_one_shown(capsys):
    lab = labkit.open_lab("02-deploy-aks", vm_size="Standard_D4s_v5")
    assert lab.config.vm_size == "Standard_D2s_v5"  # the recorded lab's nodes
    assert any("Standard_D2s_v5" in n and "your vm_size Standard_D4s_v5 is used in live mode" in n for n in lab.notes)


@pytest.mark.unit
def test_write_private_replaces_and_keeps_0600(tmp_path):
    path = tmp_path / "f.json"
    path.write_text("old", encoding="utf-8")
    home.write_private(path, "new")
    assert path.read_text(encoding="utf-8") == "new"
    if os.name == "posix":
        assert mode(path) == 0o600


@pytest.mark.unit
def test_a_suffix_given_in_setup_is_kept_for_that_prefix(lab_home):
    labkit.open_lab("00-setup", prefix="alice", suffix="ab12")
    assert labkit.open_lab("04-run-aci").config.resource_group == "rg-alice-ab12"
    labkit.open_lab("00-setup", prefix="student")  # the recorded lab's prefix: its suffix is not the learner's
    assert "student" not in json.loads((lab_home / "learner.json").read_text(encoding="utf-8"))["suffixes"]


# -- a provisioned learner's settings (written by `labkit class provision`) ---------------------------------------
def provisioned_settings(lab_home, group="rg-ana-a1b2", prefix="ana") -> dict:
    settings = {"suffixes": {"ana": "a1b2"}, "lab": {"prefix": prefix, "region": "eastus", "days": 1},
                "provisioned": {"resource_group": group, "class": "aks-2026-11"}}
    lab_home.mkdir(parents=True, exist_ok=True)
    (lab_home / "learner.json").write_text(json.dumps(settings), encoding="utf-8")
    return settings


@pytest.mark.unit
def test_a_provisioned_learners_lab_knows_its_group_is_the_instructors(lab_home):
    from labkit.config import Provisioned

    provisioned_settings(lab_home)
    config = LabConfig.resolve(notebook="03-publish-acr", mode="live")
    assert config.provisioned == Provisioned("rg-ana-a1b2", "aks-2026-11")
    assert config.resource_group == "rg-ana-a1b2"


@pytest.mark.unit
def test_the_marker_survives_what_setup_remembers(lab_home):
    written = provisioned_settings(lab_home)
    LabConfig.resolve(notebook="00-setup", mode="live", region="westeurope")
    kept = json.loads((lab_home / "learner.json").read_text(encoding="utf-8"))
    assert kept["provisioned"] == written["provisioned"] and kept["lab"]["region"] == "westeurope"


@pytest.mark.unit
def test_another_prefix_is_refused_before_anything_is_saved(lab_home):
    provisioned_settings(lab_home)
    before = (lab_home / "learner.json").read_text(encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        LabConfig.resolve(notebook="00-setup", mode="live", prefix="bob", suffix="b0b0")
    assert "Your instructor gave you the resource group rg-ana-a1b2" in err.value.problem
    assert (lab_home / "learner.json").read_text(encoding="utf-8") == before


@pytest.mark.unit
def test_replay_shows_the_recorded_lab_and_says_the_instructors_group_is_for_live(lab_home):
    provisioned_settings(lab_home)
    notes = []
    config = LabConfig.resolve(notebook="02-deploy-aks", mode="replay", notes=notes)
    assert config.provisioned is None and config.prefix == "ana"
    assert any("your instructor's rg-ana-a1b2 is used in live mode" in line for _, line in notes)


@pytest.mark.unit
@pytest.mark.parametrize("marker", [{"resource_group": "rg-ana-a1b2"}, {"resource_group": "rg-ana-a1b2", "class": 3},
                                    "rg-ana-a1b2", {"resource_group": "rg-bob-a1b2", "class": "aks-2026-11"}])
def test_a_damaged_marker_is_set_aside_like_any_damaged_setting(lab_home, marker):
    settings = provisioned_settings(lab_home)
    (lab_home / "learner.json").write_text(json.dumps({**settings, "provisioned": marker}), encoding="utf-8")
    notes = []
    assert LabConfig.resolve(prefix="ana", mode="live", notes=notes).provisioned is None
    assert [ok for ok, _ in notes] == [False] and "damaged" in notes[0][1]
