#!/usr/bin/env python3
"""The workbook's commands. Needs only Python 3.10+; creates .venv on first use.

    python3 tasks.py lab        open JupyterLab on the workbook (replay mode unless LABKIT_MODE is set)
    python3 tasks.py test       run the whole test suite (extra arguments go to pytest)
    python3 tasks.py install    create .venv and install labkit with its test tools (nothing else)
    python3 tasks.py outputs    re-execute notebooks in replay and store their outputs (all, or the ones named)
    python3 tasks.py run NB     execute notebooks in the current LABKIT_MODE (record: LABKIT_MODE=record)
    python3 tasks.py bench      print the benchmark figures
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
NOTEBOOKS = ROOT / "notebooks"


def install() -> None:
    """Create .venv when missing and install labkit[test] when pyproject.toml changed since last time."""
    if not PYTHON.exists():
        print("Creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".labkit-installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    print("Installing labkit and its dependencies into .venv (a few minutes the first time) …", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run(pip + ["--upgrade", "pip"], check=True)
    subprocess.run(pip + ["-e", f"{ROOT}[test]"], check=True)
    stamp.write_text(wanted)


def venv_run(*args: str, env: dict | None = None) -> int:
    return subprocess.run([str(PYTHON), *args], cwd=ROOT, env={**os.environ, **(env or {})}).returncode


def lab(args) -> int:
    env = {"LABKIT_MODE": os.environ.get("LABKIT_MODE", "replay")}
    print(f"Opening JupyterLab in {env['LABKIT_MODE']} mode: start with notebooks/00-setup.ipynb", flush=True)
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []  # containers often run as root
    return venv_run("-m", "jupyter", "lab", "notebooks/00-setup.ipynb", *as_root, *args, env=env)


def test(args) -> int:
    return venv_run("-m", "pytest", *args, env={"LABKIT_MODE": "replay"})


def notebooks(names) -> list[str]:
    return [str(Path(n).resolve()) for n in names] or sorted(str(p) for p in NOTEBOOKS.glob("[0-9]*.ipynb"))


def outputs(args) -> int:
    return venv_run("-m", "labkit.notebooks", "store", *notebooks(args), env={"LABKIT_MODE": "replay"})


def run(args) -> int:
    return venv_run("-m", "labkit.notebooks", "run", *notebooks(args))


def bench(args) -> int:
    return venv_run("-m", "tools.bench", *args, env={"LABKIT_MODE": "replay"})


COMMANDS = {"lab": lab, "test": test, "outputs": outputs, "run": run, "bench": bench, "install": lambda a: 0}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        sys.exit(2)
    install()
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
