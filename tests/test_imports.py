"""The import graph of toolkit/ has no cycle, counting imports inside functions.

Built from the source with ``ast`` (nothing is imported): every ``import`` and ``from … import``
anywhere in a module, except under ``if TYPE_CHECKING:``. Importing ``toolkit.a.b`` from outside
the package ``toolkit.a`` also runs ``toolkit/a/__init__.py``, so that is an edge too.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "toolkit"


def module_names() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from (n for child in node.orelse for n in _imports_in(child))
            continue
        yield from _imports_in(node)


def _imports_in(node: ast.AST):
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node
    elif isinstance(node, ast.If) and _is_type_checking(node):
        for child in node.orelse:
            yield from _imports_in(child)
    else:
        yield from _imports(node)


def import_graph() -> dict[str, set[str]]:
    modules = module_names()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        package = name if is_package else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in _imports(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
                continue
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            targets.add(origin)
            targets.update(f"{origin}.{a.name}" for a in node.names)
        for target in targets:
            if target not in modules:
                continue
            # the target and the packages it sits in, except those the importer is inside of:
            # they are being initialised already
            parts = target.split(".")
            for i in range(1, len(parts) + 1):
                step = ".".join(parts[:i])
                if not (name == step or name.startswith(step + ".")):
                    graph[name].add(step)
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_graph_sees_imports_inside_functions():
    graph = import_graph()
    assert "toolkit.spec" in graph["toolkit.report"]
    # cli imports its commands' modules lazily, inside functions
    assert any(t.startswith("toolkit.app") for t in graph["toolkit.cli"])


def test_no_import_cycle():
    cycles = find_cycles(import_graph())
    assert not cycles, "import cycles in toolkit/: " + "; ".join(" ↔ ".join(c) for c in cycles)


def _imported_from(graph: dict[str, set[str]], inside: str) -> set[str]:
    """The toolkit modules that the modules of package ``inside`` import from outside it."""
    return {t for m, ts in graph.items() if m == inside or m.startswith(inside + ".")
            for t in ts if not (t == inside or t.startswith(inside + "."))}


def test_the_ooxml_layer_knows_nothing_of_the_annual_report():
    """README's promise: toolkit/ooxml reads and edits .xlsx parts for anyone; the template's
    layout, values and rules sit on top of it, never under it."""
    assert _imported_from(import_graph(), "toolkit.ooxml") <= {"toolkit", "toolkit.errors", "toolkit.lazyre"}


def test_only_the_shells_import_the_application_layer():
    """Workflows live in toolkit/app; the CLI, the window and the Excel button call them. Nothing
    below calls back up into a workflow."""
    graph = import_graph()
    callers = {m for m, ts in graph.items() if not m.startswith("toolkit.app")
               and any(t == "toolkit.app" or t.startswith("toolkit.app.") for t in ts)}
    assert callers <= {"toolkit.cli", "toolkit.gui.model", "toolkit.excel.button", "toolkit.api"}, callers


# The README's layers (代码地图), top to bottom: a module may import its own layer and those below.
LAYERS = (
    ("shells", ("toolkit.cli", "toolkit.progress", "toolkit.gui", "toolkit.excel.button", "toolkit.api",
                "toolkit.__main__")),
    ("application", ("toolkit.app",)),
    ("outputs and batches", ("toolkit.collect", "toolkit.word", "toolkit.web", "toolkit.writeback", "toolkit.excel",
                             "toolkit.output", "toolkit.docs", "toolkit.office", "toolkit.templating")),
    ("rules", ("toolkit.rules", "toolkit.previous")),
    ("sources", ("toolkit.source", "toolkit.workbook", "toolkit.jsondata", "toolkit.importers", "toolkit.sample")),
    ("report data", ("toolkit.report", "toolkit.values")),
    ("specification", ("toolkit.spec",)),
    ("base", ("toolkit.ooxml", "toolkit.errors", "toolkit.numerals", "toolkit.fileio", "toolkit.safetext",
              "toolkit.limits", "toolkit.log", "toolkit.lazyre", "toolkit.unitnames", "toolkit")),
)


def _layer(module: str) -> int | None:
    """The index of the layer whose most specific prefix names ``module`` (``toolkit`` itself names
    only the package's ``__init__``: a new top-level module is placed in LAYERS on purpose)."""
    found = [(len(p), i) for i, (_, prefixes) in enumerate(LAYERS) for p in prefixes
             if module == p or (p != "toolkit" and module.startswith(p + "."))]
    return max(found)[1] if found else None


def test_imports_go_down_the_layers_of_the_readme():
    graph = import_graph()
    unplaced = sorted(m for m in graph if _layer(m) is None)
    assert not unplaced, f"modules in no layer (add them to LAYERS and the README's table): {unplaced}"
    upward = sorted(f"{m} ({LAYERS[_layer(m)][0]}) → {t} ({LAYERS[_layer(t)][0]})"
                    for m, ts in graph.items() for t in ts if _layer(t) < _layer(m))
    assert not upward, ("imports up the layers (import the other way, move the code down, or, for a new module, "
                        "place it in LAYERS and the README's table): " + "; ".join(upward))
