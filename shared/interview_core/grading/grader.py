"""The offline grader, second version: an answer is judged by what it means, compared with the reference
answer and the key points, and checked for the ways answers game a grader.

Scale (0-10): 0 wrong, empty or off-topic; 5 partly right, key points missing; 10 correct and complete. A
short answer that is right earns full marks: length is not a criterion.

How: sentence embeddings (all-MiniLM-L6-v2, see encoder.py) give how close the answer is to the reference
and to each key point; the content words of the reference the answer uses add lexical evidence. Their
blend, with weights fitted on the labelled set in bench/grading_data (see bench/grading.py), is the score.
Then the detectors: an answer that games the grader scores at most GAMING_CAP whatever it contains.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np

from interview_core.grading import GAMING_CAP
from interview_core.grading.detectors import (
    FUNCTION_WORDS,
    VAGUE,
    bare,
    clauses,
    contradicts,
    grader_addressed,
    keyword_list,
    restates,
    sentences,
    words,
)
from interview_core.grading.encoder import Vectors

COVERED = 0.55  # cosine from which an answer sentence counts as making a key point
# Sentences and clauses of an answer (and of the expected answer) that are embedded: the work per answer is
# bounded whatever its length (a 5,000-character answer against a 4,000-character reference took ~2 s of
# CPU unbounded); 40 clauses is ~600 words, more than a spoken or typed answer says to the point.
MAX_PIECES = 40
CLAIMS_PER_CLAUSE = 4  # the closest claims an answer's clause is checked against for a contradiction
SAME_SUBJECT = 0.6  # cosine from which two sentences speak of the same thing (for contradictions)
NEAREST = 0.05  # a negation is weighed against the claims this close to a clause's nearest one
OFF_TOPIC = 0.3  # below this closeness to the question and the reference, the answer is about something else

# Fitted by `bench/grading.py --fit` on bench/grading_data/reference_set.json (its real answers): least
# squares with no negative weight, stretched so the scores spread as the human grades do. Closeness to the
# reference alone got no weight: wrong answers in the reference's words sit as close as right ones, and
# what tells them apart is saying more than the question (beyond_question) in the reference's terms.
WEIGHTS = {"coverage": 0.877, "overlap": 10.464, "beyond_question": 13.224}
BIAS = 2.582
OVERLAP_FULL = 0.6  # share of the reference's own terms from which overlap counts as complete
# Cosines are squeezed into 0-1 between these: unrelated text sits near LOW, paraphrases above HIGH.
LOW, HIGH = 0.15, 0.8
# A key point's credit rises from nothing at the first cosine to full at the second (clause to key point:
# a related clause sits near 0.3-0.45, a paraphrase near 0.6 and above).
POINT_RAMP = (0.3, 0.65)
POINTS_SLACK = 2  # with key points only, a score is at most this far above the share of them made

Detector = Literal["keyword_list", "restates_question", "off_topic", "contradiction", "addressed_to_grader"]


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> Vectors: ...


@dataclass(frozen=True)
class Rubric:
    question: str
    reference_answer: str | None = None
    key_points: tuple[str, ...] = ()

    @property
    def gradable(self) -> bool:
        return bool(self.reference_answer or self.key_points)


@dataclass
class Grade:
    score: int | None  # None: nothing to grade against; a person (or a language model) must
    needs_review: bool = False
    reason: str | None = None
    covered: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    said: list[str] = field(default_factory=list)  # the answer's words that make each covered point, in order
    contradicting: str | None = None  # the answer's clause that contradicts the expected answer
    detected: list[Detector] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)


def reference_of(rubric: Rubric) -> str:
    """The expected answer: the reference answer, or the key points read as one."""
    return rubric.reference_answer or " ".join(f"{p.rstrip('.')}." for p in rubric.key_points)


def _subjects(rubric: Rubric, reference: str) -> frozenset[str]:
    """The question's terms the expected answer speaks of: what claims are made about ("TCP", "UDP")."""
    expected_text = " ".join([reference, *rubric.key_points])
    # A word the question writes in capitals is a term even when it is also English ("WHERE", "IN").
    capitals = {w.lower() for w in re.findall(r"\b[A-Z][A-Z0-9_]+\b", rubric.question)}
    return frozenset(
        w for w in words(rubric.question) if w in capitals or (w not in FUNCTION_WORDS and w not in VAGUE)
    ) & frozenset(words(expected_text))


def _claims(rubric: Rubric, reference: str, subjects: frozenset[str]) -> list[str]:
    """The expected answer's clauses, which an answer's claims are checked against for a contradiction."""
    return [c for s in [*sentences(reference), *rubric.key_points] for c in clauses(s, subjects)][:MAX_PIECES]


def rubric_texts(rubric: Rubric) -> list[str]:
    """Every text the grader embeds for a rubric, whatever the answer: what can be embedded ahead of time."""
    reference = reference_of(rubric)
    claims = _claims(rubric, reference, _subjects(rubric, reference))
    return [rubric.question, reference, *rubric.key_points, *(bare(c) for c in claims)]


def content(text: str) -> set[str]:
    return {_stem(w) for w in words(text) if w not in FUNCTION_WORDS and len(w) > 1}


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _ramp(cosine: float, low: float, high: float) -> float:
    return min(1.0, max(0.0, (cosine - low) / (high - low)))


def _squeeze(cosine: float) -> float:
    return _ramp(cosine, LOW, HIGH)


def _quote(text: str) -> str:
    return "\u201c" + (text if len(text) <= 200 else text[:199] + "\u2026") + "\u201d"


class Grader:
    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def grade(self, rubric: Rubric, answer: str) -> Grade:
        if not rubric.gradable:
            return Grade(
                score=None,
                needs_review=True,
                reason="No reference answer or key points: the offline grader does not invent criteria",
            )
        kept, to_grader = grader_addressed(answer)
        grade = self._judge(rubric, kept)
        if to_grader:
            grade.detected.append("addressed_to_grader")
            grade.evidence.append(f"Text addressed to the grader, ignored: {_quote(' '.join(to_grader))}")
        if grade.detected and grade.score is not None:
            grade.score = min(grade.score, GAMING_CAP)
        return grade

    def _judge(self, rubric: Rubric, answer: str) -> Grade:
        parts = sentences(answer)
        if not parts:
            return Grade(score=0, missing=list(rubric.key_points), evidence=["No answer given"])
        reference = reference_of(rubric)
        # Key points are matched against clauses too: one sentence often makes several of them.
        pieces = (parts + [c for p in parts for c in clauses(p) if c != p])[:MAX_PIECES]
        texts = [answer, *pieces, rubric.question, reference, *rubric.key_points]
        vectors = self.embedder.embed(texts)
        whole, said = vectors[0], vectors[1 : 1 + len(pieces)]
        question, ref = vectors[1 + len(pieces)], vectors[2 + len(pieces)]
        point_vectors = vectors[3 + len(pieces) :]
        said_all = np.vstack([said, whole[None, :]])

        closeness = float(whole @ ref)
        to_question = float(whole @ question)
        grade = Grade(score=0)

        points = list(rubric.key_points)
        answer_terms = content(answer)
        credits = []
        for point, vector in zip(points, point_vectors, strict=True):
            sims = said_all @ vector
            best = int(np.argmax(sims))
            terms = content(point)
            lexical = bool(terms) and len(terms & answer_terms) / len(terms) >= 0.6
            credits.append(1.0 if lexical else _ramp(float(sims[best]), *POINT_RAMP))
            if sims[best] >= COVERED or lexical:
                grade.covered.append(point)
                where = pieces[best] if best < len(pieces) else answer
                grade.evidence.append(f"{point}: {_quote(where)}")
                grade.said.append(where)
            else:
                grade.missing.append(point)
        coverage = len(grade.covered) / len(points) if points else _squeeze(closeness)
        ref_terms = content(reference) - content(rubric.question)
        overlap = len(ref_terms & answer_terms) / len(ref_terms) if ref_terms else 0.0
        grade.features = {
            "closeness": _squeeze(closeness),
            "coverage": coverage,
            "credit": sum(credits) / len(credits) if credits else 0.0,
            "overlap": min(1.0, overlap / OVERLAP_FULL),
            "beyond_question": _squeeze(closeness) - _squeeze(to_question),
        }
        raw = BIAS + sum(WEIGHTS[k] * grade.features[k] for k in WEIGHTS)
        if not rubric.reference_answer:
            # Key points alone define a good answer: one point made of four is not a full answer, however
            # close its wording (measured on the labelled set: Pearson 0.62 -> 0.59 for this ceiling).
            raw = min(raw, 10 * grade.features["credit"] + POINTS_SLACK)
        grade.score = int(round(min(10.0, max(0.0, raw))))

        # Detectors: each names itself in the evidence.
        if keyword_list(answer):
            grade.detected.append("keyword_list")
            grade.evidence.append("A list of terms, not an answer: there is no sentence to grade")
        if restates(rubric.question, answer, reference):
            grade.detected.append("restates_question")
            grade.evidence.append("The answer restates the question and adds nothing to it")
        if max(closeness, to_question) < OFF_TOPIC and not grade.covered:
            grade.detected.append("off_topic")
            grade.evidence.append("The answer is about something other than the question")
        if clash := self._contradiction(rubric, answer, reference):
            turned, grade.contradicting = clash
            grade.detected.append("contradiction")
            grade.evidence.append(
                f"Contradicts the expected answer ({turned}): {_quote(grade.contradicting)}"
            )
        return grade

    def _contradiction(self, rubric: Rubric, answer: str, reference: str) -> tuple[str, str] | None:
        subjects = _subjects(rubric, reference)
        said = [c for s in sentences(answer) for c in clauses(s, subjects)][:MAX_PIECES]
        expected = _claims(rubric, reference, subjects)
        if not said or not expected:
            return None
        sims = (
            self.embedder.embed([bare(c) for c in said]) @ self.embedder.embed([bare(c) for c in expected]).T
        )
        closest = sims.max(1)
        # Each clause is weighed against its few closest claims only: the work stays linear in the answer's
        # length (all pairs of a long answer and a long reference took seconds).
        for i, row in enumerate(sims):
            for j in np.argsort(-row)[:CLAIMS_PER_CLAUSE]:
                if row[j] < SAME_SUBJECT:
                    break
                nearest = row[j] >= closest[i] - NEAREST
                if turned := contradicts(expected[j], said[i], subjects, negation=nearest):
                    return turned, bare(said[i])
        return None
