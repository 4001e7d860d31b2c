"""Init of the functions as `sam build` ships them: read-only code, with and without compiled files.

A Lambda layer is read-only, so Python cannot write the .pyc files it compiles: whatever a layer does not
ship compiled is compiled again by every cold start. infra/layers/Makefile ships the core, LLM, LiveKit
and email layers compiled. This builds the template (or takes --build-dir), then imports each function
the way Lambda loads it (its folder, its layers, the runtime's boto3; -I -S -B, so nothing is written),
once as built and once with the compiled files removed, interleaved, and prints the median CPU time.

    .venv/bin/python bench/built_init.py [--runs 5] [--only get_session,recruiter_create] [--build-dir DIR]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra import template as tpl  # noqa: E402

_CHILD = r"""
import json, sys, time
c = time.process_time()
sys.path[:0] = json.loads(sys.argv[1])
import app
print(json.dumps({"cpu_ms": (time.process_time() - c) * 1000}))
"""
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")


def runtime_dir(tmp: Path) -> Path:
    """Stands in for /var/runtime: boto3 and its dependencies, which the Lambda runtime provides."""
    import importlib

    runtime = tmp / "var-runtime"
    runtime.mkdir()
    for name in RUNTIME_PACKAGES:
        source = Path(importlib.import_module(name).__file__ or name)  # packages here all have a file
        source = source.parent if source.name == "__init__.py" else source
        (runtime / source.name).symlink_to(source)
    return runtime


def init_cpu_ms(paths: list[str]) -> float:
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c", _CHILD, json.dumps(paths)],
        env={"PATH": os.environ["PATH"], "AWS_DEFAULT_REGION": "us-east-1"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["cpu_ms"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--only", metavar="F1,F2", default="get_session,submit_answer,recruiter_create,job_list"
    )
    parser.add_argument("--build-dir", type=Path, help="an existing `sam build` output (default: build now)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp())
    built = args.build_dir
    if built is None:
        built = tmp / "build"
        sam = ROOT / ".venv-sam" / "bin" / "sam"
        subprocess.run(
            [str(sam), "build", "--build-dir", str(built)],
            cwd=ROOT,
            # sam build without Docker runs the runtime's python3.13: this interpreter's
            env={
                **os.environ,
                "SAM_CLI_TELEMETRY": "0",
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            },
            check=True,
            capture_output=True,
        )
    uncompiled = tmp / "uncompiled"
    shutil.copytree(built, uncompiled, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    runtime = runtime_dir(tmp)

    template = tpl.load()  # the source names each function's folder; the built one only its logical id
    global_layers = template["Globals"]["Function"]["Layers"]
    wanted = set(args.only.split(","))
    targets = {}
    for logical_id, props in tpl.resources(template, "AWS::Serverless::Function").items():
        name = Path(props["CodeUri"]).name
        if name in wanted:
            layers = [ref["Ref"] for ref in [*global_layers, *props.get("Layers", [])]]
            targets[name] = (logical_id, layers)

    def paths(base: Path, logical_id: str, layers: list[str]) -> list[str]:
        return [str(base / logical_id), *(str(base / layer / "python") for layer in layers), str(runtime)]

    samples: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.runs):
        for name, (logical_id, layers) in targets.items():
            for kind, base in (("compiled", built), ("uncompiled", uncompiled)):
                samples.setdefault((name, kind), []).append(init_cpu_ms(paths(base, logical_id, layers)))

    print(f"init CPU of the built functions (import of app.py), median of {args.runs}")
    print(f"{'function':<24}{'compiled ms':>13}{'without .pyc ms':>17}{'saved':>8}")
    for name in targets:
        compiled = statistics.median(samples[(name, "compiled")])
        plain = statistics.median(samples[(name, "uncompiled")])
        print(f"{name:<24}{compiled:>13.0f}{plain:>17.0f}{1 - compiled / plain:>8.0%}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
