"""Every `az` line the workbook shows is one the Azure CLI accepts: checked against the CLI's own definitions.

The lines come from labkit's source (every string it can print, on every path, errors included), from the
notebooks' cells, and from the README and the instructor guide. Each is checked against the argument definitions of the pinned ``azure-cli`` package
(tests/azcli.py): the command exists, each option is one of its options, every required argument is given,
a delete that would ask "Are you sure?" carries ``--yes``, and a create runs unattended on a machine without
an SSH key and tags what it makes like the lab does.
"""

import ast
import functools
import re
import shlex
from pathlib import Path

import nbformat
import pytest

from tests import azcli

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
GROUPS = ("aks", "acr", "container", "group", "provider")
AZ_LINE = re.compile(r"\baz (?:%s)\b[^`\n|;)]*" % "|".join(GROUPS))
LAB_TAGS = ("course", "owner", "created", "expires")


def _texts_of_labkit():
    """(where, text) for every string literal in labkit; an f-string's fields read as VALUE."""
    for path in sorted((ROOT / "labkit").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parts = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
        for node in ast.walk(tree):
            if id(node) in parts:
                continue  # a piece of an f-string: read with the whole
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value if isinstance(v, ast.Constant) else "VALUE" for v in node.values)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            else:
                continue
            yield f"{path.relative_to(ROOT)}:{node.lineno}", text


def _texts_of_notebooks():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            yield f"{path.name} cell {i}", cell.source


def _texts_of_docs():
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")


def az_lines(texts):
    lines = {}
    for where, text in texts:
        for found in AZ_LINE.finditer(text):
            lines.setdefault(found.group(0).strip().rstrip(".,"), where)
    return lines


LINES = {**az_lines(_texts_of_labkit()), **az_lines(_texts_of_notebooks()), **az_lines(_texts_of_docs())}


@functools.lru_cache(maxsize=None)
def definition(command: str):
    return azcli.arguments(command)


def split(line: str) -> tuple[str, list[str]]:
    """The command ("aks nodepool add") and the options given ("--name", …) of an `az` line."""
    words = shlex.split(line.replace("…", " VALUE "), posix=True)[1:]
    head = [w.rstrip(".,:") for w in words[:3]]
    for n in range(len(head), 0, -1):
        if all(re.fullmatch(r"[a-z][a-z-]*", w) for w in head[:n]) and definition(" ".join(head[:n])) is not None:
            options = [w.split("=", 1)[0] for w in words[n:] if re.match(r"-{1,2}[a-zA-Z]", w)]
            return " ".join(head[:n]), options
    return " ".join(head), []


def test_the_workbook_shows_az_lines_of_each_kind():
    commands = {split(line)[0] for line in LINES}
    assert {"aks create", "aks delete", "acr create", "container create", "group create"} <= commands, commands


@pytest.mark.parametrize("line", sorted(LINES), ids=lambda line: line[:60])
def test_each_az_line_is_a_command_the_cli_defines_with_options_it_has(line):
    command, options = split(line)
    if not options and command in GROUPS:
        return  # a command group named in prose ("the `az container` commands")
    defined = definition(command)
    assert defined is not None, f"{LINES[line]}: `az {command}` is not an Azure CLI command"
    unknown = [o for o in options if o not in defined and o not in azcli.GLOBAL_OPTIONS]
    assert not unknown, f"{LINES[line]}: `az {command}` has no option {unknown} (line: {line})"
    if not options:
        return  # a command named in prose ("Why not `az acr build`?"), not a line to run
    if command.endswith(" delete") and "--yes" in defined:
        assert {"--yes", "-y"} & set(options), f"{LINES[line]}: {line} would wait for 'Are you sure?'"
    if "…" in line or "..." in line:
        return  # shortened in prose: "az aks create … --no-wait"
    given = {defined[o].dest for o in options if o in defined}
    missing = sorted({a.options[0] for a in defined.values() if a.required and a.dest not in given})
    assert not missing, f"{LINES[line]}: `az {command}` needs {missing} (line: {line})"


def printed_by_a_replayed_lab(tmp_path_factory) -> dict:
    """The `az` lines the create steps print when replayed (the registry, the container group, a fresh cluster)."""
    import contextlib
    import io
    import shutil

    import labkit
    from labkit import aci, acr, aks
    from labkit.paths import recordings

    root = tmp_path_factory.mktemp("az") / "recordings"
    (root / "fresh").mkdir(parents=True)
    shutil.copy(recordings() / "lab.json", root / "lab.json")
    shutil.copy(recordings() / "errors-aks" / "create_fresh.json", root / "fresh" / "create_cluster.json")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        aks.create_cluster(labkit.open_lab("fresh", recordings=root))
        lab = labkit.open_lab("03-publish-acr")
        acr.check_name(lab)
        acr.create_registry(lab)
        aci.create(labkit.open_lab("04-run-aci"))
    return az_lines([("printed in replay", out.getvalue())])


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    return printed_by_a_replayed_lab(tmp_path_factory)


@pytest.mark.parametrize("command", ["aks create", "acr create", "container create", "group create"])
def test_creates_tag_what_they_make_as_the_lab_does_and_the_cli_accepts_the_line(command, printed):
    from labkit.config import LabConfig

    lines = [line for line in printed if split(line)[0] == command]
    assert lines, f"no `az {command}` line was printed"
    tags = LabConfig().tags()
    for line in lines:
        command, options = split(line)
        assert set(options) <= set(definition(command)), f"{line}: options the CLI lacks"
        if "--tags" in definition(command):  # `az container create` has none: its group's tags find it
            assert "--tags" in options and all(f" {key}=" in line for key in tags), f"{line} lacks the lab's tags"


def test_aks_create_runs_on_a_machine_without_an_ssh_key(printed):
    creates = [line for line in {**LINES, **printed} if split(line)[0] == "aks create" and split(line)[1]
               and "…" not in line]  # a shortened mention ("az aks create … --no-wait") stands for the full line
    assert creates
    for line in creates:
        assert {"--generate-ssh-keys", "--no-ssh-key"} & set(split(line)[1]), line
