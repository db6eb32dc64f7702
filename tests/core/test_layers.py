"""The apps form a one-way stack (umkm_program/layers.py): each imports only the apps below it.

Every module of every app is parsed with `ast`, so imports inside functions count as much as
those at the top of a file; migrations are left out (they name other apps' migrations by
necessity). The README's layout table lists the apps in the same order as LAYERS.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from umkm_program.layers import LAYERS

ROOT = Path(__file__).resolve().parents[2]

# Edges allowed against the order while a change is under way: none. An entry here must name an
# import that still exists (test_every_pending_allowance_is_still_needed), so it cannot outlive its change.
PENDING_ROLLUPS_BRANCH: list[tuple[str, str]] = []


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "migrations" in parts or "__pycache__" in parts:
            continue
        yield path


def _imported_modules(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def app_imports(apps=LAYERS):
    """[(importing app, imported app, "path:line module")] for every import of one project app by another."""
    known = set(apps)
    found = []
    for app in apps:
        for path in _modules(app):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for line, module in _imported_modules(tree):
                top = module.split(".")[0]
                if top in known and top != app:
                    found.append((app, top, f"{path.relative_to(ROOT)}:{line} imports {module}"))
    return found


def upward_imports(imports, layers=LAYERS, allowed=()):
    level = {app: i for i, app in enumerate(layers)}
    return [where for app, other, where in imports if level[other] > level[app] and (app, other) not in allowed]


def cycles(imports):
    """Strongly connected components of more than one app (Tarjan)."""
    edges: dict[str, set[str]] = {}
    for app, other, _where in imports:
        edges.setdefault(app, set()).add(other)
        edges.setdefault(other, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_no_app_imports_an_app_above_it():
    offending = upward_imports(app_imports(), allowed=PENDING_ROLLUPS_BRANCH)
    assert offending == [], "an app imports an app above it in umkm_program/layers.py:\n" + "\n".join(offending)


def test_no_import_cycles_between_apps():
    imports = [i for i in app_imports() if (i[0], i[1]) not in PENDING_ROLLUPS_BRANCH]
    assert cycles(imports) == []


def test_every_pending_allowance_is_still_needed():
    """Once the rollups branch is merged the allowance must go, or it would hide a new upward import."""
    present = {(app, other) for app, other, _where in app_imports()}
    assert [edge for edge in PENDING_ROLLUPS_BRANCH if edge not in present] == []


def test_every_project_app_has_its_place_in_the_layers():
    on_disk = {p.parent.name for p in ROOT.glob("*/apps.py")}
    installed = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}
    assert sorted((on_disk | installed) - set(LAYERS)) == []
    assert len(LAYERS) == len(set(LAYERS))


def test_the_readme_layout_table_lists_the_apps_in_layer_order():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    listed = [m.group(1) for m in re.finditer(r"^\| `([a-z_]+)/` \|", table, flags=re.MULTILINE)]
    assert [app for app in listed if app in LAYERS] == LAYERS


# The checks themselves must be able to fail: a made-up stack with an upward import and a cycle.


@pytest.fixture
def fake_project(tmp_path, monkeypatch):
    for app, source in {
        "low": "def f():\n    from high.models import Thing\n",  # lazy, inside a function
        "high": "import low.models\n",
        "mid": "from low import models\n",
    }.items():
        (tmp_path / app / "migrations").mkdir(parents=True)
        (tmp_path / app / "services.py").write_text(source)
        (tmp_path / app / "migrations" / "0001_initial.py").write_text("import high\n")  # not counted
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    return ["low", "mid", "high"]


def test_the_check_names_a_lazy_upward_import_and_the_cycle_it_makes(fake_project):
    imports = app_imports(fake_project)

    assert upward_imports(imports, layers=fake_project) == ["low/services.py:2 imports high.models"]
    assert cycles(imports) == [["high", "low"]]
    assert upward_imports(imports, layers=fake_project, allowed=[("low", "high")]) == []
