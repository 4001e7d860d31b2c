"""Cold start of every HTTP function against the floor handler, measured in the same run.

Each sample is a fresh Python process that imports the function's handler and serves one API Gateway
event against the embedded AWS stand-in, as a Lambda cold start does. Runs are interleaved so machine
noise hits every function alike; compare the ratios.

    .venv/bin/python bench/cold_start.py [--runs 9]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra import aws_standin  # noqa: E402
from infra import template as tpl  # noqa: E402

SAMPLE_ID = "f47ac10b-58cc-4372-a567-0e02b2c3d479"
_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[1])
import app
t1 = time.perf_counter()
class Ctx:
    function_name = "bench"; function_version = "$LATEST"; memory_limit_in_mb = 512; aws_request_id = "bench"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    log_group_name = "/aws/lambda/bench"; log_stream_name = "bench"
    def get_remaining_time_in_millis(self): return 29000
result = app.handler(json.load(open(sys.argv[2])), Ctx())
t2 = time.perf_counter()
print(json.dumps({"import_ms": (t1 - t0) * 1000, "serve_ms": (t2 - t1) * 1000, "status": result.get("statusCode"),
                  "openai": "openai" in sys.modules}))
"""


def run_once(fn_dir: Path, event_file: Path, env: dict[str, str]) -> dict:
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(fn_dir), str(event_file)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = (time.perf_counter() - start) * 1000
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "wall_ms": wall}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    standin = aws_standin.start()
    env = {**os.environ, **standin.env, "LLM_PROVIDER": "offline", "POWERTOOLS_LOG_LEVEL": "WARNING"}
    env.pop("OPENAI_API_KEY", None)
    tmp = Path(tempfile.mkdtemp())

    # A real session, so that every sample event finds what it asks for.
    os.environ.update(env)
    from interview_core import wiring
    from interview_core.providers.offline import OfflineLanguageModel

    def new_session() -> str:
        return wiring.interview_service().start(OfflineLanguageModel(), "Python", "simple", 10).session_id

    # Real sessions, so every sample event finds what it asks for; delete_session gets a fresh one per run.
    shared = new_session()
    targets: dict[str, tuple[Path, list[Path]]] = {
        "floor": (ROOT / "bench" / "floor_handler", [ROOT / "events/health.json"] * args.runs)
    }
    for code_uri in sorted(tpl.http_routes(tpl.load())):
        name = Path(code_uri).name
        template = (ROOT / "events" / f"{name}.json").read_text()
        files = []
        for run in range(args.runs):
            # fresh sessions where the event changes one (an audio answer would add a recording to the shared one)
            sid = new_session() if name in ("delete_session", "audio_answer") else shared
            files.append(tmp / f"{name}-{run}.json")
            files[-1].write_text(template.replace(SAMPLE_ID, sid))
        targets[name] = (ROOT / code_uri, files)

    samples: dict[str, list[dict]] = {name: [] for name in targets}
    for run in range(args.runs):
        for name, (fn_dir, event_files) in targets.items():
            samples[name].append(run_once(fn_dir, event_files[run], env))
    standin.stop()

    def med(name: str, key: str) -> float:
        return statistics.median(s[key] for s in samples[name])

    floor_wall, floor_in = med("floor", "wall_ms"), med("floor", "import_ms") + med("floor", "serve_ms")
    print(f"cold start, median of {args.runs} fresh processes (offline providers)")
    print(
        f"{'function':<20}{'status':>7}{'process ms':>12}{'x floor':>9}{'import+serve ms':>17}{'x floor':>9}"
        f"{'openai':>8}"
    )
    for name in targets:
        wall = med(name, "wall_ms")
        inproc = med(name, "import_ms") + med(name, "serve_ms")
        print(
            f"{name:<20}{samples[name][0]['status']:>7}{wall:>12.0f}{wall / floor_wall:>9.2f}{inproc:>17.0f}"
            f"{inproc / floor_in:>9.2f}{str(any(s['openai'] for s in samples[name])):>8}"
        )
    # Speech functions load PyAV and, offline, a Whisper model or espeak-ng: their cost is the work itself.
    speech = {"audio_answer", "transcribe_audio", "text_to_speech"}
    worst = max(med(n, "wall_ms") / floor_wall for n in targets if n != "floor" and n not in speech)
    print(f"worst non-speech function / floor (process): {worst:.2f}x (target <= 1.25x)")


if __name__ == "__main__":
    main()
