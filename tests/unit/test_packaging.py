"""Packaging: one lock of the tested environment, declared imports, a true requires-python, a normal install,
command-line conventions, and UTF-8 named in every text read and write."""

import ast
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from tools import lock

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK_TEXT = (ROOT / "requirements.lock").read_text(encoding="utf-8")
GROUPS = lock.read_lock(LOCK_TEXT)
UTF8 = {"encoding": "utf-8"}


def declared_names(*groups: str) -> set[str]:
    specs = lock.declared(PYPROJECT)
    return {canonicalize_name(Requirement(s).name) for g in groups for s in specs.get(g, [])}


# --------------------------------------------------------------------------- one source of pins


def test_files_made_from_the_lock_are_in_step():
    assert lock.drift() == [], "run `python3 tasks.py lock`"


def test_the_check_catches_an_edited_pin(tmp_path, monkeypatch):
    for name in ("LOCK", "PYPROJECT", "ENVIRONMENT", "NO_DEPS_FILE"):
        copy = tmp_path / getattr(lock, name).name
        shutil.copy(getattr(lock, name), copy)
        monkeypatch.setattr(lock, name, copy)
    env = lock.ENVIRONMENT.read_text(encoding="utf-8")
    lock.ENVIRONMENT.write_text(env.replace("ipywidgets==8.1.8", "ipywidgets==8.1.9"), encoding="utf-8")
    pyproject = lock.PYPROJECT.read_text(encoding="utf-8")
    lock.PYPROJECT.write_text(pyproject.replace('"papermill==2.7.0"', '"papermill>=2"'), encoding="utf-8")
    no_deps = lock.NO_DEPS_FILE.read_text(encoding="utf-8")
    lock.NO_DEPS_FILE.write_text(no_deps.replace("knack==0.14.0", "knack==0.13.0"), encoding="utf-8")
    assert len(lock.drift()) == 3
    assert lock.main(["--check"]) == 1


def test_every_pin_is_exact_and_every_requirement_is_locked():
    pins = lock.all_pins(GROUPS)
    for group, specs in lock.declared(PYPROJECT).items():
        for spec in specs:
            requirement = Requirement(spec)
            assert re.fullmatch(r"==[\w.]+", str(requirement.specifier)), f"{spec} ({group}) is not an exact pin"
            assert pins[canonicalize_name(requirement.name)][1] == str(requirement.specifier)[2:], spec


def test_transitive_packages_are_locked_too():
    lab = {canonicalize_name(n) for n in GROUPS["lab"]}
    for floating in ("jupyterlab-widgets", "widgetsnbextension", "azure-mgmt-core", "jupyter-server", "urllib3"):
        assert floating in lab, floating
    assert {"jupyterlab", "ipykernel", "papermill"} <= lab


def test_this_environment_is_the_lock():
    """What the tests run in is what the lock pins (labkit aside): a package added by hand fails here."""
    assert lock.environment_matches_lock(GROUPS) == [], "install with `python3 tasks.py test`, or relock"


def test_azure_sdk_packages_are_pinned_exactly():
    deps = PYPROJECT["project"]["dependencies"]
    for package in ("azure-identity", "azure-mgmt-resource", "azure-mgmt-containerservice",
                    "azure-mgmt-containerregistry", "azure-mgmt-containerinstance", "docker"):
        assert any(re.fullmatch(rf"{package}==[\d.]+", d) for d in deps), package
    assert "ipywidgets==8.1.8" in deps  # 8.1.9 renders nothing in VS Code


# --------------------------------------------------------------------------- declared imports


def imported_top_names(paths) -> set[str]:
    names = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def third_party(names: set[str]) -> dict[str, set[str]]:
    """{module: its distributions} for the modules no standard-library or project name explains."""
    owners = importlib.metadata.packages_distributions()
    local = {"labkit", "tests", "tools", "tasks"}
    return {n: {canonicalize_name(d) for d in owners.get(n, ["?"])}
            for n in names - set(sys.stdlib_module_names) - local - {"__future__"}}


def test_every_package_labkit_imports_is_declared():
    found = third_party(imported_top_names((ROOT / "labkit").rglob("*.py")))
    assert {"urllib3", "nbformat", "nbclient", "IPython", "azure", "docker"} <= set(found)
    missing = {m: d for m, d in found.items() if not d & declared_names("lab")}
    assert not missing, f"labkit imports these without declaring them in pyproject.toml: {missing}"


def test_every_package_the_tests_and_tools_import_is_declared():
    files = [*(ROOT / "tests").rglob("*.py"), *(ROOT / "tools").rglob("*.py"), ROOT / "tasks.py"]
    found = third_party(imported_top_names(files))
    missing = {m: d for m, d in found.items() if not d & declared_names("lab", "test", "hub")}
    assert not missing, f"tests/tools import these without declaring them in pyproject.toml: {missing}"


# --------------------------------------------------------------------------- requires-python


def floor() -> str:
    found = re.fullmatch(r">=(3\.\d+)", PYPROJECT["project"]["requires-python"])
    assert found, "requires-python should be a plain floor, >=3.X"
    return found.group(1)


def test_every_locked_package_installs_on_the_oldest_python_claimed():
    oldest = floor() + ".0"
    refusing = []
    for name in lock.all_pins(GROUPS):
        try:
            claim = importlib.metadata.metadata(name)["Requires-Python"]
        except importlib.metadata.PackageNotFoundError:
            continue  # locked for another group or Python than this environment's
        if claim and oldest not in SpecifierSet(claim):
            refusing.append(f"{name} needs Python {claim}")
    assert not refusing, f"requires-python says >={floor()}, but {refusing}"


def test_the_python_claim_is_the_same_everywhere():
    version = floor()
    assert f"Python {version} or newer" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"Python {version}+" in (ROOT / "docs" / "instructor.md").read_text(encoding="utf-8")
    assert f"MIN_PYTHON = ({version.replace('.', ', ')})" in (ROOT / "tasks.py").read_text(encoding="utf-8")
    made_with = lock.lock_python(LOCK_TEXT)
    assert tuple(map(int, made_with.split("."))) >= tuple(map(int, version.split(".")))
    assert f"  - python={made_with}\n" in (ROOT / "environment.yml").read_text(encoding="utf-8")
    image = re.search(r'"image": "[^"]+:\d+-(3\.\d+)-', (ROOT / ".devcontainer/devcontainer.json").read_text(**UTF8))
    assert image and SpecifierSet(f">={version}").contains(image.group(1) + ".0"), "devcontainer's Python"


# --------------------------------------------------------------------------- a normal (non-editable) install


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory):
    """labkit built as a wheel from a copy of the sources and installed into a folder of its own."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source)
    shutil.copytree(ROOT / "labkit", source / "labkit", ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(pip + ["wheel", "--no-deps", "--no-build-isolation", "-w", str(work / "dist"), str(source)],
                   check=True, capture_output=True, timeout=300)
    wheel = next((work / "dist").glob("labkit-*.whl"))
    subprocess.run(pip + ["install", "--no-deps", "--target", str(work / "site"), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    return wheel, work / "site"


def run_installed(site: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "LABKIT_WORKBOOK"}
    environ.update(PYTHONPATH=str(site), **env)
    return subprocess.run([sys.executable, *args], cwd=cwd, env=environ, capture_output=True, timeout=300, **UTF8)


def test_the_wheel_holds_labkit_only_and_its_version(installed_wheel):
    wheel, site = installed_wheel
    assert wheel.name.startswith(f"labkit-{importlib.metadata.version('labkit')}-")
    where = run_installed(site, site.parent, "-c", "import labkit, sys; print(labkit.__file__)")
    assert where.stdout.strip().startswith(str(site)), where.stdout + where.stderr
    assert not (site / "recordings").exists() and not (site / "notebooks").exists()


def test_an_installed_labkit_replays_from_inside_the_workbook(installed_wheel):
    _, site = installed_wheel
    result = run_installed(site, ROOT / "notebooks", "-m", "labkit", "cleanup")
    assert result.returncode == 0, result.stderr
    assert "resource group(s) tagged course=aks-workbook" in result.stdout


def test_an_installed_labkit_follows_labkit_workbook(installed_wheel, tmp_path):
    _, site = installed_wheel
    result = run_installed(site, tmp_path, "-m", "labkit", "cleanup", LABKIT_WORKBOOK=str(ROOT))
    assert result.returncode == 0, result.stderr


def test_an_installed_labkit_outside_the_workbook_says_where_to_point_it(installed_wheel, tmp_path):
    _, site = installed_wheel
    result = run_installed(site, tmp_path, "-m", "labkit", "cleanup")
    assert result.returncode != 0
    assert "cannot find the workbook" in result.stderr and "LABKIT_WORKBOOK" in result.stderr


def test_class_smoke_of_no_notebook_fails(installed_wheel, tmp_path):
    _, site = installed_wheel
    for folder in ("notebooks", "recordings"):
        (tmp_path / "empty" / folder).mkdir(parents=True)
    result = run_installed(site, tmp_path, "-m", "labkit", "class-smoke", "--learners", "2",
                           LABKIT_WORKBOOK=str(tmp_path / "empty"))
    assert result.returncode != 0, result.stdout
    assert "no numbered notebook" in result.stderr
    assert "✅" not in result.stdout


# --------------------------------------------------------------------------- command-line conventions


def run_here(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, timeout=120, **UTF8)


def test_python_m_labkit_and_version():
    shown = run_here("-m", "labkit", "--version")
    assert shown.returncode == 0 and shown.stdout.strip() == f"labkit {importlib.metadata.version('labkit')}"


@pytest.mark.parametrize("command", [
    ["-m", "labkit", "--help"], ["-m", "labkit", "cleanup", "--help"], ["-m", "labkit", "class-smoke", "--help"],
    ["-m", "labkit.notebooks", "--help"], ["tools/lock.py", "--help"], ["tasks.py", "--help"],
    ["tools/repo_home.py", "--help"], ["-m", "tools.bench", "--help"], ["-m", "tools.handbuilt", "--help"],
    ["-m", "tools.corpus", "--help"],
], ids=" ".join)
def test_help_everywhere(command):
    shown = run_here(*command)
    assert shown.returncode == 0, shown.stderr
    assert re.search(r"usage|python3? ", shown.stdout, re.I) and len(shown.stdout) > 50, shown.stdout


# --------------------------------------------------------------------------- UTF-8 everywhere


OUR_CODE = re.compile(rf"\s*{re.escape(str(ROOT))}/(labkit/|tests/|tools/|tasks\.py)\S*:\d+: EncodingWarning")


def _text_mode(call: ast.Call, position: int) -> bool:
    mode = next((k.value for k in call.keywords if k.arg == "mode"), None)
    mode = mode if mode is not None else (call.args[position] if len(call.args) > position else None)
    return not (isinstance(mode, ast.Constant) and isinstance(mode.value, str) and "b" in mode.value)


def unnamed_encoding(call: ast.Call) -> bool:
    """A call that reads or writes text without naming its encoding (the platform's default then applies)."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    keywords = {k.arg for k in call.keywords}
    if "encoding" in keywords or None in keywords:  # named, or passed through **kwargs
        return False
    if name in ("read_text", "write_text"):
        return True
    if name == "open" and isinstance(func, ast.Name):
        return _text_mode(call, 1)
    if name == "open":  # Path.open(mode): only when the mode is written out, so that opener.open(url) is left alone
        first = call.args[0] if call.args else None
        written = isinstance(first, ast.Constant) and isinstance(first.value, str)
        return first is None or (written and _text_mode(call, 0))
    if name == "fdopen":
        return _text_mode(call, 1)
    if name in ("run", "Popen", "check_output", "check_call"):
        return any(k.arg in ("text", "universal_newlines")
                   and not (isinstance(k.value, ast.Constant) and not k.value.value) for k in call.keywords)
    return False


def test_every_text_read_and_write_names_utf8():
    files = [*(ROOT / "labkit").rglob("*.py"), *(ROOT / "tools").rglob("*.py"), *(ROOT / "tests").rglob("*.py"),
             ROOT / "tasks.py"]
    found = [f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:80]}"
             for path in files for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Call) and unnamed_encoding(node)]
    assert not found, "name encoding='utf-8' in these:\n" + "\n".join(found)


def test_the_unit_tests_name_utf8_in_every_read_and_write():
    """The unit tests again, with Python's EncodingWarning on: one from our code fails (Windows reads cp1252)."""
    if os.environ.get("LABKIT_ENCODING_RUN"):
        pytest.skip("already inside the EncodingWarning run")
    command = [sys.executable, "-X", "warn_default_encoding", "-m", "pytest", "-q", "-m", "unit", "tests/unit",
               "-p", "no:cacheprovider", "-W", "always::EncodingWarning"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, timeout=900,
                            env={**os.environ, "LABKIT_ENCODING_RUN": "1"}, **UTF8)
    ours = sorted({line.strip() for line in result.stdout.splitlines() if OUR_CODE.match(line)})
    assert not ours, "text read or written without encoding='utf-8':\n" + "\n".join(ours)
    assert re.search(r"\d+ passed", result.stdout), result.stdout[-2000:]
