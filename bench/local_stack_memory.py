"""Local stack memory under floods: proctoring events (60 calls x 50 events, 200-character details),
300 /text-to-speech calls and 300 /evaluate-answers calls of 20 pairs. Prints the stack's resident
memory (VmRSS) and its peak (VmHWM) before and after each phase, and the peak of the whole process tree
(the stack plus its espeak-ng children, PSS sampled every 0.1 s) during each phase. A 429 (the per-session
event cap) is counted, not an error.

    .venv/bin/python bench/local_stack_memory.py [--event-calls 60] [--tts 300] [--evaluations 300] [--workers 4]
"""

import argparse
import contextlib
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra.stack_process import local_stack_process  # noqa: E402

P = "/api/parallel_interview"
TYPES = ["tab_hidden", "window_blur", "paste", "fullscreen_exit", "no_face", "multiple_faces"]


def status_kb(pid: int) -> dict[str, int]:
    fields: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return fields


def pss_kb(pid: int) -> int:
    """Proportional set size: shared pages split between the processes sharing them, so a child just
    forked from the stack (before it execs espeak-ng) does not count the stack's memory twice."""
    with contextlib.suppress(FileNotFoundError, ProcessLookupError, PermissionError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def tree(pid: int) -> list[int]:
    """The process and its descendants (from /proc/<pid>/task/*/children)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                todo += [int(c) for c in (task / "children").read_text().split()]
    return out


def report(label: str, pid: int) -> dict[str, int]:
    main = status_kb(pid)
    children = [status_kb(c) for c in tree(pid)[1:]]
    child_rss = sum(c.get("VmRSS", 0) for c in children)
    print(
        f"{label:<34} RSS {main.get('VmRSS', 0) / 1024:7.1f} MB   peak (VmHWM) {main.get('VmHWM', 0) / 1024:7.1f} MB"
        f"   children {len(children)} ({child_rss / 1024:.1f} MB)",
        flush=True,
    )
    return main


class TreeSampler:
    """Samples the memory (PSS) of the whole process tree (the stack plus short-lived espeak-ng children)
    every 0.1 s while a phase runs; `peak` is the largest sum seen."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak = pid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            total = sum(pss_kb(p) for p in tree(self.pid))
            self.peak = max(self.peak, total)

    def __enter__(self) -> "TreeSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def flood(fn, n: int, workers: int) -> Counter:  # noqa: ANN001
    with ThreadPoolExecutor(workers) as pool:
        return Counter(pool.map(lambda i: fn(i), range(n)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--event-calls", type=int, default=60)
    parser.add_argument("--events", type=int, default=50, help="events per call (the API's maximum)")
    parser.add_argument("--tts", type=int, default=300)
    parser.add_argument("--evaluations", type=int, default=300)
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    with local_stack_process() as (base, proc), requests.Session() as http:
        http.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=args.workers))
        report("started", proc.pid)

        created = http.post(
            f"{base}{P}/create",
            json={"name": "Bench Candidate", "email": "bench@example.com", "questions": ["Q1?", "Q2?"]},
            timeout=30,
        )
        created.raise_for_status()
        sid = created.json()["session_id"]
        http.post(f"{base}{P}/session/{sid}/start", timeout=30).raise_for_status()

        def events(i: int) -> int:
            body = {
                "events": [
                    {"type": TYPES[(i + j) % len(TYPES)], "detail": (f"{i}-{j}-" + "x" * 200)[:200]}
                    for j in range(args.events)
                ]
            }
            return http.post(f"{base}/api/proctoring/{sid}/events", json=body, timeout=60).status_code

        def speech(i: int) -> int:
            text = (
                f"Question {i}: describe how a hash map handles collisions, and what its load factor means. "
                * 2
            )
            r = http.post(f"{base}/text-to-speech", json={"text": text}, timeout=120)
            return r.status_code

        pairs = [
            {
                "question": f"Question {k}: what is a closure in Python, and when would you use one?",
                "answer": "A closure is a function that remembers variables from the scope where it was "
                "defined, even after that scope has returned; decorators and callbacks use them. " * 3,
            }
            for k in range(args.pairs)
        ]

        def evaluate(_i: int) -> int:
            return http.post(f"{base}/evaluate-answers", json=pairs, timeout=120).status_code

        for name, fn, n in (
            (f"proctoring events {args.event_calls}x{args.events}", events, args.event_calls),
            (f"text-to-speech x{args.tts}", speech, args.tts),
            (f"evaluate-answers x{args.evaluations} ({args.pairs} pairs)", evaluate, args.evaluations),
        ):
            start = time.perf_counter()
            with TreeSampler(proc.pid) as sampler:
                codes = flood(fn, n, args.workers)
            seconds = time.perf_counter() - start
            print(
                f"  {name}: {dict(sorted(codes.items()))} in {seconds:.1f} s;"
                f" process tree peak (PSS) {sampler.peak / 1024:.1f} MB",
                flush=True,
            )
            unexpected = {c: k for c, k in codes.items() if c not in (200, 429)}
            if unexpected:
                raise SystemExit(f"{name}: unexpected statuses {unexpected}")
            report(f"after {name}", proc.pid)
        time.sleep(2)
        final = report("idle 2 s later", proc.pid)
        print(f"peak RSS of the local stack: {final.get('VmHWM', 0) / 1024:.1f} MB")


if __name__ == "__main__":
    main()
