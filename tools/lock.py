"""One source of pins: ``requirements.lock`` holds every package of the tested environment; the rest follows.

    python3 tasks.py lock            freeze .venv into requirements.lock, then rewrite the pins of
                                     pyproject.toml and tests/azure-cli.txt, and the whole of environment.yml
    python3 tasks.py lock --check    exit 1 when one of those drifted from the lock

Run inside the venv the tests ran in (``tasks.py`` does). The lock is grouped by what needs each package:
``lab`` (labkit's dependencies and theirs), ``hub`` (the JupyterHub image's extra), ``test`` (the test
tools), ``test-no-deps`` (test tools whose own pins clash with ours, installed without their dependencies)
and ``installer`` (pip). Every install uses it as constraints (``pip install -c requirements.lock``),
so an install picks only its group's packages, each at the tested version.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK, PYPROJECT, ENVIRONMENT = ROOT / "requirements.lock", ROOT / "pyproject.toml", ROOT / "environment.yml"
GROUPS = ("lab", "hub", "test", "test-no-deps", "installer")
NO_DEPS = "test-no-deps"  # the packages tests/azure-cli.txt names: installed with pip --no-deps, locked as listed
NO_DEPS_FILE = ROOT / "tests" / "azure-cli.txt"
INSTALLER = {"pip"}
NOT_LOCKED = {"labkit"}  # the project itself


class Drift(Exception):
    """The files made from the lock, or the lock and the environment, disagree."""


# --------------------------------------------------------------------------- reading the lock


def read_lock(text: str) -> dict[str, dict[str, str]]:
    """{group: {name as written: version}} from the lock's ``# [group]`` sections."""
    groups: dict[str, dict[str, str]] = {}
    current = None
    for line in text.splitlines():
        header = re.fullmatch(r"# \[([\w-]+)\].*", line)
        if header:
            current = groups.setdefault(header.group(1), {})
        elif line and not line.startswith("#"):
            name, _, version = line.partition("==")
            if current is None or not version:
                raise Drift(f"requirements.lock: {line!r} is not a pin inside a # [group] section")
            current[name] = version
    return groups


def lock_python(text: str) -> str:
    found = re.search(r"^# python: (\d+\.\d+)$", text, re.M)
    if not found:
        raise Drift("requirements.lock does not say which Python it was made with ('# python: 3.X')")
    return found.group(1)


def all_pins(groups: dict) -> dict[str, tuple[str, str]]:
    """{canonical name: (name as written, version)} over every group."""
    return {canonicalize_name(n): (n, v) for pins in groups.values() for n, v in pins.items()}


# --------------------------------------------------------------------------- the files made from it


def declared(pyproject: dict) -> dict[str, list[str]]:
    """The requirement strings by group: lab (pyproject's dependencies), each optional extra, then test-no-deps."""
    project = pyproject["project"]
    return {"lab": project.get("dependencies", []), **project.get("optional-dependencies", {}),
            NO_DEPS: no_deps_specs(NO_DEPS_FILE.read_text(encoding="utf-8"))}


def no_deps_specs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def pinned_no_deps(text: str, groups: dict) -> str:
    """tests/azure-cli.txt with each line pinned to the lock's version."""
    pins = all_pins(groups)
    for spec in no_deps_specs(text):
        name = Requirement(spec).name
        if canonicalize_name(name) not in pins:
            raise Drift(f"{NO_DEPS_FILE.name} names {name}, which requirements.lock lacks: install it in .venv "
                        f"(pip install --no-deps '{name}==X') and run `python3 tasks.py lock`")
        text = re.sub(rf"(?m)^{re.escape(spec)}$", f"{name}=={pins[canonicalize_name(name)][1]}", text, count=1)
    return text


def pinned_pyproject(text: str, groups: dict) -> str:
    """pyproject.toml with every requirement pinned to the lock's version (``name==version``)."""
    pins = all_pins(groups)
    for requirements in declared(tomllib.loads(text)).values():
        for spec in requirements:
            name = Requirement(spec).name
            if canonicalize_name(name) not in pins:
                raise Drift(f"pyproject.toml requires {name}, which requirements.lock lacks: install it in .venv "
                            f"(pip install '{name}==X') and run `python3 tasks.py lock`")
            text = text.replace(f'"{spec}"', f'"{name}=={pins[canonicalize_name(name)][1]}"', 1)
    return text


def environment_yml(groups: dict, python: str) -> str:
    """The conda environment for Binder and the JupyterHub image: the lab and hub groups, exactly."""
    pins = sorted({**groups.get("lab", {}), **groups.get("hub", {})}.items(), key=lambda p: p[0].lower())
    lines = [
        "# conda-forge environment for Binder (repo2docker) and the JupyterHub image. Made from requirements.lock",
        "# by `python3 tasks.py lock`: do not edit (a test fails when it drifts). It holds labkit's dependencies",
        "# and theirs, each at the tested version; labkit itself is installed by postBuild. A conda user does:",
        "#   conda env create -f environment.yml && conda activate aks-workbook",
        "#   python -m pip install --no-deps .      (from the clone; run the notebooks from inside it)",
        "name: aks-workbook",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={python}",
        "  - pip",
        "  - pip:",
        *(f"      - {name}=={version}" for name, version in pins),
    ]
    return "\n".join(lines) + "\n"


def drift() -> list[str]:
    """What differs between the files and what requirements.lock makes (empty when in step)."""
    text = LOCK.read_text(encoding="utf-8")
    groups = read_lock(text)
    problems = []
    current = PYPROJECT.read_text(encoding="utf-8")
    if pinned_pyproject(current, groups) != current:
        problems.append("pyproject.toml's pins differ from requirements.lock")
    if ENVIRONMENT.read_text(encoding="utf-8") != environment_yml(groups, lock_python(text)):
        problems.append("environment.yml differs from what requirements.lock makes")
    no_deps = NO_DEPS_FILE.read_text(encoding="utf-8")
    if pinned_no_deps(no_deps, groups) != no_deps:
        problems.append(f"{NO_DEPS_FILE.name}'s pins differ from requirements.lock")
    return problems


# --------------------------------------------------------------------------- freezing the environment


def installed() -> dict[str, importlib.metadata.Distribution]:
    found = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if name and canonicalize_name(name) not in NOT_LOCKED:
            found.setdefault(canonicalize_name(name), dist)
    return found


def closure(specs: list[str], dists: dict) -> set[str]:
    """The canonical names ``specs`` need in this environment, following each package's own requirements."""
    needed: set[str] = set()
    followed: set[tuple[str, str]] = set()  # (package, extra) whose requirements are already queued
    todo = [(Requirement(s), "") for s in specs]
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        if name not in dists:
            raise Drift(f"{requirement.name} is required but not installed in {sys.prefix}")
        needed.add(name)
        for wanted in {""} | set(requirement.extras):
            if (name, wanted) not in followed:
                followed.add((name, wanted))
                todo += [(Requirement(r), wanted) for r in dists[name].requires or []]
    return needed


def freeze() -> str:
    """The lock text for the running environment, grouped by what needs each package."""
    dists = installed()
    groups: dict[str, set[str]] = {}
    taken: set[str] = set()
    for group, specs in declared(tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))).items():
        listed = {canonicalize_name(Requirement(s).name) for s in specs}
        groups[group] = (listed if group == NO_DEPS else closure(specs, dists)) - taken
        missing = listed - set(dists)
        if missing:
            raise Drift(f"{group} names {', '.join(sorted(missing))}, not installed in {sys.prefix}")
        taken |= groups[group]
    groups["installer"] = INSTALLER & set(dists)
    stray = set(dists) - taken - groups["installer"]
    if stray:  # left out: the tests then fail on them (tests/unit/test_packaging.py) until declared or removed
        print(f"lock: left out, as nothing in pyproject.toml requires them: {', '.join(sorted(stray))}",
              file=sys.stderr)
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    lines = ["# requirements.lock: every package of the tested environment, at the version tested.",
             "# Made by `python3 tasks.py lock` (tools/lock.py) from .venv; edit pyproject.toml, not this file.",
             "# Used as constraints by every install: pip install -c requirements.lock '.[test]'",
             f"# python: {python}"]
    for group in [g for g in GROUPS if g in groups] + [g for g in groups if g not in GROUPS]:
        if groups[group]:
            lines += ["", f"# [{group}]"]
            lines += [f"{dists[n].metadata['Name']}=={dists[n].version}" for n in sorted(groups[group])]
    return "\n".join(lines) + "\n"


def environment_matches_lock(groups: dict) -> list[str]:
    """Packages of the running environment that the lock lacks or pins at another version."""
    pins = all_pins(groups)
    return [f"{dist.metadata['Name']} {dist.version} (lock: {pins[name][1] if name in pins else 'absent'})"
            for name, dist in sorted(installed().items())
            if name not in pins or pins[name][1] != dist.version]


def write() -> None:
    text = freeze()
    groups = read_lock(text)
    LOCK.write_text(text, encoding="utf-8")
    PYPROJECT.write_text(pinned_pyproject(PYPROJECT.read_text(encoding="utf-8"), groups), encoding="utf-8")
    ENVIRONMENT.write_text(environment_yml(groups, lock_python(text)), encoding="utf-8")
    NO_DEPS_FILE.write_text(pinned_no_deps(NO_DEPS_FILE.read_text(encoding="utf-8"), groups), encoding="utf-8")
    counts = ", ".join(f"{g} {len(p)}" for g, p in groups.items())
    print(f"requirements.lock: {counts}; pyproject.toml, {NO_DEPS_FILE.name} and environment.yml made from it")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 tasks.py lock", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report drift (exit 1), write nothing")
    args = parser.parse_args(argv)
    try:
        if not args.check:
            write()
        problems = drift()
    except Drift as err:
        print(f"lock: {err}", file=sys.stderr)
        return 1
    for problem in problems:
        print(f"lock: {problem}: run `python3 tasks.py lock`", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
