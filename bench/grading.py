"""How well the offline grader agrees with people, and how fast it is.

    .venv/bin/python bench/grading.py            # in-process: agreement, gaming means, latency
    .venv/bin/python bench/grading.py --fit      # least-squares weights for grader.WEIGHTS / BIAS

The labelled set is bench/grading_data/reference_set.json (written for this project: questions with a
reference answer and key points, real answers graded 0-5, and gaming answers that deserve 0). Agreement is
Pearson and Spearman between the grader's 0-10 and the human grade; gaming kinds are reported as mean
scores next to the mean of strong answers (human grade 4.5 or more).
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fit", action="store_true", help="print least-squares weights instead")
    args = parser.parse_args()
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
