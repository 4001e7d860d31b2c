"""How well the offline grader agrees with people, and how fast it is.

    .venv/bin/python bench/grading.py                 # through the local stack's POST /evaluate-answers
    .venv/bin/python bench/grading.py --cold-runs 5   # as above, five fresh-process cold starts
    .venv/bin/python bench/grading.py --in-process    # the grader alone: agreement, gaming means, latency
    .venv/bin/python bench/grading.py --fit           # least-squares weights for grader.WEIGHTS / BIAS
    .venv/bin/python bench/grading.py --longest       # the largest answer against the largest rubric

The labelled sets (bench/grading_data, written for this project): reference_set.json, questions with a
reference answer and key points, real answers graded 0-5, and gaming answers that deserve 0; bank_set.json,
questions of the offline question bank, sent with their text alone (the server grades them against the
bank's key points), with answers at five quality levels, a negated and a keyword-list answer each.

By default the local stack (infra/stack_process.py: a free port, offline AI, no keys) is started and each
answer is POSTed to /evaluate-answers in its own request, as a client would, with the question's
reference answer and key points when it has them. Printed: Pearson and Spearman of the scores against the
labels (each set and both), the mean score per gaming kind next to the mean of strong answers (grade 4.5
or more), and latency per answer: warm p50/p90 over the requests, cold as the first request after the
stack is up (the model loads) and as a fresh `python` process invoking the evaluate_answers Lambda
handler with an API Gateway event up to the graded answer (median of --cold-runs). Targets (issue 13):
Pearson >= 0.55, every gaming mean <= 2/10, strong mean >= 6/10, warm p50 <= 50 ms.
"""

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "shared"))

from interview_core.grading import grader as grading  # noqa: E402
from interview_core.grading.encoder import Encoder  # noqa: E402

DATA = ROOT / "bench" / "grading_data" / "reference_set.json"
BANK = ROOT / "bench" / "grading_data" / "bank_set.json"
STRONG = 4.5


def rubric(q: dict[str, Any], with_reference: bool = True) -> grading.Rubric:
    return grading.Rubric(
        question=q["question"],
        reference_answer=q["reference_answer"] if with_reference else None,
        key_points=tuple(q["key_points"]),
    )


def ranks(values: np.ndarray) -> np.ndarray:
    order = values.argsort(kind="stable")
    out = np.empty(len(values))
    out[order] = np.arange(len(values))
    for v in np.unique(values):  # ties share their mean rank
        tied = values == v
        out[tied] = out[tied].mean()
    return out


def pearson(a: Sequence[float], b: Sequence[float]) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    return pearson(list(ranks(np.array(a))), list(ranks(np.array(b))))


def load() -> list[dict[str, Any]]:
    return list(json.loads(DATA.read_text())["questions"])


def _non_negative(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least squares, dropping the most negative weight until none is left (the last column: the bias)."""
    active = list(range(x.shape[1]))
    while True:
        w, *_ = np.linalg.lstsq(x[:, active], y, rcond=None)
        negative = [(v, a) for a, v in zip(active, w, strict=True) if v < 0 and a != x.shape[1] - 1]
        if not negative:
            break
        active.remove(min(negative)[1])
    full = np.zeros(x.shape[1])
    full[active] = w
    return full


def fit(questions: list[dict[str, Any]], grader: grading.Grader) -> None:
    rows, targets = [], []
    for q in questions:
        for a in q["answers"]:
            if a["kind"] != "real":
                continue
            grade = grader._judge(rubric(q), a["text"])
            rows.append([grade.features[k] for k in grading.WEIGHTS] + [1.0])
            targets.append(2 * a["grade"])
    x, y = np.array(rows), np.array(targets)
    w = _non_negative(x, y)
    fitted = x @ w
    stretch = y.std() / fitted.std()  # least squares shrinks towards the mean: spread as people grade
    weights = w * stretch
    weights[-1] += y.mean() - stretch * fitted.mean()
    print(f"fitted on {len(y)} real answers (pearson in sample {pearson(list(fitted), list(y)):.3f}):")
    print(
        "WEIGHTS = {"
        + ", ".join(f'"{k}": {v:.3f}' for k, v in zip(grading.WEIGHTS, weights, strict=False))
        + "}"
    )
    print(f"BIAS = {weights[-1]:.3f}")


def evaluate(questions: list[dict[str, Any]], grader: grading.Grader, with_reference: bool) -> None:
    human, machine, strong = [], [], []
    gaming: dict[str, list[int]] = {}
    latencies = []
    for q in questions:
        for a in q["answers"]:
            start = time.perf_counter()
            grade = grader.grade(rubric(q, with_reference), a["text"])
            latencies.append((time.perf_counter() - start) * 1000)
            score = grade.score or 0
            if a["kind"] == "real":
                human.append(a["grade"])
                machine.append(score)
                if a["grade"] >= STRONG:
                    strong.append(score)
            else:
                gaming.setdefault(a["kind"], []).append(score)
    label = "with reference answers" if with_reference else "key points only"
    print(f"\n{label}: {len(human)} real answers")
    print(f"  pearson  {pearson(human, machine):.3f}")
    print(f"  spearman {spearman(human, machine):.3f}")
    print(f"  strong answers (human >= {STRONG}): mean {statistics.mean(strong):.2f}/10 (n={len(strong)})")
    for kind, scores in sorted(gaming.items()):
        print(f"  gaming {kind:20s} mean {statistics.mean(scores):.2f}/10 (n={len(scores)})")
    latencies_first = latencies[0]
    latencies.sort()
    # Warm: the model loaded; each answer is new, its question's reference embedded on first use.
    print(
        f"  latency per answer, warm: p50 {latencies[len(latencies) // 2]:.1f} ms, "
        f"p90 {latencies[int(len(latencies) * 0.9)]:.1f} ms, first answer {latencies_first:.1f} ms"
    )


def items() -> list[dict[str, Any]]:
    """Every labelled answer as the request item a client sends, with its set, kind and grade."""
    out = []
    for q in load():
        for a in q["answers"]:
            body = {
                "question": q["question"],
                "answer": a["text"],
                "reference_answer": q["reference_answer"],
                "key_points": q["key_points"],
            }
            out.append({"set": "reference", "kind": a["kind"], "grade": a["grade"], "body": body})
    for q in json.loads(BANK.read_text())["questions"]:
        for a in q["answers"]:  # the bank's question text alone: the server knows its key points
            body = {"question": q["question"], "answer": a["text"]}
            out.append({"set": "bank", "kind": a["kind"], "grade": a["grade"], "body": body})
    return out


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


_COLD_CHILD = r"""
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
import app
class Ctx:
    function_name = "bench"; function_version = "$LATEST"; memory_limit_in_mb = 1024; aws_request_id = "bench"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    log_group_name = "/aws/lambda/bench"; log_stream_name = "bench"
    def get_remaining_time_in_millis(self): return 29000
result = app.handler(json.load(open(sys.argv[2])), Ctx())
body = json.loads(result["body"])
print(json.dumps({"status": result["statusCode"], "score": body["evaluations"][0]["score"],
                  "provider": body.get("provider")}), flush=True)
os._exit(0)  # a Lambda sandbox is frozen or discarded, never finalized: no interpreter teardown
"""


def cold_process(item: dict[str, Any], runs: int) -> list[float]:
    """Milliseconds from a fresh process's start to its graded answer, the handler serving one API Gateway
    event (events/evaluate_answers.json with this item as its body) against the AWS stand-in."""
    import os
    import subprocess
    import tempfile

    sys.path.insert(0, str(ROOT))
    from infra import aws_standin
    from infra.stack_process import clean_env

    standin = aws_standin.start()
    env = clean_env(**{**standin.env, "LLM_PROVIDER": "offline", "POWERTOOLS_LOG_LEVEL": "WARNING"})
    event = json.loads((ROOT / "events" / "evaluate_answers.json").read_text())
    event["body"] = json.dumps([item["body"]])
    event["headers"]["content-length"] = str(len(event["body"].encode()))
    times = []
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        json.dump(event, f)
        f.flush()
        for _ in range(runs):
            start = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", _COLD_CHILD, str(ROOT / "functions" / "evaluate_answers"), f.name],
                env=env,
                capture_output=True,
                text=True,
                check=True,
                cwd=os.getcwd(),
            )
            times.append((time.perf_counter() - start) * 1000)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            if result["status"] != 200 or result["score"] is None:
                raise RuntimeError(f"the cold handler did not grade the answer: {result}")
    return times


def through_stack(cold_runs: int) -> None:
    import requests

    sys.path.insert(0, str(ROOT))
    from infra.stack_process import local_stack

    labelled = items()
    scores: list[int | None] = []
    latencies: list[float] = []
    with local_stack() as base, requests.Session() as http:
        print(f"local stack at {base}; {len(labelled)} answers, one request each")
        for item in labelled:
            start = time.perf_counter()
            r = http.post(f"{base}/evaluate-answers", json=[item["body"]], timeout=60)
            latencies.append((time.perf_counter() - start) * 1000)
            r.raise_for_status()
            evaluation = r.json()["evaluations"][0]
            scores.append(evaluation["score"])
            item["detected"] = evaluation.get("detected", [])
        provider = r.json().get("provider")
    first, warm = latencies[0], latencies[1:]
    unscored = sum(s is None for s in scores)
    print(f"provider {provider}; {unscored} answers left for review (score null, counted as 0)")

    rows = []
    for name, chosen in (("reference", {"reference"}), ("bank", {"bank"}), ("both", {"reference", "bank"})):
        real = [
            (i["grade"], s or 0)
            for i, s in zip(labelled, scores, strict=True)
            if i["set"] in chosen and i["kind"] == "real"
        ]
        strong = [s for g, s in real if g >= STRONG]
        human, machine = [g for g, _ in real], [s for _, s in real]
        gaming: dict[str, list[int]] = {}
        for i, s in zip(labelled, scores, strict=True):
            if i["set"] in chosen and i["kind"] != "real":
                gaming.setdefault(i["kind"], []).append(s or 0)
        rows.append(
            (
                name,
                len(real),
                pearson(human, machine),
                spearman(human, machine),
                statistics.mean(strong),
                {k: statistics.mean(v) for k, v in gaming.items()},
            )
        )
    kinds = sorted({k for *_, g in rows for k in g})
    print("\nset        n   pearson spearman strong  " + " ".join(f"{k[:12]:>12s}" for k in kinds))
    for name, n, p, sp, strong_mean, gaming_means in rows:
        cells = " ".join(f"{gaming_means[k]:12.2f}" if k in gaming_means else f"{'-':>12s}" for k in kinds)
        print(f"{name:9s} {n:4d}  {p:7.3f} {sp:8.3f} {strong_mean:6.2f}  {cells}")
    print("(scores 0-10; gaming and strong columns are means; labels 0-5)")
    print(
        f"\nlatency per answer (HTTP, one answer per request): warm p50 {_pct(warm, 0.5):.1f} ms, "
        f"p90 {_pct(warm, 0.9):.1f} ms (n={len(warm)}); cold, first request after start {first:.0f} ms"
    )
    if cold_runs:
        cold = cold_process(labelled[0], cold_runs)
        print(
            f"cold, fresh process to graded answer (Lambda handler, API Gateway event): median "
            f"{statistics.median(cold):.0f} ms over {len(cold)} runs "
            f"({', '.join(f'{c:.0f}' for c in cold)})"
        )


def longest(runs: int = 3) -> None:
    """The most a single answer can cost: the longest answer the API takes against the longest rubric, in
    prose of short sentences (every sentence and clause is embedded), each run with a cold cache."""
    from interview_core.domain import (
        MAX_ANSWER_CHARS,
        MAX_KEY_POINT_CHARS,
        MAX_KEY_POINTS,
        MAX_REFERENCE_CHARS,
    )

    terms = "index query table row join cache lock queue thread tree graph node hash key value".split()  # noqa: SIM905

    def prose(chars: int, seed: int) -> str:
        out: list[str] = []
        i = seed
        while sum(len(s) + 1 for s in out) < chars:
            out.append(" ".join(terms[(i + k * 7) % len(terms)] for k in range(9)).capitalize() + ".")
            i += 3
        return " ".join(out)[:chars]

    rubric = grading.Rubric(
        question=prose(2000, 1),
        reference_answer=prose(MAX_REFERENCE_CHARS, 2),
        key_points=tuple(prose(MAX_KEY_POINT_CHARS, 3 + k) for k in range(MAX_KEY_POINTS)),
    )
    seconds = []
    for run in range(runs):
        grader = grading.Grader(Encoder())
        start = time.perf_counter()
        grader.grade(rubric, prose(MAX_ANSWER_CHARS, 100 + run))
        seconds.append(time.perf_counter() - start)
    print(
        f"longest answer against the longest rubric: median {statistics.median(seconds):.2f} s ({runs} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fit", action="store_true", help="print least-squares weights instead")
    parser.add_argument("--in-process", action="store_true", help="grade in this process, no stack")
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh-process cold starts (0: none)")
    parser.add_argument("--longest", action="store_true", help="the cost of the largest answer and rubric")
    args = parser.parse_args()
    if args.longest:
        longest()
        return
    if not (args.fit or args.in_process):
        through_stack(args.cold_runs)
        return
    questions = load()
    for with_reference in (True, False) if not args.fit else (True,):
        # A fresh encoder per pass: the second must not find the first's embeddings in the cache.
        start = time.perf_counter()
        grader = grading.Grader(Encoder())
        print(f"\nencoder loaded in {time.perf_counter() - start:.2f} s (cold start of the model)")
        if args.fit:
            fit(questions, grader)
            return
        evaluate(questions, grader, with_reference)


if __name__ == "__main__":
    main()
