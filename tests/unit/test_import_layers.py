"""Imports run down the layers of docs/design.md (Layers), never up: a module imports its own layer or one
below it, and `api` and `live` never import each other's modules.

Every `interview_core` import is read from the source (module level, inside functions and under
TYPE_CHECKING alike), so a lazy import cannot hide an arrow. A module the map does not name fails the test:
a new module gets its layer when it is added."""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "shared" / "interview_core"

# Bottom first, as in docs/design.md. A module belongs to the longest prefix that names it; modules of one
# layer may import one another, except between the halves of the split one: `api` and `live` are siblings.
LAYERS: list[dict[str, tuple[str, ...]]] = [
    {
        "foundation": (
            "interview_core",  # the package itself: __version__, the SnapStart hooks
            "interview_core.model",
            "interview_core.errors",
            "interview_core.text",
            "interview_core.observability",
            "interview_core.snapstart",
            "interview_core.lambda_init",
        )
    },
    {
        "domain": (
            "interview_core.domain",
            "interview_core.settings",
            "interview_core.audio",
            "interview_core.faces",
            "interview_core.documents",
            "interview_core.report_pdf",
            "interview_core.insights",
            "interview_core.grading",
        )
    },
    {"contracts": ("interview_core.contracts",)},
    {
        "adapters": (
            "interview_core.aws",
            "interview_core.store",
            "interview_core.blobs",
            "interview_core.queue",
            "interview_core.quota",
            "interview_core.jobs",
            "interview_core.access",
            "interview_core.livekit_rooms",
            "interview_core.providers",
            "interview_core.coding",
            "interview_core.webhooks",
        )
    },
    {"services": ("interview_core.services",)},
    {"api": ("interview_core.api",), "live": ("interview_core.live",)},
    {"wiring": ("interview_core.wiring",)},
    {
        "entry points": (
            "interview_core.api.auth",
            "interview_core.api.routes",
            "interview_core.api.full",
            "interview_core.live.lambda_handlers",
            "interview_core.workers",
        )
    },
    {"functions": ("functions",)},
]

# Arrows that run up today and must go; each names why it is still here. An entry that no longer matches
# an import fails the test too, so this list only shrinks.
ALLOWED: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Place:
    rank: int
    layer: str


@dataclass(frozen=True)
class Arrow:
    path: str
    line: int
    importer: str
    imported: str


def place(module: str) -> Place | None:
    best: tuple[int, Place] | None = None
    for rank, layer in enumerate(LAYERS):
        for name, prefixes in layer.items():
            for prefix in prefixes:
                # the bare package names only itself, not everything below it
                covers = module == prefix or (prefix != "interview_core" and module.startswith(prefix + "."))
                if covers and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), Place(rank, name))
    return best[1] if best else None


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent if PACKAGE in path.parents else ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def arrows(path: str, module: str, source: str, modules: set[str]) -> list[Arrow]:
    """Every interview_core module `source` imports; `from pkg import name` names pkg.name when it is a
    module of `modules`, else pkg."""
    package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source, path)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the importer's package, up level - 1
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        else:
            continue
        for target in dict.fromkeys(targets):
            if target == "interview_core" or target.startswith(("interview_core.", "functions.")):
                found.append(Arrow(path, node.lineno, module, target))
    return found


def problems(sources: dict[str, str], allowed: dict[tuple[str, str], str]) -> list[str]:
    """`sources`: path (relative to the repository) -> source. One line per arrow that runs up or across,
    per module the map does not place, and per allowance nothing needs."""
    modules = {module_name(ROOT / path): path for path in sources}
    out, used = [], set()
    for module, path in modules.items():
        here = place(module)
        if here is None:
            out.append(f"{path}: {module} is in no layer: add it to LAYERS (and docs/design.md, Layers)")
            continue
        for arrow in arrows(path, module, sources[path], set(modules)):
            there = place(arrow.imported)
            if there is None or there.rank < here.rank or there.layer == here.layer:
                continue
            if (arrow.importer, arrow.imported) in allowed:
                used.add((arrow.importer, arrow.imported))
                continue
            way = "across to" if there.rank == here.rank else "up to"
            out.append(
                f"{arrow.path}:{arrow.line}: {arrow.importer} ({here.layer}) imports {arrow.imported}, "
                f"{way} {there.layer}"
            )
    out += [f"allowance no longer needed: {a} -> {b}" for a, b in allowed.keys() - used]
    return out


def repository_sources() -> dict[str, str]:
    files = [*PACKAGE.rglob("*.py"), *(ROOT / "functions").glob("*/*.py")]
    return {str(p.relative_to(ROOT)): p.read_text() for p in files}


def test_no_import_runs_up_the_layers() -> None:
    found = problems(repository_sources(), ALLOWED)
    assert not found, "imports against the layers (docs/design.md, Layers):\n" + "\n".join(found)


def test_every_layer_names_modules_that_exist() -> None:
    modules = {module_name(ROOT / path) for path in repository_sources()}
    stale = [
        prefix
        for layer in LAYERS
        for prefixes in layer.values()
        for prefix in prefixes
        if not any(m == prefix or m.startswith(prefix + ".") for m in modules)
    ]
    assert not stale, f"layers name modules that are gone: {stale}"


def test_design_notes_show_the_same_map() -> None:
    notes = (ROOT / "docs/design.md").read_text().split("\n## Layers\n", 1)[1].split("\n## ", 1)[0]
    rows = [
        line.split(" | ")[:2] for line in notes.splitlines() if line.startswith("| ") and "---" not in line
    ]
    assert [name.strip("| ").replace("\\|", "|") for name, _ in rows[1:]] == [" | ".join(la) for la in LAYERS]
    for (_, modules), layer in zip(rows[1:], LAYERS, strict=True):
        for prefix in (p for prefixes in layer.values() for p in prefixes if p != "interview_core"):
            assert f"`{prefix.removeprefix('interview_core.')}" in modules, (prefix, modules)


# -- the check itself -------------------------------------------------------------------------------------


def _with(path: str, source: str) -> dict[str, str]:
    return {**repository_sources(), path: source}


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        pytest.param(
            "shared/interview_core/domain.py",
            "def later():\n    from interview_core.api.schemas import SessionResponse\n",
            "shared/interview_core/domain.py:2: interview_core.domain (domain) imports "
            "interview_core.api.schemas, up to api",
            id="a lazy import from the domain up to the API",
        ),
        pytest.param(
            "shared/interview_core/live/protocol.py",
            "from interview_core.api import schemas\n",
            "shared/interview_core/live/protocol.py:1: interview_core.live.protocol (live) imports "
            "interview_core.api.schemas, across to api",
            id="the live channel importing the API's models",
        ),
        pytest.param(
            "shared/interview_core/contracts.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..services import interview\n",
            "shared/interview_core/contracts.py:3: interview_core.contracts (contracts) imports "
            "interview_core.services.interview, up to services",
            id="a relative import for type checking",
        ),
        pytest.param(
            "shared/interview_core/store.py",
            "import interview_core.wiring\n",
            "shared/interview_core/store.py:1: interview_core.store (adapters) imports interview_core.wiring, "
            "up to wiring",
            id="an adapter importing the wiring",
        ),
        pytest.param(
            "shared/interview_core/reports.py",
            "",
            "shared/interview_core/reports.py: interview_core.reports is in no layer",
            id="a module the map does not place",
        ),
    ],
)
def test_an_import_against_the_layers_is_named(path: str, source: str, expected: str) -> None:
    found = [p for p in problems(_with(path, source), ALLOWED) if p.startswith(path)]
    assert len(found) == 1 and found[0].startswith(expected), found


def test_imports_down_and_within_a_layer_pass() -> None:
    source = (
        "from interview_core import text, wiring\n"
        "from interview_core.api.error_schemas import ErrorResponse\n"
        "from interview_core.live.channel import LiveChannel\n"
        "from interview_core.api.routes.health import router\n"
    )
    path = "shared/interview_core/api/routes/extra.py"
    assert [p for p in problems(_with(path, source), ALLOWED) if p.startswith(path)] == []


def test_an_allowance_nothing_needs_fails() -> None:
    stale = {**ALLOWED, ("interview_core.domain", "interview_core.api.schemas"): "fixed long ago"}
    assert "allowance no longer needed: interview_core.domain -> interview_core.api.schemas" in problems(
        repository_sources(), stale
    )
