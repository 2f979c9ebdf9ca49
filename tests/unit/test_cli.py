"""`labkit cleanup`: dry run first, deletes only with --yes, tries every group; its exit status says how it went."""

import functools
import re
import shutil
import tomllib
from pathlib import Path

import pytest

import labkit
from labkit import cli

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "recordings" / "errors-cleanup"


@pytest.fixture
def swept_class(tmp_path, monkeypatch):
    """`labkit cleanup` replays a class whose sweep meets refusals, failures and malformed tags."""
    root = tmp_path / "recordings"
    (root / "cli-cleanup").mkdir(parents=True)
    shutil.copy(ROOT / "recordings" / "lab.json", root / "lab.json")
    for step, scenario in (("find_class_groups", "find"), ("delete_groups", "delete"), ("leftovers", "verify")):
        shutil.copy(SCENARIOS / f"sweep_{scenario}.json", root / "cli-cleanup" / f"{step}.json")
    monkeypatch.setattr(labkit, "open_lab", functools.partial(labkit.open_lab, recordings=root))


@pytest.fixture
def no_delete_sent(monkeypatch):
    from azure.mgmt.resource.resources.operations import ResourceGroupsOperations

    def sent(*args, **kwargs):
        raise AssertionError(f"a delete was sent: {args}")

    monkeypatch.setattr(ResourceGroupsOperations, "begin_delete", sent)


@pytest.mark.unit
def test_console_script_points_at_main():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["labkit"] == "labkit.cli:main"


@pytest.mark.unit
def test_dry_run_lists_the_expired_groups_and_deletes_nothing(capsys, no_delete_sent):
    assert cli.main(["cleanup", "--expired"]) == 0
    out = capsys.readouterr().out
    assert "3 expired resource group(s)" in out and "rg-alice-a1b2" in out and "rg-bob-3f9a" in out
    assert "rg-carol-c3d4" not in out and "rg-student-k7q2" not in out
    assert "node group of cluster aks-alice-a1b2: goes with it" in out
    assert "Dry run: nothing was deleted. Add --yes" in out and "az group delete" not in out


@pytest.mark.unit
def test_yes_deletes_then_verifies(capsys):
    assert cli.main(["cleanup", "--expired", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "az group delete --name rg-alice-a1b2 --yes" in out and "az group delete --name rg-bob-3f9a --yes" in out
    assert "az group delete --name MC_" not in out
    assert "2 deleted, 0 already gone, 0 refused, 0 failed; 0 still there" in out


@pytest.mark.unit
def test_in_replay_every_line_that_says_deleted_says_nothing_was(capsys):
    cli.main(["cleanup", "--expired", "--yes"])
    said = [line for line in capsys.readouterr().out.splitlines() if "deleted" in line.lower()]
    assert len(said) >= 4 and all("nothing was deleted" in line or "nothing is deleted" in line for line in said), said


@pytest.mark.unit
def test_selection_by_owner_and_age_stays_a_dry_run(capsys, no_delete_sent):
    assert cli.main(["cleanup", "--owner", "carol"]) == 0
    out = capsys.readouterr().out
    assert "1 resource group(s) tagged course=aks-workbook and owner=carol" in out and "Dry run" in out
    assert cli.main(["cleanup", "--older-than", "5"]) == 0
    out = capsys.readouterr().out
    assert "older than 5 days" in out and "rg-alice-a1b2" in out and "rg-bob-3f9a" not in out


@pytest.mark.unit
@pytest.mark.parametrize("owner", ["", "  "])
def test_an_empty_owner_is_an_error_not_the_whole_class(owner, capsys, no_delete_sent):
    with pytest.raises(SystemExit) as ended:
        cli.main(["cleanup", "--owner", owner, "--yes"])
    assert ended.value.code == 2
    captured = capsys.readouterr()
    assert "--owner" in captured.err and "rg-" not in captured.out


@pytest.mark.unit
def test_expired_and_older_than_exclude_each_other():
    with pytest.raises(SystemExit):
        cli.main(["cleanup", "--expired", "--older-than", "3"])


@pytest.mark.unit
def test_replay_says_it_shows_a_recorded_class(capsys):
    cli.main(["cleanup"])
    assert "Replay mode: this is a recorded class" in capsys.readouterr().out


@pytest.mark.unit
def test_help_documents_the_exit_status(capsys):
    with pytest.raises(SystemExit):
        cli.main(["cleanup", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "exit status: 0" in text and "1 " in text and "2 " in text and "refused" in text


# -- a sweep that meets trouble (recordings/errors-cleanup/sweep_*.json) ---------------------------------------------
@pytest.mark.unit
def test_every_group_is_tried_and_the_exit_status_says_not_all_went(swept_class, capsys):
    assert cli.main(["cleanup", "--expired", "--yes"]) == 1
    out = capsys.readouterr().out
    ended = dict(re.findall(r"^  (rg-[a-z]+-[0-9a-z]{4}) +(deleted|already gone|refused|failed)", out, re.M))
    assert ended == {"rg-alice-a1b2": "deleted", "rg-bob-3f9a": "refused", "rg-dave-d5e6": "already gone",
                     "rg-erin-e7f8": "refused", "rg-frank-f9g0": "failed", "rg-gina-g1h2": "failed",
                     "rg-jo-j7k8": "deleted"}
    assert "AuthorizationFailed" in out and "ScopeLocked" in out and "ResourceGroupDeletionBlocked" in out
    assert "2 deleted, 1 already gone, 2 refused, 2 failed; 4 still there" in out


@pytest.mark.unit
def test_malformed_tags_are_reported_for_their_group_and_the_sweep_goes_on(swept_class, capsys):
    assert cli.main(["cleanup", "--expired"]) == 0
    out = capsys.readouterr().out
    assert "rg-hank-h3i4: tag expires='2026-02-31' is not a date (YYYY-MM-DD)" in out
    assert "rg-alice-a1b2" in out and "rg-jo-j7k8" in out and "rg-kim-k9l0" not in out
    assert cli.main(["cleanup", "--older-than", "5"]) == 0
    assert "rg-ivy-i5j6: tag created='yesterday' is not a date (YYYY-MM-DD)" in capsys.readouterr().out


@pytest.mark.unit
def test_tag_values_cannot_forge_lines(swept_class, capsys):
    cli.main(["cleanup", "--expired"])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out
    assert not [line for line in out.splitlines() if line.lstrip().startswith("rg-evil-0000")]
    assert "jo\\n  rg-evil-0000" in out


@pytest.mark.unit
def test_yes_without_a_selection_is_refused_unless_all_is_said(capsys, no_delete_sent):
    assert cli.main(["cleanup", "--yes"]) == 2
    captured = capsys.readouterr()
    assert "--all" in captured.err and "rg-" not in captured.out
    assert cli.main(["cleanup", "--all"]) == 0  # without --yes: the whole class, listed, nothing deleted
