"""A class at once: N candidates (default 50) take whole practice interviews concurrently on the local stack
over HTTP, thinking between answers as people do, then poll for their reports. One candidate alone is
measured first in the same run, so the figures compare load with idle on the same machine at the same time.

    .venv/bin/python bench/load.py [--candidates 50] [--questions 5] [--think 3] [--idle-answers 40]
                                   [--poll SECONDS] [--timeout 30] [--deadline 600] [--seed 1]

Each candidate: POST /start-interview, then per question a think time drawn uniformly from 0.5x to 1.5x
--think seconds and POST /submit-answer with a realistic answer (a few sentences); after the last answer it
polls GET /api/reports/{id} until the report is there, waiting the 202's Retry-After (1 s) between polls as
the web app does (--poll sets another interval), so a report's time is what a candidate waits, to within a
poll. Candidates arrive spread over one think time. Every request has a timeout (--timeout) and the whole
run a deadline (--deadline): what is unfinished then counts as an error. The idle figure is one candidate
answering back to back (its reports awaited) before the class starts. Target (issue 17): with 50
candidates, submit-answer p99 at most 5x the idle p50, no error, every report within 10 s of the
candidate's last answer.
"""

import argparse
import math
import random
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra.stack_process import local_stack  # noqa: E402

TOPICS = ["Python", "System Design", "SQL", "JavaScript", "Data Structures"]
DIFFICULTIES = ["simple", "medium", "hard"]
ANSWERS = [
    "A hash map stores key-value pairs in an array of buckets chosen by hashing the key, so lookups, "
    "inserts and deletes take constant time on average. Collisions are handled by chaining or open "
    "addressing, and the table is resized when the load factor grows too high, which keeps chains short.",
    "I would put a load balancer in front of stateless application servers, keep sessions in a shared "
    "store such as Redis, and scale the servers horizontally. The database gets read replicas for the read "
    "traffic, and a cache in front of it for hot keys, with a TTL so stale data ages out.",
    "An index is a separate sorted structure, usually a B-tree, that lets the database find rows without "
    "scanning the whole table. It speeds up reads on the indexed columns but costs space and slows down "
    "writes, because every insert or update has to maintain the index as well.",
    "A closure is a function that keeps access to the variables of the scope where it was defined, even "
    "after that scope has returned. In JavaScript it is how you get private state, for example a counter "
    "function returned from a factory that increments a variable nobody else can touch.",
    "Python's GIL lets only one thread run Python bytecode at a time, so threads help with I/O-bound work "
    "but not with CPU-bound work. For CPU-bound tasks I would use multiprocessing or a native extension "
    "that releases the lock, and for many concurrent connections asyncio.",
    "I would start by clarifying the requirements and the expected traffic, then sketch the API and the "
    "data model. After that I would look at the bottlenecks: which reads can be cached, which writes need "
    "to be consistent, and where a queue can absorb bursts so the system degrades gracefully.",
    "A transaction groups several operations so that they all succeed or none do. Isolation levels decide "
    "what concurrent transactions can see of each other: read committed avoids dirty reads, repeatable "
    "read also avoids non-repeatable reads, and serializable behaves as if they ran one after another.",
    "Big O notation describes how the running time or memory of an algorithm grows with the input size. "
    "Binary search is O(log n) because it halves the range each step, while a nested loop over the same "
    "list is O(n squared), which matters a lot once the input reaches millions of elements.",
]


class Deadline(Exception):
    """The run's deadline passed before this candidate finished."""


@dataclass
class Outcome:
    submit_ms: list[float] = field(default_factory=list)
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    report_s: float | None = None  # from the last answer's response to the report


@dataclass
class Run:
    base: str
    timeout: float
    deadline: float  # time.monotonic() by which everything stops
    poll: float | None  # seconds between report polls; None: the 202's Retry-After, as the web app waits

    def call(
        self, http: requests.Session, out: Outcome, method: str, path: str, **kwargs
    ) -> requests.Response:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Deadline
        out.requests += 1
        return http.request(method, self.base + path, timeout=min(self.timeout, left), **kwargs)

    def sleep(self, seconds: float) -> None:
        if time.monotonic() + seconds > self.deadline:
            raise Deadline
        time.sleep(seconds)

    def interview(self, rng: random.Random, questions: int, think: float, arrive: float = 0.0) -> Outcome:
        """One candidate's whole interview; `think` is the mean think time before each answer."""
        out = Outcome()
        with requests.Session() as http:  # a browser keeps its connection alive
            try:
                self.sleep(arrive)
                body = {"topic": rng.choice(TOPICS), "difficulty": rng.choice(DIFFICULTIES)}
                r = self.call(
                    http, out, "POST", "/start-interview", json={**body, "num_questions": questions}
                )
                if r.status_code != 200:
                    raise RuntimeError(f"start-interview {r.status_code}: {r.text[:200]}")
                sid = r.json()["session_id"]
                for n in range(1, questions + 1):
                    self.sleep(rng.uniform(0.5, 1.5) * think)
                    answer = {"session_id": sid, "answer": rng.choice(ANSWERS), "question_number": n}
                    t = time.perf_counter()
                    r = self.call(http, out, "POST", "/submit-answer", json=answer)
                    elapsed = (time.perf_counter() - t) * 1000
                    if r.status_code != 200:
                        raise RuntimeError(f"submit-answer {r.status_code}: {r.text[:200]}")
                    out.submit_ms.append(elapsed)
                answered = time.monotonic()
                while (r := self.call(http, out, "GET", f"/api/reports/{sid}")).status_code == 202:
                    self.sleep(self.poll or float(r.headers.get("Retry-After", 1)))
                if r.status_code != 200:
                    raise RuntimeError(f"report {r.status_code}: {r.text[:200]}")
                out.report_s = time.monotonic() - answered
            except Deadline:
                out.errors.append("deadline reached before the interview finished")
            except (requests.RequestException, RuntimeError, KeyError, ValueError) as e:
                out.errors.append(f"{type(e).__name__}: {e}")
        return out


def quantile(xs: list[float], q: int) -> float:
    """The q-th percentile (inclusive method: within the samples, also for few of them)."""
    return statistics.quantiles(xs, n=100, method="inclusive")[q - 1] if len(xs) > 1 else xs[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=50, help="concurrent candidates (default 50)")
    parser.add_argument("--questions", type=int, default=5, help="questions per interview, 1-10 (default 5)")
    parser.add_argument(
        "--think",
        type=float,
        default=3.0,
        help="mean think time before each answer in seconds, drawn from 0.5x-1.5x (default 3)",
    )
    parser.add_argument("--idle-answers", type=int, default=40, help="answers timed with one candidate alone")
    parser.add_argument(
        "--poll",
        type=float,
        help="seconds between report polls (default: the 202's Retry-After, as the web app)",
    )
    parser.add_argument(
        "--timeout", type=float, default=30, help="per-request timeout in seconds (default 30)"
    )
    parser.add_argument("--deadline", type=float, default=600, help="the whole run's limit in seconds")
    parser.add_argument("--seed", type=int, default=1, help="seeds topics, answers and think times")
    args = parser.parse_args()
    if not 1 <= args.questions <= 10 or not 1 <= args.candidates <= 500:
        parser.error("--questions must be 1-10 and --candidates 1-500")

    with local_stack() as base:
        run = Run(base, args.timeout, time.monotonic() + args.deadline, args.poll)
        rng = random.Random(args.seed)
        warm = run.interview(rng, 1, think=0)  # first requests import and build what later ones reuse
        if warm.errors:
            sys.exit(f"warm-up interview failed: {warm.errors[0]}")

        # idle: one candidate answering back to back, reports awaited, so nothing else runs meanwhile
        idle = [
            run.interview(rng, args.questions, think=0)
            for _ in range(math.ceil(args.idle_answers / args.questions))
        ]
        idle_ms = [ms for o in idle for ms in o.submit_ms]
        idle_errors = [e for o in idle for e in o.errors]
        if idle_errors or not idle_ms:
            sys.exit(f"idle phase failed: {idle_errors[:1]}")
        idle_p50 = statistics.median(idle_ms)

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=args.candidates, thread_name_prefix="candidate") as pool:
            futures = [
                pool.submit(
                    run.interview,
                    random.Random(args.seed * 1000 + i),
                    args.questions,
                    args.think,
                    rng.uniform(0, args.think),  # a class does not arrive in the same millisecond
                )
                for i in range(args.candidates)
            ]
            load = [f.result() for f in futures]
        took = time.monotonic() - started

    load_ms = [ms for o in load for ms in o.submit_ms]
    errors = [e for o in load for e in o.errors]
    reports = [o.report_s for o in load if o.report_s is not None]
    print(
        f"load: {args.candidates} candidates x {args.questions} answers over HTTP, think time "
        f"{0.5 * args.think:.1f}-{1.5 * args.think:.1f} s (--think {args.think:g}), report polled every "
        f"{f'{args.poll:g} s' if args.poll else 'Retry-After'}; {took:.1f} s"
    )
    print(f"  submit-answer idle  p50 {idle_p50:7.1f} ms  (1 candidate, {len(idle_ms)} answers)")
    if load_ms:
        p50, p99 = statistics.median(load_ms), quantile(load_ms, 99)
        print(f"  submit-answer load  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  ({len(load_ms)} answers)")
        print(f"  p99 / idle p50      {p99 / idle_p50:.2f}x  (target <= 5x)")
    print(f"  errors              {len(errors)} of {sum(o.requests for o in load)} requests  (target 0)")
    for e in sorted(set(errors))[:5]:
        print(f"    {errors.count(e)} x {e}")
    if reports:
        print(
            f"  last answer -> report  p50 {statistics.median(reports):.2f} s  max {max(reports):.2f} s  "
            f"({len(reports)} of {args.candidates} reports; target every one <= 10 s)"
        )
    idle_reports = [o.report_s for o in idle if o.report_s is not None]
    print(f"  (idle: last answer -> report p50 {statistics.median(idle_reports):.2f} s)")


if __name__ == "__main__":
    main()
