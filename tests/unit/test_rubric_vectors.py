"""The bank's rubrics embedded ahead of time (interview_grading_data/rubric_vectors.npz) are the bank's,
current, and grade exactly as vectors computed on the spot."""

import numpy as np
import pytest

from infra.rubric_vectors import bank_texts
from interview_core.grading.encoder import (
    Encoder,
    known_vectors,
    model_version,
    shared_encoder,
    vectors_file,
)
from interview_core.grading.grader import Grader
from interview_core.providers.offline import bank_questions, rubric_of

REGENERATE = "the bank changed: run `python -m infra.rubric_vectors` and commit its rubric_vectors.npz"


@pytest.fixture(scope="module")
def computed() -> Encoder:
    """An encoder that knows nothing ahead of time."""
    return Encoder()


def test_the_stored_vectors_are_the_current_banks_rubrics_for_this_model() -> None:
    with np.load(vectors_file()) as stored:
        assert str(stored["model"]) == model_version()
        assert sorted(map(str, stored["texts"])) == bank_texts(), REGENERATE
    assert len(shared_encoder()._known) == len(bank_texts()), "the shared encoder serves them"


def test_stored_vectors_are_the_models_own(computed: Encoder) -> None:
    known = known_vectors()
    sample = bank_texts()[:: len(known) // 25]
    fresh = computed.embed(sample)
    cosines = [float(fresh[i] @ known[text]) for i, text in enumerate(sample)]
    assert min(cosines) > 0.999, cosines


def test_bank_answers_grade_the_same_with_stored_and_computed_vectors(computed: Encoder) -> None:
    stored, live = Grader(Encoder(known=known_vectors())), Grader(computed)
    questions = bank_questions()[::20]
    for question, other in zip(questions, questions[1:] + questions[:1], strict=True):
        rubric = rubric_of(question)
        for answer in (
            rubric.reference_answer or " ".join(rubric.key_points),
            f"{rubric.key_points[0]}. I am not sure about the rest." if rubric.key_points else "No idea.",
            rubric_of(other).reference_answer or "Something else entirely.",
        ):
            a, b = stored.grade(rubric, answer), live.grade(rubric, answer)
            assert (a.score, a.detected, a.covered) == (b.score, b.detected, b.covered), question.text


def test_a_file_made_with_another_model_is_ignored(tmp_path) -> None:
    path = tmp_path / "vectors.npz"
    np.savez_compressed(
        path, texts=np.array(["a"]), vectors=np.ones((1, 384), np.float16), model=np.array("0")
    )
    assert known_vectors(path) == {}
    assert known_vectors(tmp_path / "missing.npz") == {}
