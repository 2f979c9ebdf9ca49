"""Checks for the places the workbook runs: Binder, Codespaces and JupyterHub.

These read the platform files (postBuild, start, environment.yml,
.devcontainer/devcontainer.json, deploy/jupyterhub/config.yaml, docs) and, when
repo2docker is installed, ask it for the Dockerfile it would build. Nothing here
needs Docker, Azure or the network.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import shlex
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

yaml = pytest.importorskip("yaml", reason="PyYAML is needed to read the YAML platform files")

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
POSTBUILD = REPO / "postBuild"
START = REPO / "start"
ENVIRONMENT = REPO / "environment.yml"
DEVCONTAINER = REPO / ".devcontainer" / "devcontainer.json"
TASKS = REPO / "tasks.py"
HUB_CONFIG = REPO / "deploy" / "jupyterhub" / "config.yaml"
HUB_README = REPO / "deploy" / "jupyterhub" / "README.md"
INSTRUCTOR = REPO / "docs" / "instructor.md"

# The dev container image line that gets patches (major 3) and the docker-in-docker feature's current major
# (4; 3.0.0 fixed dockerd failing to start on newer containerd). Debian bookworm: trixie has no Moby packages.
IMAGE = re.compile(r"mcr\.microsoft\.com/devcontainers/python:(\d+)-(3\.\d+)-bookworm")
IMAGE_MAJOR, DIND_MAJOR = 3, 4


# --------------------------------------------------------------------------- helpers


def strip_jsonc(text: str) -> str:
    """Turn JSON with comments (devcontainer.json's dialect) into plain JSON.

    Removes // line comments and /* block */ comments outside strings, and
    trailing commas before } or ]. Text inside strings (URLs contain "//") is
    left alone.
    """
    out: list[str] = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        ch = text[i]
        if in_string:
            out.append(ch)
            if ch == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if ch == '"':
                in_string = False
            i += 1
        elif ch == '"':
            in_string = True
            out.append(ch)
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end == -1 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end == -1:
                raise ValueError("unterminated /* comment")
            i = end + 2
        else:
            out.append(ch)
            i += 1
    return _drop_trailing_commas("".join(out))


def _drop_trailing_commas(text: str) -> str:
    out: list[str] = []
    in_string = False
    i = 0
    while i < len(text):
        ch = text[i]
        if in_string:
            out.append(ch)
            if ch == "\\" and i + 1 < len(text):
                out.append(text[i + 1])
                i += 2
                continue
            if ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
            out.append(ch)
        elif ch == ",":
            j = i + 1
            while j < len(text) and text[j] in " \t\r\n":
                j += 1
            if j < len(text) and text[j] in "}]":
                i += 1
                continue
            out.append(ch)
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def code_lines(path: Path) -> list[str]:
    """A shell script's lines without the shebang, comments and blank lines."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            lines.append(stripped)
    return lines


def load_devcontainer() -> dict:
    return json.loads(strip_jsonc(DEVCONTAINER.read_text(encoding="utf-8")))


def load_hub_config() -> dict:
    with HUB_CONFIG.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def to_bytes(quantity) -> float:
    """A Kubernetes-style memory quantity as Z2JH takes it (1G, 512M, 2Gi) in bytes."""
    match = re.fullmatch(r"\s*([0-9.]+)\s*([KMGT]i?)?\s*", str(quantity))
    assert match, f"not a memory quantity: {quantity!r}"
    number, unit = float(match.group(1)), match.group(2) or ""
    powers = {"": 1, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
              "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}
    return number * powers[unit]


GIT_PULL_LINK = re.compile(r"https?://\S*/hub/user-redirect/git-pull\?[^\s`)\"'<>]+")


def nbgitpuller_links(path: Path) -> list[str]:
    return GIT_PULL_LINK.findall(path.read_text(encoding="utf-8"))


def tasks_subcommands(source: str) -> set[str]:
    """The task names a tasks.py dispatches on.

    Found as: string keys of a dict whose values are functions (a COMMANDS
    table), argparse add_parser("name") calls, and string comparisons such as
    ``sys.argv[1] == "name"`` or ``in ("name", ...)``, and match/case strings.
    """
    tree = ast.parse(source)
    names: set[str] = set()

    def strings(node) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return [s for elt in node.elts for s in strings(elt)]
        return []

    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if key is not None and isinstance(value, (ast.Name, ast.Lambda, ast.Attribute)):
                    names.update(strings(key))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "add_parser" and node.args:
                names.update(strings(node.args[0]))
        elif isinstance(node, ast.Compare):
            for op, right in zip(node.ops, node.comparators, strict=True):
                if isinstance(op, (ast.Eq, ast.In)):
                    names.update(strings(right))
        elif isinstance(node, ast.MatchValue):
            names.update(strings(node.value))
    return names


# --------------------------------------------------------------------------- Binder (repo2docker)


def test_no_binder_folder_hides_the_root_files():
    # repo2docker reads only binder/ (or .binder/) when one exists, and would
    # then ignore postBuild, start and environment.yml at the root.
    for name in ("binder", ".binder"):
        assert not (REPO / name).exists(), f"{name}/ would make repo2docker ignore the root postBuild/start"


@pytest.mark.parametrize("script", [POSTBUILD, START], ids=["postBuild", "start"])
def test_binder_scripts_are_executable_bash(script: Path):
    assert script.is_file(), f"{script.name} is missing"
    mode = script.stat().st_mode
    assert mode & stat.S_IXUSR, f"{script.name} is not executable (git update-index --chmod=+x {script.name})"
    first = script.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#!") and "bash" in first, f"{script.name} needs a bash shebang, has {first!r}"


def test_postbuild_fails_fast_and_installs_labkit():
    lines = code_lines(POSTBUILD)
    assert lines, "postBuild is empty"
    # without this, a failed step does not stop the image build
    assert lines[0] == "set -euo pipefail", f"postBuild must start with set -euo pipefail, starts with {lines[0]!r}"
    installs = [line.split("pip install", 1)[1] for line in lines if re.search(r"\bpip install\b", line)]
    labkit = [args for args in installs if re.search(r"(^|\s)\.(\s|$)", args)]
    assert labkit, f"postBuild does not pip-install the repository (labkit): {installs}"
    # a normal install (a JupyterHub home mounted over the image would hide an editable one), pinned by the lock
    assert all("-e" not in args.split() and "-c requirements.lock" in args for args in labkit), labkit


def test_start_ends_with_exec():
    lines = code_lines(START)
    assert lines and lines[-1] == 'exec "$@"', f'start must end with exec "$@", ends with {lines[-1:]}'


def _run_start(env_extra: dict[str, str], *command: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "LABKIT_MODE"}
    env.update(env_extra)
    return subprocess.run([str(START), *command], env=env, capture_output=True, text=True, timeout=30, encoding="utf-8")


def test_start_defaults_to_replay_and_hands_over():
    shown = _run_start({}, "sh", "-c", 'echo "mode=$LABKIT_MODE"')
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == "mode=replay"

    kept = _run_start({"LABKIT_MODE": "live"}, "sh", "-c", 'echo "mode=$LABKIT_MODE"')
    assert kept.stdout.strip() == "mode=live", "start must not override a mode that is already set"

    # the command's own exit status comes back, as it does after exec
    failed = _run_start({}, "sh", "-c", "exit 7")
    assert failed.returncode == 7


def _stub_bin(tmp_path: Path, pip_rc: int) -> tuple[Path, Path]:
    """A PATH folder whose python/pip log pip calls and run everything else for real."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    log = tmp_path / "pip.log"
    real = shlex.quote(sys.executable)
    (bindir / "python").write_text(
        "#!/bin/bash\n"
        'if [ "${1:-}" = "-m" ] && [ "${2:-}" = "pip" ]; then\n'
        f'  shift 2; echo "pip $*" >> {shlex.quote(str(log))}; exit {pip_rc}\n'
        "fi\n"
        f'exec {real} "$@"\n', encoding="utf-8"
    )
    (bindir / "pip").write_text(f'#!/bin/bash\necho "pip $*" >> {shlex.quote(str(log))}\nexit {pip_rc}\n',
                                encoding="utf-8")
    for name in ("python", "pip"):
        (bindir / name).chmod(0o755)
    (bindir / "python3").symlink_to(bindir / "python")
    return bindir, log


def _run_postbuild(tmp_path: Path, pip_rc: int) -> tuple[subprocess.CompletedProcess, Path, Path]:
    bindir, log = _stub_bin(tmp_path, pip_rc)
    prefix = tmp_path / "prefix"
    env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}", NB_PYTHON_PREFIX=str(prefix))
    result = subprocess.run([str(POSTBUILD)], cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
                            encoding="utf-8")
    return result, log, prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def test_postbuild_installs_labkit_and_turns_off_news(tmp_path: Path):
    result, log, overrides = _run_postbuild(tmp_path, pip_rc=0)
    assert result.returncode == 0, result.stderr
    calls = log.read_text(encoding="utf-8").splitlines()
    assert any(re.search(r"\binstall\b.*(\s-e\s+\.|\s\.)(\s|$)", call) for call in calls), calls
    settings = json.loads(overrides.read_text(encoding="utf-8"))
    assert settings["@jupyterlab/apputils-extension:notification"] == {
        "fetchNews": "false",
        "checkForUpdates": False,
    }


def test_postbuild_keeps_existing_overrides(tmp_path: Path):
    overrides = tmp_path / "prefix" / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    overrides.parent.mkdir(parents=True)
    themes = {"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}
    overrides.write_text(json.dumps(themes), encoding="utf-8")
    result, _, overrides = _run_postbuild(tmp_path, pip_rc=0)
    assert result.returncode == 0, result.stderr
    settings = json.loads(overrides.read_text(encoding="utf-8"))
    assert settings["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert settings["@jupyterlab/apputils-extension:notification"]["checkForUpdates"] is False


def test_postbuild_stops_when_the_install_fails(tmp_path: Path):
    result, _, overrides = _run_postbuild(tmp_path, pip_rc=3)
    assert result.returncode != 0, "a failed pip install must fail the image build"
    assert not overrides.exists(), "postBuild went on after a failed install"


def _environment() -> dict:
    if not ENVIRONMENT.exists():
        pytest.skip("environment.yml is not written yet (the lead owns it)")
    with ENVIRONMENT.open(encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


def _environment_requirements(env: dict) -> tuple[list[str], list[str]]:
    conda, pip = [], []
    for dep in env.get("dependencies") or []:
        if isinstance(dep, dict):
            pip.extend(str(item) for item in dep.get("pip") or [])
        else:
            conda.append(str(dep))
    return conda, pip


def test_environment_has_no_local_paths():
    conda, pip = _environment_requirements(_environment())
    local = re.compile(r"^(-e\b|--editable\b|-r\b|\.|/|~|file:)|\s@\s*file:|(^|\s)\.\.?/?$")
    offenders = [dep for dep in conda + pip if local.search(dep.strip())]
    # "-e ." makes repo2docker install the environment after copying the source,
    # so every notebook edit rebuilds it; labkit is installed by postBuild instead.
    assert not offenders, f"environment.yml must not install local paths: {offenders}"


def test_environment_tells_a_conda_user_how_to_install_labkit():
    comment = [line for line in ENVIRONMENT.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    assert any("conda env create -f environment.yml" in line for line in comment), comment
    assert any(re.search(r"pip install .*\.(\s|$)", line) for line in comment), comment


def test_environment_pins_python_311_and_has_nbgitpuller():
    conda, pip = _environment_requirements(_environment())
    # repo2docker uses Python 3.10 when the environment does not say
    pythons = [dep for dep in conda if re.match(r"^python\s*[=<>]", dep)]
    assert pythons and all("3.11" in dep for dep in pythons), f"pin python 3.11 in environment.yml: {pythons}"
    # the JupyterHub image needs it for the nbgitpuller links in the docs
    names = [re.split(r"[=<>!~ \[]", dep.strip(), maxsplit=1)[0].lower() for dep in conda + pip]
    assert "nbgitpuller" in names, "environment.yml lacks nbgitpuller (needed by deploy/jupyterhub)"


def _repo2docker_command() -> list[str]:
    if importlib.util.find_spec("repo2docker") is None:
        pytest.skip("jupyter-repo2docker is not installed (pip install jupyter-repo2docker==2026.4.0 to run this)")
    return [sys.executable, "-m", "repo2docker"]


def test_repo2docker_dockerfile_runs_postbuild_and_start():
    # --no-build prints the Dockerfile without a container engine or network;
    # the user id mirrors Binder's (repo2docker otherwise takes ours, root).
    command = _repo2docker_command() + [
        "--no-build", "--debug", "--no-run", "--user-id", "1000", "--user-name", "jovyan", str(REPO),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, cwd=REPO, encoding="utf-8")
    assert result.returncode == 0, result.stderr[-3000:]
    dockerfile = result.stdout
    lines = [line.strip() for line in dockerfile.splitlines()]
    copy_src = [i for i, line in enumerate(lines) if re.match(r"COPY (--chown=\S+ )?src/ \$\{REPO_DIR\}/?$", line)]
    run_postbuild = [i for i, line in enumerate(lines) if line == "RUN ./postBuild"]
    assert copy_src, "repo2docker did not copy the repository"
    assert run_postbuild, "repo2docker's Dockerfile does not run postBuild (which installs labkit)"
    assert run_postbuild[0] > copy_src[0], "postBuild must run after the source is copied"
    assert 'ENV R2D_ENTRYPOINT="${REPO_DIR}/start"' in lines, "repo2docker does not use the start script"
    if ENVIRONMENT.exists():
        env_update = [i for i, line in enumerate(lines) if "env update" in line and "environment.yml" in line]
        assert env_update, "repo2docker did not pick up environment.yml"
        assert env_update[0] < copy_src[0], (
            "environment.yml is installed after the source copy: every notebook edit would rebuild the environment"
        )


# --------------------------------------------------------------------------- Codespaces


def test_devcontainer_image_features_and_extensions():
    config = load_devcontainer()
    image = IMAGE.fullmatch(config.get("image", ""))
    assert image, config.get("image")
    assert int(image.group(1)) >= IMAGE_MAJOR, "an image line that no longer gets patches"
    features = config.get("features") or {}
    assert any(re.search(r"/features/azure-cli:\d+$", key) for key in features), features
    dind = [int(m.group(1)) for key in features if (m := re.search(r"/features/docker-in-docker:(\d+)$", key))]
    assert dind and dind[0] >= DIND_MAJOR, features
    extensions = config["customizations"]["vscode"]["extensions"]
    assert {"ms-python.python", "ms-toolsai.jupyter"} <= set(extensions)
    assert 8888 in config.get("forwardPorts", [])


def test_devcontainer_recommends_azure_ids_as_secrets():
    secrets = load_devcontainer().get("secrets") or {}
    for name in ("AZURE_SUBSCRIPTION_ID", "AZURE_TENANT_ID"):
        assert name in secrets, f"{name} missing from secrets"
        assert len(secrets[name].get("description", "")) > 20, f"{name} needs a description"


def test_devcontainer_runs_the_install_task():
    config = load_devcontainer()
    command = config.get("updateContentCommand")  # prebuilds run it: the codespace opens ready
    assert "postCreateCommand" not in config, "the install belongs in updateContentCommand"
    assert isinstance(command, str), f"updateContentCommand should be one shell command, is {command!r}"
    match = re.fullmatch(r"python3 tasks\.py (\w[\w-]*)", command.strip())
    assert match, f"updateContentCommand should be 'python3 tasks.py <task>' like the README, is {command!r}"
    task = match.group(1)
    assert task != "lab", "'lab' starts JupyterLab and never returns: updateContentCommand would hang"
    if not TASKS.exists():
        pytest.skip("tasks.py is not written yet: cannot check that it has the task")
    assert task in tasks_subcommands(TASKS.read_text(encoding="utf-8")), f"tasks.py has no '{task}' task"


# --------------------------------------------------------------------------- JupyterHub


def test_hub_config_serves_the_workbook_in_replay():
    config = load_hub_config()
    single = config["singleuser"]
    assert single["extraEnv"]["LABKIT_MODE"] == "replay"
    assert single["defaultUrl"] == "/lab"
    assert single["image"]["name"] and "k8s-singleuser-sample" not in single["image"]["name"]


def test_hub_config_limits_each_learner():
    single = load_hub_config()["singleuser"]
    cpu, memory = single["cpu"], single["memory"]
    assert 0 < float(cpu["guarantee"]) <= float(cpu["limit"])
    assert 0 < to_bytes(memory["guarantee"]) <= to_bytes(memory["limit"])


def test_hub_config_culls_and_schedules_for_a_class():
    config = load_hub_config()
    cull = config["cull"]
    assert cull["enabled"] is True
    assert 0 < int(cull["timeout"]) <= 3600
    scheduling = config["scheduling"]
    assert scheduling["userScheduler"]["enabled"] is True
    assert scheduling["podPriority"]["enabled"] is True
    assert scheduling["userPlaceholder"]["enabled"] is True
    assert int(scheduling["userPlaceholder"]["replicas"]) >= 1
    assert config["prePuller"]["continuous"]["enabled"] is True


def test_hub_config_uses_entra_id_without_secrets():
    hub = load_hub_config()["hub"]["config"]
    assert hub["JupyterHub"]["authenticator_class"] == "azuread"
    azuread = hub["AzureAdOAuthenticator"]
    for key in ("tenant_id", "client_id", "oauth_callback_url"):
        assert key in azuread, f"AzureAdOAuthenticator.{key} missing"
    assert "client_secret" not in azuread, "the client secret belongs on the helm command line, not in the file"
    assert re.fullmatch(r"<[^>]+>", azuread["tenant_id"]), "tenant_id should be a placeholder in the repository"


# --------------------------------------------------------------------------- docs


@pytest.mark.parametrize("doc", [INSTRUCTOR, HUB_README], ids=["instructor.md", "jupyterhub-README.md"])
def test_nbgitpuller_links_open_an_existing_notebook(doc: Path):
    links = nbgitpuller_links(doc)
    assert links, f"{doc.relative_to(REPO)} has no nbgitpuller link"
    for link in links:
        query = parse_qs(urlsplit(link).query)
        assert query.get("branch") == ["main"], link
        repo_url = query["repo"][0]
        clone_dir = repo_url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
        urlpath = query["urlpath"][0]
        prefix = f"lab/tree/{clone_dir}/"
        assert urlpath.startswith(prefix), f"nbgitpuller clones into {clone_dir}/, the link opens {urlpath}"
        target = urlpath[len(prefix):]
        assert target.startswith("notebooks/") and target.endswith(".ipynb"), link
        if not (REPO / "notebooks").is_dir():
            pytest.skip("notebooks/ is not written yet")
        assert (REPO / target).is_file(), f"{doc.name} links to {target}, which does not exist"


@pytest.mark.parametrize("doc", [INSTRUCTOR, HUB_README], ids=["instructor.md", "jupyterhub-README.md"])
def test_relative_links_in_docs_resolve(doc: Path):
    text = doc.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    local = [t.split("#", 1)[0] for t in targets if not re.match(r"[a-z]+:|#", t)]
    assert local, f"{doc.name} links to none of the repository's files"
    missing = [t for t in local if not (doc.parent / t).exists()]
    assert not missing, f"{doc.name} links to missing files: {missing}"


def test_instructor_guide_covers_the_class():
    text = INSTRUCTOR.read_text(encoding="utf-8")
    for needed in (
        "Microsoft.ContainerService", "Microsoft.ContainerRegistry", "Microsoft.ContainerInstance",
        "RequestDisallowedByAzure", "LABKIT_MODE=record", "labkit class-smoke --learners 30",
        "labkit cleanup --expired --yes", "deploy/jupyterhub/config.yaml",
    ):
        assert needed in text, f"docs/instructor.md does not mention {needed}"


def test_every_labkit_command_in_the_docs_parses():
    import shlex

    from labkit.cli import _parser

    commands = []
    for doc in (INSTRUCTOR, REPO / "README.md"):
        for line in doc.read_text(encoding="utf-8").splitlines():
            found = re.search(r"(?:^|`|LABKIT_MODE=\w+ )(labkit (?:cleanup|class-smoke)[^`#]*)", line)
            if found:
                commands.append(found.group(1).strip())
    assert len(commands) >= 4, commands
    for command in commands:
        _parser().parse_args(shlex.split(command)[1:])  # SystemExit (a failure) if the docs drifted


# --------------------------------------------------------------------------- tasks.py: what each command installs


@pytest.fixture
def tasks_installs(monkeypatch):
    """tasks.py with installs and runs recorded instead of done: [(venv folder name, kind)]."""
    import tasks

    done = []
    for name in ("LABKIT_TEST_PYTHONS", "LABKIT_TEST_REQUIRE_PYTHONS"):  # CI sets these for the real run
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(tasks.Venv, "ensure",
                        lambda self, kind, relock=False: done.append((self.folder.name, kind + " relock" * relock)))
    monkeypatch.setattr(tasks.Venv, "run", lambda self, *args, env=None: 0)
    monkeypatch.setattr(tasks.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0))
    return tasks, done


def test_install_and_lab_install_no_test_tools(tasks_installs):
    tasks, done = tasks_installs
    tasks.install([])
    tasks.lab([])
    assert done == [(".venv", "lab"), (".venv", "lab")]
    assert tasks.EXTRAS["lab"] == "" and "test" in tasks.EXTRAS["test"]


def test_test_runs_under_every_other_python(tasks_installs, monkeypatch):
    tasks, done = tasks_installs
    monkeypatch.setattr(tasks, "other_pythons", lambda: {"3.12": "python3.12", "3.13": "python3.13"})
    assert tasks.test(["-q"]) == 0
    assert done == [(".venv", "test"), (".venv-3.12", "test"), (".venv-3.13", "test")]


def test_lock_installs_what_pyproject_asks_then_freezes(tasks_installs):
    tasks, done = tasks_installs
    tasks.lock([])
    tasks.lock(["--check"])
    assert done == [(".venv", "test relock"), (".venv", "test")]


def test_other_pythons_are_311_or_newer_and_not_this_one():
    import tasks

    found = tasks.other_pythons()
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert here not in found
    for version, exe in found.items():
        assert tuple(map(int, version.split("."))) >= tasks.MIN_PYTHON
        shown = subprocess.run([exe, "--version"], capture_output=True, text=True, encoding="utf-8")
        assert shown.stdout.startswith(f"Python {version}."), (exe, shown.stdout)


# --------------------------------------------------------------------------- Binder detection, line endings


@pytest.mark.parametrize("name", ["BINDER_LAUNCH_HOST", "BINDER_REQUEST", "BINDER_REPO_URL"])
def test_binder_is_known_by_the_variables_binderhub_sets(monkeypatch, name):
    from labkit import identity
    from labkit.errors import SignInError

    for other in identity.BINDER_VARIABLES:
        monkeypatch.delenv(other, raising=False)
    monkeypatch.setenv(name, "https://mybinder.org/")
    with pytest.raises(SignInError, match="Binder"):
        identity.sign_in()


def test_a_kubernetes_service_name_is_not_binder(monkeypatch):
    from labkit import identity

    for name in identity.BINDER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BINDER_SERVICE_HOST", "10.0.0.1")  # any pod in a namespace with a service named binder
    assert identity.on_binder() is False


def test_scripts_linux_runs_are_checked_out_with_lf():
    scripts = ["postBuild", "start", ".ci/run", ".ci/services.sh", "tests/images/serve.sh", "tasks.py"]
    shown = subprocess.run(["git", "check-attr", "eol", "--", *scripts], cwd=REPO, capture_output=True,
                           text=True, encoding="utf-8")
    if shown.returncode != 0:
        pytest.skip("not a git checkout")
    eol = dict(line.rsplit(": eol: ", 1) for line in shown.stdout.splitlines())
    assert eol == {s: "lf" for s in scripts}, eol


# --------------------------------------------------------------------------- badges: one home, settable


def test_readme_badges_name_one_home_and_an_existing_notebook():
    from tools import repo_home

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    home = repo_home.current_home(readme)
    binder = re.findall(r"https://mybinder\.org/v2/gh/([\w.-]+/[\w.-]+)/main\?urlpath=lab/tree/(\S+?\.ipynb)\)", readme)
    codespaces = re.findall(r"https://codespaces\.new/([\w.-]+/[\w.-]+)\?quickstart=1", readme)
    assert binder and codespaces
    assert {b[0] for b in binder} | set(codespaces) == {home}
    assert all((REPO / b[1]).is_file() for b in binder), binder


@pytest.mark.parametrize("remote", ["https://github.com/alice/kube-course.git", "git@github.com:alice/kube-course.git",
                                    "https://github.com/alice/kube-course"])
def test_the_home_comes_from_the_git_remote(remote):
    from tools import repo_home

    assert repo_home.home_from_remote(remote + "\n") == "alice/kube-course"


def test_setting_the_home_rewrites_every_link(tmp_path, monkeypatch):
    from tools import repo_home

    copies = []
    for path in repo_home.FILES:
        copy = tmp_path / path.relative_to(REPO)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        copies.append(copy)
    monkeypatch.setattr(repo_home, "FILES", copies)
    old = repo_home.current_home(copies[0].read_text(encoding="utf-8"))
    assert repo_home.main(["alice/kube-course"]) == 0
    text = "\n".join(c.read_text(encoding="utf-8") for c in copies)
    assert old not in text
    assert "https://mybinder.org/v2/gh/alice/kube-course/main?urlpath=lab/tree/notebooks/00-setup.ipynb" in text
    assert "https://codespaces.new/alice/kube-course?quickstart=1" in text
    assert "repo=https://github.com/alice/kube-course&urlpath=lab/tree/kube-course/notebooks/" in text


def test_lab_trusts_the_workbooks_notebooks(tmp_path, monkeypatch):
    """So that the server does not log "Notebook … is not trusted" for each notebook a learner opens."""
    import nbformat
    from nbformat.sign import NotebookNotary

    import tasks

    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path))
    paths = sorted((REPO / "notebooks").glob("*.ipynb"))
    notary = NotebookNotary(data_dir=str(tmp_path))
    assert not any(notary.check_signature(nbformat.read(p, as_version=4)) for p in paths)
    tasks.trust_notebooks(sys.executable)
    notary = NotebookNotary(data_dir=str(tmp_path))
    assert all(notary.check_signature(nbformat.read(p, as_version=4)) for p in paths)


def test_a_required_python_that_is_missing_fails_the_test_command(tasks_installs, monkeypatch):
    tasks, done = tasks_installs
    monkeypatch.setattr(tasks, "other_pythons", lambda: {"3.12": "python3.12"})
    monkeypatch.setenv("LABKIT_TEST_REQUIRE_PYTHONS", "3.12 3.99")
    assert tasks.test([]) == 1 and done == []


def test_ci_requires_the_services_and_every_claimed_python():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^export LABKIT_TEST_REQUIRE_SERVICES=1$", ci, re.M)
    required = re.search(r'^export LABKIT_TEST_REQUIRE_PYTHONS="([\d. ]+)"$', ci, re.M)
    assert required and required.group(1).split() == ["3.11", "3.12", "3.13"]
    assert re.search(r"^exec python3 tasks\.py test\b", ci, re.M), "CI runs the README's test command"


def test_no_test_selected_under_another_python_is_not_a_failure(tasks_installs, monkeypatch):
    tasks, _ = tasks_installs
    monkeypatch.setattr(tasks, "other_pythons", lambda: {"3.12": "python3.12"})
    monkeypatch.setattr(tasks.Venv, "run", lambda self, *args, env=None: 5)
    assert tasks.test(["tests/browser"]) == 5  # this Python: nothing ran, a failure
    monkeypatch.setattr(tasks.Venv, "run", lambda self, *args, env=None: 5 if self.folder.name != ".venv" else 0)
    assert tasks.test(["tests/browser"]) == 0


def test_tasks_py_on_an_older_python_says_what_it_needs():
    import glob

    older = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.10.*/bin/python3")))
    if not older:
        pytest.skip("no Python 3.10 on this machine")
    shown = subprocess.run([older[0], str(TASKS), "lab"], capture_output=True, text=True, encoding="utf-8",
                           timeout=60)
    assert shown.returncode == 1 and "needs Python 3.11 or newer" in shown.stderr, shown
    assert not (REPO / ".venv-3.10").exists()
