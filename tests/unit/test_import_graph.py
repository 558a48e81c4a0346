"""The package import graph: no cycle between packages, and every import goes downward.

commands → app → checks/managers/upgrade/report → cloud/host/box → standards → model/errors.
Every import counts, also those inside functions and under ``TYPE_CHECKING``: a lazy import
is still a dependency.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import scs_iaas

ROOT = Path(scs_iaas.__file__).parent

# package (or top-level module) -> layer; a package may import only from lower layers
LAYERS = {
    "": 0,  # scs_iaas/__init__.py: the version
    "model": 0,
    "errors": 0,
    "standards": 1,
    "cloud": 2,
    "host": 2,
    "box": 2,
    "checks": 3,
    "managers": 3,
    "upgrade": 3,
    "report": 3,
    "app": 4,
    "commands": 5,
    "cli": 6,
    "__main__": 7,
}


def _package(module: str) -> str:
    """``scs_iaas.cloud.snapshot`` -> ``cloud``; ``scs_iaas`` -> ``""``."""
    parts = module.split(".")
    assert parts[0] == "scs_iaas", module
    return parts[1] if len(parts) > 1 else ""


def _module_of(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    return (ROOT / name).is_dir() or (ROOT / f"{name}.py").is_file()


def import_graph() -> dict[str, set[str]]:
    """package -> the other packages it imports."""
    graph: dict[str, set[str]] = defaultdict(set)
    for path in sorted(ROOT.rglob("*.py")):
        module = _module_of(path)
        source = _package(module) if "." in module else ""
        graph[source]  # every package is a node, even one that imports nothing of ours
        is_pkg = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: resolve against this module's package
                    base = module.split(".")
                    base = base if is_pkg else base[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    name = ".".join([*base, node.module] if node.module else base)
                else:
                    name = node.module or ""
                targets = [name]
                if name == "scs_iaas":  # `from scs_iaas import cli` imports the module cli
                    targets = [
                        f"scs_iaas.{a.name}" if _is_module(a.name) else "scs_iaas"
                        for a in node.names
                    ]
            for target in targets:
                if target == "scs_iaas" or target.startswith("scs_iaas."):
                    dest = _package(target)
                    if dest != source:
                        graph[source].add(dest)
    return dict(graph)


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_every_package_has_a_layer() -> None:
    unknown = sorted(set(import_graph()) - set(LAYERS))
    assert unknown == [], f"place these packages in LAYERS: {unknown}"


def test_no_cycle_between_packages() -> None:
    assert _cycle(import_graph()) is None


def test_imports_only_go_downward() -> None:
    upward = sorted(
        f"{src or 'scs_iaas'} -> {dst or 'scs_iaas'}"
        for src, dests in import_graph().items()
        for dst in dests
        if LAYERS[dst] >= LAYERS[src]
    )
    assert upward == []


def test_the_pure_core_imports_nothing_with_io() -> None:
    graph = import_graph()
    assert graph["model"] <= {""}
    assert graph["standards"] <= {"", "model", "errors"}


def test_checks_and_managers_never_reach_the_cloud() -> None:
    """Checks judge a snapshot and managers plan from one: only cloud/ speaks to OpenStack
    (and runs the probes), and the records they read live in model/."""
    graph = import_graph()
    assert "cloud" not in graph["checks"]
    assert "cloud" not in graph["managers"]
    assert "cloud" not in graph["report"]


def _environ_writes(tree: ast.AST) -> list[int]:
    """Lines that change ``os.environ`` (assign, delete, update/pop/setdefault/clear, putenv)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store | ast.Del):
            if ast.unparse(node.value) == "os.environ":
                lines.append(node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner, verb = ast.unparse(node.func.value), node.func.attr
            mutators = ("update", "pop", "setdefault", "clear", "popitem")
            if (owner == "os.environ" and verb in mutators) or (owner, verb) == ("os", "putenv"):
                lines.append(node.lineno)
    return lines


def test_the_use_cases_leave_the_environment_alone() -> None:
    """The app layer (the demo included) passes clouds.yaml and names as arguments: it never
    changes the process environment the CLI (or a test) runs in."""
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "app").rglob("*.py"))
        for line in _environ_writes(ast.parse(path.read_text()))
    ]
    assert found == []
    bad = "import os\nos.environ['OS_CLOUD'] = 'x'\nos.environ.update(A='1')\nos.putenv('B', '2')"
    assert _environ_writes(ast.parse(bad)) == [2, 3, 4]


def test_the_checker_sees_a_cycle_and_an_upward_import() -> None:
    """The graph test can fail: a cycle and a wrong-way edge are found."""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
    assert LAYERS["cloud"] >= LAYERS["model"]  # cloud -> model is fine, model -> cloud is not
