"""labkit's imports go down the floors only: sections → session → recording, config, costs, display and the rest.

Every ``import`` in every labkit module is read with :mod:`ast` (also those inside functions; only imports under
``if TYPE_CHECKING:`` are left out, as they never run). ``python tests/unit/test_layers.py [folder]`` prints the
floors and the arrows of a labkit source folder (default: this checkout's).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

LABKIT = Path(__file__).resolve().parents[2] / "labkit"

# Top to bottom. A module is on the floor of the longest name here that is it or its package.
FLOORS = (
    ("entry points", ("labkit.__main__", "labkit.cli", "labkit.notebooks")),
    ("sections", ("labkit.setup", "labkit.aks", "labkit.acr", "labkit.aci", "labkit.workloads", "labkit.cleanup",
                  "labkit.status", "labkit.given_group", "labkit.instructor")),
    ("session", ("labkit", "labkit.lab", "labkit.session", "labkit.steps", "labkit.polling")),
    ("foundations", ("labkit.recording", "labkit.config", "labkit.costs", "labkit.groups", "labkit.display",
                     "labkit.ui", "labkit.quiz", "labkit.quiz_bank", "labkit.kernel",
                     "labkit.errors", "labkit.paths", "labkit.network", "labkit.home", "labkit.identity",
                     "labkit.adapters", "labkit.kube", "labkit.images", "labkit.azcli")),
)
# Within the foundations, what a package may import besides itself (the recording layer knows no lab settings,
# and the adapters return raw answers: the recording boundary scrubs them).
ONLY = {
    "labkit.recording": ("labkit.recording", "labkit.errors", "labkit.paths", "labkit.network"),
    "labkit.kube": ("labkit.errors", "labkit.home"),
    "labkit.images": ("labkit.errors",),
}


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str, root: Path) -> bool:
    relative = Path(*name.split(".")[1:]) if "." in name else Path()
    return (root / relative).with_suffix(".py").is_file() or (root / relative / "__init__.py").is_file()


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(path: Path, root: Path) -> set[str]:
    """The labkit modules ``path`` imports (``from labkit import ui`` is labkit.ui; ``__version__`` is labkit)."""
    here = module_name(path, root)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking_only(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "labkit")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, up one package per dot after the first
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            if base.split(".")[0] == "labkit":
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    found.add(full if is_module(full, root) else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(here)
    return found


def graph(root: Path = LABKIT) -> dict[str, set[str]]:
    return {module_name(p, root): imports_of(p, root) for p in sorted(root.rglob("*.py"))}


def home_of(module: str, table: dict) -> str | None:
    """The longest name in ``table`` that is ``module`` or a package holding it."""
    names = [n for n in table if module == n or module.startswith(n + ".")]
    return max(names, key=len, default=None)


def floor_of(module: str) -> int | None:
    owners = {name: level for level, (_, names) in enumerate(FLOORS) for name in names}
    name = home_of(module, owners)
    return None if name is None else owners[name]


def arrows_up(edges: dict[str, set[str]]) -> list[str]:
    """Every import that goes up a floor, or out of what a foundation package may import."""
    wrong = []
    for module, targets in sorted(edges.items()):
        for target in sorted(targets):
            if floor_of(module) is None or floor_of(target) is None:
                continue  # test_every_module_is_on_a_floor says which
            if floor_of(target) < floor_of(module):  # lower index = higher floor
                wrong.append(f"{module} ({FLOORS[floor_of(module)][0]}) → {target} ({FLOORS[floor_of(target)][0]})")
            limited = home_of(module, ONLY)
            if limited and home_of(target, {n: 0 for n in ONLY[limited]}) is None:
                wrong.append(f"{module} → {target} (a {limited} module imports only {', '.join(ONLY[limited])})")
    return wrong


def cycles(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Pairs of modules on different floors that import each other."""
    return sorted({tuple(sorted((a, b))) for a, targets in edges.items() for b in targets
                   if a in edges.get(b, set()) and floor_of(a) != floor_of(b)})


def describe(edges: dict[str, set[str]]) -> str:
    """The floors, top to bottom, each module with the labkit modules it imports."""
    lines = []
    for level, (title, _) in enumerate(FLOORS):
        lines.append(f"== {title}")
        for module in sorted(m for m in edges if floor_of(m) == level):
            short = sorted(t.removeprefix("labkit.") for t in edges[module])
            lines.append(f"  {module.removeprefix('labkit.')} → {', '.join(short) or '(nothing of labkit)'}")
    unplaced = sorted(m for m in edges if floor_of(m) is None)
    if unplaced:
        lines.append("== on no floor: " + ", ".join(unplaced))
    return "\n".join(lines)


@pytest.mark.unit
def test_every_module_is_on_a_floor():
    assert [m for m in graph() if floor_of(m) is None] == []


@pytest.mark.unit
def test_imports_only_go_down_the_floors():
    edges = graph()
    assert arrows_up(edges) == [], "\n" + describe(edges)


@pytest.mark.unit
def test_no_two_floors_import_each_other():
    assert cycles(graph()) == []


if __name__ == "__main__":
    edges = graph(Path(sys.argv[1]) if len(sys.argv) > 1 else LABKIT)
    print(describe(edges))
    print("\n".join(["== arrows up"] + arrows_up(edges) + ["== floors importing each other"]
                    + [f"{a} ↔ {b}" for a, b in cycles(edges)]))
