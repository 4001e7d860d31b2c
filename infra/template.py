"""Reads template.yaml (one source of truth for tables, queues, buckets and environment)."""

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """YAML loader that turns CloudFormation short tags (!Ref, !GetAtt, !Sub...) into their long form."""


def _intrinsic(loader: _CfnLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


def load(path: Path = TEMPLATE) -> dict[str, Any]:
    return yaml.load(path.read_text(), Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass


def resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r.get("Properties", {}) for name, r in template["Resources"].items() if r["Type"] == kind}


def http_routes(template: dict[str, Any]) -> dict[str, set[tuple[str, str]]]:
    """CodeUri of each function -> the (METHOD, path) pairs its HttpApi events serve."""
    routes: dict[str, set[tuple[str, str]]] = {}
    for props in resources(template, "AWS::Serverless::Function").values():
        for event in props.get("Events", {}).values():
            if event["Type"] == "HttpApi":
                p = event["Properties"]
                routes.setdefault(props["CodeUri"].rstrip("/"), set()).add((p["Method"].upper(), p["Path"]))
    return routes


def parameter_defaults(template: dict[str, Any]) -> dict[str, str]:
    return {name: str(p.get("Default", "")) for name, p in template.get("Parameters", {}).items()}
