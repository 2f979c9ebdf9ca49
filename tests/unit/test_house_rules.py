"""The house rules: ruff's lint passes on labkit/, tools/ and the tests' stand-ins (tests/*.py); ruff's format
and mypy on labkit/ (settings in pyproject.toml; pinned in the test extra)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def findings(*command: str) -> str:
    """What ``python -m <command>`` reports from the repository's root; empty when it passes."""
    done = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)
    return "" if done.returncode == 0 else done.stdout + done.stderr


@pytest.mark.unit
def test_ruff_finds_nothing_in_labkit_tools_or_the_stand_ins():
    stand_ins = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("*.py"))
    assert findings("ruff", "check", "--no-cache", "labkit", "tools", *stand_ins) == ""


@pytest.mark.unit
def test_labkit_is_formatted_as_ruff_formats_it():
    assert findings("ruff", "format", "--check", "--no-cache", "labkit") == ""


@pytest.mark.unit
def test_mypy_finds_nothing_in_labkit():
    assert findings("mypy") == ""
