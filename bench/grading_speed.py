"""What grading an answer costs the offline grader, in a fresh process as a cold worker has it: the bank's
rubrics embedded ahead of time (interview_grading_data/rubric_vectors.npz) or on the spot, with one BLAS thread
(OPENBLAS_NUM_THREADS=1, as the template sets) or OpenBLAS's default pool.

    .venv/bin/python bench/grading_speed.py [--questions 30] [--runs 2]

Each configuration runs in its own process (OpenBLAS reads its thread count when it loads). It grades one
answer to each of --questions bank questions it has not seen (the first answer a question gets in a
process), alone and then as the worker does, a session's answers at once on MAX_PARALLEL_SCORING threads,
and prints milliseconds per answer (the median alone; wall time over answers at once), best of --runs.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json, sys, time
from concurrent.futures import ThreadPoolExecutor
from interview_core.grading.encoder import Encoder, known_vectors
from interview_core.grading.grader import Grader
from interview_core.providers.offline import bank_questions, rubric_of
from interview_core.services.evaluation import MAX_PARALLEL_SCORING
grader = Grader(Encoder(known=known_vectors() if sys.argv[1] == "known" else {}))
grader.grade(rubric_of(bank_questions()[0]), "Warm-up answer, so the first call's setup is not counted.")
answer = ("I would use an index so lookups avoid a full scan, but each write then maintains it. "
          "Caching helps the hot keys; a queue absorbs bursts. It depends on the read and write mix.")
count = int(sys.argv[2])
unseen = bank_questions()[1:]
def grade(question):
    started = time.perf_counter()
    grader.grade(rubric_of(question), answer + " " + question.text)
    return (time.perf_counter() - started) * 1000
alone = sorted(map(grade, unseen[:count]))[count // 2]
started = time.perf_counter()
with ThreadPoolExecutor(MAX_PARALLEL_SCORING) as pool:
    list(pool.map(grade, unseen[count : 2 * count]))
print(json.dumps([alone, (time.perf_counter() - started) * 1000 / count]))
"""


def run(threads: str | None, vectors: str, questions: int) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'shared'}{os.pathsep}{ROOT}"}
    env.pop("OPENBLAS_NUM_THREADS", None)
    if threads:
        env["OPENBLAS_NUM_THREADS"] = threads
    out = subprocess.run(
        [sys.executable, "-c", CHILD, vectors, str(questions)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    alone, together = json.loads(out.stdout.splitlines()[-1])
    return alone, together


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=30, help="unseen bank questions graded each way")
    parser.add_argument("--runs", type=int, default=2, help="processes per configuration (best is shown)")
    args = parser.parse_args()
    if not 1 <= args.questions <= 110:
        parser.error("--questions must be 1-110 (the bank has 240 questions, two sets are graded)")
    print(
        f"ms per answer to an unseen bank question ({args.questions} questions each way, best of {args.runs})"
    )
    print(f"{'rubric vectors':<16}{'BLAS threads':<14}{'alone p50':>10}{'5 at once':>11}")
    rows = {}
    for vectors in ("computed", "known"):
        for threads in (None, "1"):
            runs = [run(threads, vectors, args.questions) for _ in range(args.runs)]
            rows[vectors, threads] = alone, together = min(r[0] for r in runs), min(r[1] for r in runs)
            print(f"{vectors:<16}{threads or 'default':<14}{alone:>10.0f}{together:>11.0f}")
    before, after = rows["computed", None][1], rows["known", "1"][1]
    print(f"answers at once, as the worker grades: {before / after:.1f}x faster (known vectors, one thread)")


if __name__ == "__main__":
    main()
