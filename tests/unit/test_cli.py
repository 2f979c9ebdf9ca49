"""`labkit cleanup`: a dry run first, deletes only with --yes, selects by expiry, age and owner."""

import tomllib
from pathlib import Path

import pytest

from labkit import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.unit
def test_console_script_points_at_main():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["labkit"] == "labkit.cli:main"


@pytest.mark.unit
def test_dry_run_lists_the_expired_groups_and_deletes_nothing(capsys):
    assert cli.main(["cleanup", "--expired"]) == 0
    out = capsys.readouterr().out
    assert "3 expired resource group(s)" in out and "rg-alice-a1b2" in out and "rg-bob-3f9a" in out
    assert "rg-carol-c3d4" not in out and "rg-student-k7q2" not in out
    assert "node group of cluster aks-alice-a1b2: goes with it" in out
    assert "Dry run: nothing deleted. Add --yes" in out and "az group delete" not in out


@pytest.mark.unit
def test_yes_deletes_then_verifies(capsys):
    assert cli.main(["cleanup", "--expired", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "az group delete --name rg-alice-a1b2 --yes" in out and "az group delete --name rg-bob-3f9a --yes" in out
    assert "az group delete --name MC_" not in out
    assert "Deleted 2 group(s); 0 left." in out


@pytest.mark.unit
def test_selection_by_owner_and_age(capsys):
    assert cli.main(["cleanup", "--owner", "carol"]) == 0
    assert "1 resource group(s) tagged course=aks-workbook and owner=carol" in capsys.readouterr().out
    assert cli.main(["cleanup", "--older-than", "5"]) == 0
    out = capsys.readouterr().out
    assert "older than 5 days" in out and "rg-alice-a1b2" in out and "rg-bob-3f9a" not in out


@pytest.mark.unit
def test_expired_and_older_than_exclude_each_other():
    with pytest.raises(SystemExit):
        cli.main(["cleanup", "--expired", "--older-than", "3"])


@pytest.mark.unit
def test_replay_says_it_shows_a_recorded_class(capsys):
    cli.main(["cleanup"])
    assert "Replay mode: this is a recorded class" in capsys.readouterr().out
