"""What a deployed function can import: the Lambda runtime's boto3, the core layer and its own layers.

One local virtualenv holds every layer, the local stack and the tests. A cold start measured there
would load packages a deployed function does not have (FastAPI imports email_validator whenever it
can), and a function importing a package of a layer it lacks would pass here and fail in Lambda. The
cold-start bench and the import-allowance test run each function with everything else hidden.

Only the standard library is imported at module level: `hide` runs first in a measured process.
"""

import importlib.abc
import sys
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ("boto3",)  # the python3.x Lambda runtimes ship boto3 (and with it botocore and s3transfer)
PROJECT = "mock-interview-api"  # interview_core itself, in the core layer


class _Hidden(importlib.abc.MetaPathFinder):
    def __init__(self, modules: set[str]) -> None:
        self.modules = modules

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name.partition(".")[0] in self.modules:
            raise ModuleNotFoundError(
                f"No module named {name!r} (not deployed with this function)", name=name
            )


def hide(modules: list[str]) -> None:
    """Make `modules` (top-level names) unimportable in this process, as if they were not installed."""
    sys.meta_path.insert(0, _Hidden(set(modules)))


def _requirements(path: Path) -> list[str]:
    lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


@cache
def _installed() -> dict[str, Any]:
    import importlib.metadata as md

    return {_canonical(d.metadata["Name"]): d for d in md.distributions()}


def _closure(requirements: list[str]) -> set[str]:
    """The distributions `requirements` install, with their dependencies (no extras)."""
    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        name = _canonical(req.name)
        if name in seen or (req.marker and not req.marker.evaluate({"extra": ""})):
            continue
        seen.add(name)
        if dist := _installed().get(name):
            todo.extend(Requirement(r) for r in dist.requires or [])
    return seen


def hidden_modules(requirements: list[str]) -> list[str]:
    """Top-level modules of the local virtualenv that a deployment of `requirements` would not have."""
    import importlib.metadata as md

    deployed = _closure([*requirements, *RUNTIME]) | {PROJECT}
    owners = md.packages_distributions()  # top-level module -> the distributions that install it
    return sorted(
        module
        for module, dists in owners.items()
        if module.isidentifier() and not any(_canonical(d) in deployed for d in dists)
    )


def function_requirements(code_uri: str) -> list[str]:
    """What template.yaml deploys with the function at `code_uri`: the global layers and its own."""
    from infra import template as tpl

    template = tpl.load()
    # every requirements file the layer's build installs (GradingLayer's model has one of its own)
    layers = {
        name: sorted((ROOT / props["ContentUri"]).glob("*requirements.txt"))
        for name, props in tpl.resources(template, "AWS::Serverless::LayerVersion").items()
    }
    function = next(
        props
        for props in tpl.resources(template, "AWS::Serverless::Function").values()
        if props["CodeUri"].rstrip("/") == code_uri.rstrip("/")
    )
    refs = [*template["Globals"]["Function"].get("Layers", []), *function.get("Layers", [])]
    return [req for ref in refs for path in layers[ref["Ref"]] for req in _requirements(path)]
