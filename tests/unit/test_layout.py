"""The deployment and the local app agree: same routes, same pinned dependencies, thin handlers."""

import ast
import re
import tomllib
from pathlib import Path

from infra import template as tpl
from interview_core.api.full import build
from tests.support.apigw import function_module

ROOT = Path(__file__).resolve().parents[2]


def _app_routes(app) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, ops in app.openapi()["paths"].items() for method in ops}


def test_template_routes_match_each_function_and_the_local_app() -> None:
    template_routes = tpl.http_routes(tpl.load())
    union: set[tuple[str, str]] = set()
    for code_uri, routes in template_routes.items():
        app = function_module(Path(code_uri).name).handler.app
        assert _app_routes(app) == routes, code_uri
        union |= routes
    local = _app_routes(build()) - {("GET", "/docs"), ("GET", "/redoc")}
    assert local == union


def test_every_function_folder_is_deployed() -> None:
    deployed = {
        Path(p["CodeUri"]).name for p in tpl.resources(tpl.load(), "AWS::Serverless::Function").values()
    }
    assert deployed == {p.name for p in (ROOT / "functions").iterdir() if (p / "app.py").exists()}


def test_handlers_are_thin() -> None:
    for app_py in (ROOT / "functions").glob("*/app.py"):
        tree = ast.parse(app_py.read_text())
        assert not [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)], app_py
        assert len(app_py.read_text().splitlines()) <= 8, app_py


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if m := re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)==([\w.]+)", line):
            pins[m.group(1).lower()] = m.group(2)
    return pins


def test_layer_requirements_match_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = _pins((ROOT / "shared/requirements.txt").read_text().splitlines())
    runtime_provided = {"boto3"}  # the Lambda runtime's SDK (see shared/requirements.txt)
    assert core == {k: v for k, v in _pins(project["dependencies"]).items() if k not in runtime_provided}
    for layer in ("llm", "audio", "livekit", "vision", "email", "grading", "document", "report", "webhooks"):
        pins = _pins((ROOT / f"infra/layers/{layer}/requirements.txt").read_text().splitlines())
        assert pins == _pins(project["optional-dependencies"][layer]), layer


def test_sample_events_exist_for_every_function() -> None:
    # HTTP routes and the others alike: the evaluation worker, the cleanup, the live channel, the code runner
    functions = tpl.resources(tpl.load(), "AWS::Serverless::Function").values()
    names = {Path(p["CodeUri"]).name for p in functions}
    assert {"evaluate_worker", "cleanup", "code_runner"} <= names - {
        Path(c).name for c in tpl.http_routes(tpl.load())
    }
    for name in names:
        assert (ROOT / "events" / f"{name}.json").exists(), name
