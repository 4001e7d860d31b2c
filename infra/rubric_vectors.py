"""Embeds the question bank's rubrics ahead of time: `python -m infra.rubric_vectors` writes
shared/interview_grading_data/rubric_vectors.npz, which the encoder serves instead of computing.

A question's reference answer, key points and expected claims are the same for every answer, yet embedding
them was most of the CPU of grading a bank question for the first time in a process (~0.5-1 s each, every
cold worker again). Run this after editing the bank: tests/unit/test_rubric_vectors.py fails until then.
Vectors are stored as float16 (cosines move by < 0.002), with the model's version: another model's are
ignored.
"""

import sys
import time

import numpy as np

from interview_core.grading.encoder import Encoder, model_version, vectors_file
from interview_core.grading.grader import rubric_texts
from interview_core.providers.offline import bank_questions, rubric_of


def bank_texts() -> list[str]:
    """Every rubric text of the bank, once each, in a stable order."""
    return sorted({t for q in bank_questions() for t in rubric_texts(rubric_of(q))})


def main() -> None:
    texts = bank_texts()
    started = time.perf_counter()
    vectors = Encoder().embed(texts)
    path = vectors_file()
    np.savez_compressed(
        path,
        texts=np.array(texts),
        vectors=vectors.astype(np.float16),
        model=np.array(model_version()),
    )
    print(
        f"{len(texts)} texts embedded in {time.perf_counter() - started:.0f} s: {path} "
        f"({path.stat().st_size / 1e6:.1f} MB)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
