#!/usr/bin/env python3
"""The workbook's commands. Needs Python 3.11 or newer; creates .venv on first use.

    python3 tasks.py lab        open JupyterLab on the workbook (replay mode unless LABKIT_MODE is set)
    python3 tasks.py test       run the tests (extra arguments go to pytest): the whole suite in .venv, and
                                the unit and notebook tests under every other Python 3.11+ on this machine
                                (one venv each, .venv-3.X; LABKIT_TEST_PYTHONS="3.12 3.13" picks which,
                                LABKIT_TEST_REQUIRE_PYTHONS="3.11 3.12 3.13" fails when one is missing)
    python3 tasks.py install    create .venv and install what the lab needs (nothing else)
    python3 tasks.py outputs    re-execute notebooks in replay and store their outputs (all, or the ones named)
    python3 tasks.py run NB     execute notebooks in the current LABKIT_MODE (record: LABKIT_MODE=record)
    python3 tasks.py bench      print the benchmark figures
    python3 tasks.py lock       freeze the tested .venv into requirements.lock and make the pins from it
    python3 tasks.py home       point the README's badges at this clone's GitHub home (git remote origin)

Every install takes its versions from requirements.lock: `lab` installs labkit and what it needs, `test`
adds the test tools.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

MIN_PYTHON = (3, 11)
ROOT = Path(__file__).resolve().parent
LOCK = ROOT / "requirements.lock"
AZURE_CLI = ROOT / "tests" / "azure-cli.txt"  # test tools installed without their dependencies
NOTEBOOKS = ROOT / "notebooks"
EXTRAS = {"lab": "", "test": "[test,hub]"}  # what each kind of install adds to labkit
OTHER_PYTHONS_MARKERS = "unit or notebooks"
NO_TESTS = 5  # pytest's exit code when nothing was collected


class Venv:
    """A virtual environment of the workbook: .venv for the running Python, .venv-3.X for the others."""

    def __init__(self, folder: Path, base: str):
        self.folder, self.base = folder, base
        bindir = folder / ("Scripts" if os.name == "nt" else "bin")
        self.python = bindir / ("python.exe" if os.name == "nt" else "python")

    def ensure(self, kind: str, *, relock: bool = False) -> None:
        """Create the venv when missing; install ``kind`` (lab or test) when the pins changed since last time.

        ``relock``: install what pyproject.toml asks for without the lock's constraints (a pin it moved
        would clash with them); packages already installed stay as they are unless a requirement moves them.
        """
        if not self.python.exists():
            print(f"Creating {self.folder.name} …", flush=True)
            subprocess.run([self.base, "-m", "venv", str(self.folder)], check=True)
        pins = b"".join(p.read_bytes() for p in (ROOT / "pyproject.toml", LOCK, AZURE_CLI))
        wanted = hashlib.sha256(pins).hexdigest()
        if not relock and (self.installed(kind) == wanted or (kind == "lab" and self.installed("test") == wanted)):
            return
        what = "labkit and the lab's packages" if kind == "lab" else "the test tools"
        print(f"Installing {what} into {self.folder.name} (a few minutes the first time) …", flush=True)
        pip = [str(self.python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
        pip += [] if relock else ["-c", str(LOCK)]
        subprocess.run(pip + ["pip"], check=True)  # the locked pip
        subprocess.run(pip + ["-e", f"{ROOT}{EXTRAS[kind]}"], check=True, env=quiet_build())
        if kind == "test":  # the Azure CLI's command table, without the older SDKs it pins (see the file)
            subprocess.run(pip + ["--no-deps", "-r", str(AZURE_CLI)], check=True)
        if not relock:
            (self.folder / f".labkit-{kind}").write_text(wanted, encoding="utf-8")

    def installed(self, kind: str) -> str:
        """The pins (a hash) that ``kind`` was last installed with here, or ''."""
        stamp = self.folder / f".labkit-{kind}"
        return stamp.read_text(encoding="utf-8") if stamp.exists() else ""

    def run(self, *args: str, env: dict | None = None) -> int:
        return subprocess.run([str(self.python), *args], cwd=ROOT, env={**os.environ, **(env or {})}).returncode


def quiet_build() -> dict:
    """pip's environment without the "Editable installation" banner setuptools prints while it builds."""
    return {**os.environ, "PYTHONWARNINGS": "ignore:Editable installation"}


MAIN = Venv(ROOT / ".venv", sys.executable)


def trust_notebooks(python) -> None:
    """Trust the workbook's own notebooks: their stored outputs show as made, and the server does not log
    "Notebook … is not trusted" for each one a learner opens."""
    subprocess.run([str(python), "-m", "jupyter", "trust", *map(str, sorted(NOTEBOOKS.glob("*.ipynb")))],
                   cwd=ROOT, capture_output=True)


def lab(args) -> int:
    MAIN.ensure("lab")
    env = {"LABKIT_MODE": os.environ.get("LABKIT_MODE", "replay")}
    trust_notebooks(MAIN.python)
    print(f"Opening JupyterLab in {env['LABKIT_MODE']} mode: start with notebooks/00-setup.ipynb", flush=True)
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []  # containers often run as root
    return MAIN.run("-m", "jupyter", "lab", "notebooks/00-setup.ipynb", *as_root, *args, env=env)


def this_python() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def other_pythons() -> dict[str, str]:
    """{"3.X": interpreter} for every Python 3.11+ on this machine other than the running one."""
    found: dict[str, str] = {}
    candidates = [shutil.which(f"python3.{minor}") for minor in range(MIN_PYTHON[1], 30)]
    pyenv = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates += sorted(glob.glob(os.path.join(pyenv, "versions", "3.*", "bin", "python3")))
    probe = "import sys, venv, ensurepip; print(f'{sys.version_info.major}.{sys.version_info.minor}')"
    for exe in filter(None, candidates):
        done = subprocess.run([exe, "-c", probe], capture_output=True, text=True, encoding="utf-8")
        version = done.stdout.strip()
        if done.returncode == 0 and version not in found and tuple(map(int, version.split("."))) >= MIN_PYTHON:
            found[version] = exe
    found.pop(this_python(), None)
    chosen = os.environ.get("LABKIT_TEST_PYTHONS")
    return {v: exe for v, exe in found.items() if chosen is None or v in chosen.split()}


def test(args) -> int:
    here = this_python()
    others = other_pythons()
    missing = set(os.environ.get("LABKIT_TEST_REQUIRE_PYTHONS", "").split()) - set(others) - {here}
    if missing:  # CI names the Pythons it must prove: one not found is a failure, not a quiet skip
        print(f"tasks.py test: no Python {', '.join(sorted(missing))} on this machine", file=sys.stderr)
        return 1
    runs = [(here, MAIN, [])]
    runs += [(v, Venv(ROOT / f".venv-{v}", exe), ["-m", OTHER_PYTHONS_MARKERS]) for v, exe in others.items()]
    results = []
    for version, env, markers in runs:
        what = "the whole suite" if not markers else f"the {OTHER_PYTHONS_MARKERS} tests"
        print(f"\n=== Python {version}: {what} ({env.folder.name}) ===", flush=True)
        env.ensure("test")
        rc = env.run("-m", "pytest", *markers, *args, env={"LABKIT_MODE": "replay"})
        # pytest's 5 (no test collected) under another Python: the arguments chose only browser or integration tests
        results.append((version, 0 if rc == NO_TESTS and markers else rc))
    print("\n" + "; ".join(f"Python {v}: {'ok' if rc == 0 else f'exit {rc}'}" for v, rc in results), flush=True)
    return next((rc for _, rc in results if rc != 0), 0)


def notebooks(names) -> list[str]:
    return [str(Path(n).resolve()) for n in names] or sorted(str(p) for p in NOTEBOOKS.glob("[0-9]*.ipynb"))


def outputs(args) -> int:
    MAIN.ensure("lab")
    return MAIN.run("-m", "labkit.notebooks", "store", *notebooks(args), env={"LABKIT_MODE": "replay"})


def run(args) -> int:
    MAIN.ensure("lab")
    return MAIN.run("-m", "labkit.notebooks", "run", *notebooks(args))


def bench(args) -> int:
    MAIN.ensure("lab")
    return MAIN.run("-m", "tools.bench", *args, env={"LABKIT_MODE": "replay"})


def lock(args) -> int:
    MAIN.ensure("test", relock=not {"--check", "-h", "--help"} & set(args))
    return MAIN.run("tools/lock.py", *args)


def home(args) -> int:
    return subprocess.run([sys.executable, "tools/repo_home.py", *args], cwd=ROOT).returncode


def install(args) -> int:
    MAIN.ensure("lab")
    return 0


COMMANDS = {"lab": lab, "test": test, "install": install, "outputs": outputs, "run": run, "bench": bench,
            "lock": lock, "home": home}

if __name__ == "__main__":
    if sys.version_info[:2] < MIN_PYTHON:
        sys.exit(f"tasks.py needs Python {'.'.join(map(str, MIN_PYTHON))} or newer; this is {sys.version.split()[0]}.")
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        sys.exit(0 if sys.argv[1:2] in (["-h"], ["--help"]) else 2)
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))
