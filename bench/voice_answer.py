"""A ~20 s spoken answer end to end: upload to POST /audio-answer/{id} until the next question arrives, on
the local stack (offline providers: faster-whisper transcribes), as wav and as webm (what Chromium
records). The first request loads the model and is shown on its own, outside the median. Then the peak
memory (max RSS) of the transcribe_audio handler serving that answer, in a fresh process, against a
process that only imports the handler.

    .venv/bin/python bench/voice_answer.py [--runs 5]
"""

import argparse
import itertools
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from infra.stack_process import clean_env, local_stack  # noqa: E402
from interview_core.audio import inspect  # noqa: E402
from tests.support.audio import concat, speech  # noqa: E402

ANSWER = [
    "A decorator is a function that takes another function and returns a new one that wraps it.",
    "I use decorators for cross cutting concerns like logging, caching and checking permissions.",
    "The wrapper should use functools wraps so the name and the docstring of the original survive.",
    "Decorators with arguments need one more level, a factory that returns the actual decorator.",
]
ANSWER_SECONDS = 20.0
CONTENT_TYPES = {"wav": "audio/wav", "webm": "audio/webm"}

# Lambda's way: load functions/transcribe_audio/app.py, then serve one API Gateway event (or not).
_CHILD = r"""
import importlib.util, sys
from tests.support.apigw import LambdaContext, Multipart, http_event
spec = importlib.util.spec_from_file_location("transcribe_audio_app", "functions/transcribe_audio/app.py")
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
body = Multipart.encode({"audio_file": ("answer.wav", open(sys.argv[1], "rb").read(), "audio/wav")})
event = http_event("POST", "/transcribe-audio", "/transcribe-audio", body)
if sys.argv[2] == "invoke":
    print("status", module.handler(event, LambdaContext(function_name="transcribe_audio"))["statusCode"])
"""
# RUSAGE_CHILDREN is the max over every child reaped so far; this process's already counts the local
# stack (which loads the model too), so each measurement gets a parent whose only child is the measured one.
_PEAK = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
    "print('maxrss_kib', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def answer_ms(base: str, fmt: str, data: bytes) -> float:
    sid = requests.post(f"{base}/start-interview", json={"topic": "Python", "num_questions": 3}, timeout=30)
    sid = sid.json()["session_id"]
    files = {"audio_file": (f"answer.{fmt}", data, CONTENT_TYPES[fmt])}
    t = time.perf_counter()
    r = requests.post(f"{base}/audio-answer/{sid}", files=files, timeout=300)
    ms = (time.perf_counter() - t) * 1000
    assert r.status_code == 200 and r.json().get("next_question"), (fmt, r.status_code, r.text[:500])
    return ms


def peak_rss_mib(wav: Path, mode: str) -> float:
    env = clean_env(
        LLM_PROVIDER="offline",
        STT_PROVIDER="offline",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="bench",  # boto3 builds clients at import; nothing is called
        AWS_SECRET_ACCESS_KEY="bench",
        POWERTOOLS_LOG_LEVEL="WARNING",
    )
    child = [sys.executable, "-c", _CHILD, str(wav), mode]
    out = subprocess.run(
        [sys.executable, "-c", _PEAK, *child], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    fields = dict(
        line.split(" ", 1) for line in out.splitlines() if line.startswith(("status ", "maxrss_kib "))
    )
    assert mode != "invoke" or fields.get("status") == "200", out[-2000:]
    return int(fields["maxrss_kib"]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5, help="timed answers per format (after one warm-up)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(args.runs, Path(tmp))


def run(runs: int, tmp: Path) -> None:
    parts, seconds = [], 0.0
    for i in itertools.count():  # as many sentences as come closest to the target length
        part = speech(ANSWER[i % len(ANSWER)], "wav")
        step = inspect(part, 600).duration_seconds + 0.7  # concat pads every part with the gap
        if abs(seconds + step - ANSWER_SECONDS) > abs(seconds - ANSWER_SECONDS):
            break
        parts.append(part)
        seconds += step
    wav = tmp / "answer.wav"
    wav.write_bytes(concat(parts, gap_seconds=0.7))
    webm = tmp / "answer.webm"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), "-c:a", "libopus", "-b:a", "32k", str(webm)],
        check=True,
        timeout=60,
    )
    audio = {fmt: path.read_bytes() for fmt, path in (("wav", wav), ("webm", webm))}
    duration = {fmt: inspect(data, 600).duration_seconds for fmt, data in audio.items()}

    with local_stack() as base:
        first = answer_ms(base, "wav", audio["wav"])
        samples: dict[str, list[float]] = {fmt: [] for fmt in audio}
        for _ in range(runs):  # interleaved, so machine noise hits both formats alike
            for fmt, data in audio.items():
                samples[fmt].append(answer_ms(base, fmt, data))

    print(f"upload to next question, POST /audio-answer on the local stack, {runs} runs per format")
    print(f"{'format':<7}{'KB':>6}{'audio s':>9}{'median ms':>11}{'p90 ms':>9}{'x audio':>9}")
    for fmt, ms in samples.items():
        med = statistics.median(ms)
        p90 = statistics.quantiles(ms, n=10, method="inclusive")[-1] if len(ms) > 1 else ms[0]
        print(
            f"{fmt:<7}{len(audio[fmt]) / 1024:>6.0f}{duration[fmt]:>9.1f}{med:>11.0f}{p90:>9.0f}"
            f"{med / 1000 / duration[fmt]:>9.3f}"
        )
    print(f"first request (model load), wav: {first:.0f} ms")

    baseline, served = peak_rss_mib(wav, "import"), peak_rss_mib(wav, "invoke")
    print(f"\npeak RSS of the transcribe_audio handler, fresh process ({duration['wav']:.1f} s wav)")
    print(f"  import only          {baseline:>7.1f} MiB")
    print(f"  serve the answer     {served:>7.1f} MiB  (+{served - baseline:.1f} MiB)")


if __name__ == "__main__":
    main()
