"""The interviewer's follow-up decision: the rules a language model's proposal is held to (`accepted`), and,
offline, the decision itself: from the grader's lexical findings for the answers given so
far to one question (the key points they make, what they contradict, text addressed to the grader), whether
to ask a follow-up and which, in the interviewer's voice.

No numpy and no sentence model: submit-answer decides while the candidate waits, in functions that do not
carry the grading layer (the audio ones could not: 160 MB + 165 MB is past Lambda's 250 MB). A key point is
made when the answers use most of its content words (the grader's own lexical rule) or one of its keyword
phrases. The follow-up never carries the rubric: it names the question's own terms, an aspect in fixed
words, and the candidate's words, and anything in it that quotes a key point or the reference is removed.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from interview_core.domain import FollowUp, FollowUpReason, Question, without_quotes
from interview_core.grading.detectors import (
    FUNCTION_WORDS,
    VAGUE,
    clauses,
    contradicts,
    grader_addressed,
    sentences,
    stem,
    words,
)


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


LEXICAL_SHARE = 0.6  # the grader's rule: a key point is made when its content words are this much used
QUOTE_WORDS = 12  # the candidate's words a follow-up quotes, at most
MIN_SUBSTANCE = 6  # content words from which an answer without a rubric is worth a deeper question
# Words of a question that ask rather than name what it is about.
ASKING = _set(
    "difference differences explain main key describe compare contrast give example examples important "
    "happens happen trade offs tradeoffs pros cons advantages disadvantages role purpose good bad better "
    "best common typical main usually"
)

# What a key point is about, from its words, and how an interviewer asks about that without saying it.
ASPECTS: tuple[tuple[frozenset[str], str], ...] = (
    (
        _set(
            "time constant linear logarithmic fast faster slow slower cost costs cheap cheaply "
            "expensive amortized complexity performance overhead latency o 1 n"
        ),
        "Staying with {subject}: what does it cost, in time or in memory, and why?",
    ),
    (
        _set("but while however trade downside drawback suffers suffer risk limit limits weakness"),
        "Staying with {subject}: what is the downside, and when would you choose something else?",
    ),
    (
        _set(
            "fail fails failure error errors lost loss crash retry retries consistent consistency "
            "safe safety recover recovery"
        ),
        "Staying with {subject}: what happens when something goes wrong?",
    ),
    (
        _set("order first last before after sorted sequence top bottom front"),
        "Staying with {subject}: in what order do things happen, and what follows from that?",
    ),
    (
        _set("use uses used typical example examples common when practice case cases"),
        "Staying with {subject}: where would you use it in practice, and why there?",
    ),
)
MECHANISM = "Staying with {subject}: how does it work underneath, step by step?"
DEEPER = (
    "What edge case would break the approach you described, and how would you handle it?",
    "How would your answer change at ten times the scale?",
    "What trade-off did you make there, and when would you decide the other way?",
)
CHALLENGE = "Are you sure that holds? Walk me through why it is so."


@dataclass(frozen=True)
class Findings:
    """What the answers to one question show, lexically."""

    covered: list[str]
    missing: list[str]
    contradicting: str | None  # the latest answer's clause that contradicts the expected answer
    substance: int  # content words the latest answer says beyond the question's


def _content(text: str) -> set[str]:
    return {stem(w) for w in words(text) if w not in FUNCTION_WORDS and len(w) > 1}


def _made(point: str, keywords: Sequence[str], said: str, said_terms: set[str]) -> bool:
    terms = _content(point)
    if terms and len(terms & said_terms) / len(terms) >= LEXICAL_SHARE:
        return True
    flat = f" {' '.join(words(said))} "
    return any((k := " ".join(words(kw))) and f" {k} " in flat for kw in keywords)


def findings(question: Question, answers: Sequence[str], latest: str) -> Findings:
    """`answers`: every answer given to the question so far (the first, then the follow-ups'), `latest`
    among them. Text addressed to the grader is left out, as the grader leaves it."""
    kept = [grader_addressed(a)[0] for a in answers]
    said = " ".join(kept)
    said_terms = _content(said)
    covered: list[str] = []
    missing: list[str] = []
    for kp in question.key_points:
        (covered if _made(kp.point, kp.keywords, said, said_terms) else missing).append(kp.point)
    latest_kept = grader_addressed(latest)[0]
    claims = [*question_claims(question)]
    expected = " ".join(claims)
    subjects = frozenset(words(question.text)) & frozenset(words(expected)) - FUNCTION_WORDS
    # A claim the check turns around against itself ("cannot delete; counting variants can") proves nothing.
    claims = [c for c in claims if not contradicts(c, c, subjects)]
    clash = None
    for sentence in sentences(latest_kept):
        if _restates(sentence, claims, subjects):
            continue
        for clause in clauses(sentence, subjects):
            if any(contradicts(c, clause, subjects) for c in claims) and not _restates(
                clause, claims, subjects
            ):
                clash = clause
                break
        if clash:
            break
    substance = len(_content(latest_kept) - _content(question.text))
    return Findings(covered, missing, clash, substance)


def _restates(clause: str, claims: Sequence[str], subjects: frozenset[str]) -> bool:
    """Whether `clause` makes one of the rubric's own claims: then it is not wrong, though it reads as
    turned around against another ("push adds to the top" against "pop removes from the top")."""
    said = _content(clause)
    if any(_flat(clause) in _flat(claim) for claim in claims):  # a part of one, word for word
        return True
    for claim in claims:
        terms = _content(claim)
        if (
            terms
            and len(terms & said) / len(terms) >= LEXICAL_SHARE
            and not contradicts(claim, clause, subjects)
        ):
            return True
    return False


def question_claims(question: Question) -> list[str]:
    return [*(kp.point for kp in question.key_points), *sentences(question.reference_answer or "")]


def rubric_texts(question: Question) -> list[str]:
    """What a follow-up must never quote."""
    return [t for t in (question.reference_answer, *(kp.point for kp in question.key_points)) if t]


def decide(question: Question, answers: Sequence[str], asked: Sequence[FollowUp]) -> FollowUp | None:
    """The next follow-up to `question`, or None to move on. `answers`: the answers so far (the last is the
    one just given); `asked`: the follow-ups already asked about it. In order: challenge a claim that
    contradicts the expected answer (once), probe the first key point still missing that no follow-up has
    probed yet, go deeper once on an answer that misses nothing."""
    if question.type == "coding" or not answers:
        return None
    latest = answers[-1]
    found = findings(question, answers, latest)
    rubric = rubric_texts(question)
    reasons = {f.reason for f in asked}
    if found.contradicting and "challenge" not in reasons:
        return _safe(FollowUp(text=f"You said {_quoted(found.contradicting)}. {CHALLENGE}", reason="challenge"),
                     question, rubric)  # fmt: skip
    probed = {f.target for f in asked}
    for point in found.missing:
        if point not in probed:
            return _safe(FollowUp(text=_probe(question, point, latest, rubric), reason="probe", target=point),
                         question, rubric)  # fmt: skip
    if found.missing or "deeper" in reasons:
        return None  # every missing point was probed already: move on
    if not question.gradable and found.substance < MIN_SUBSTANCE:
        return None
    quote = _their_words(latest, rubric)
    opening = f"You said {_quoted(quote)}. " if quote else "Thank you. "
    return _safe(FollowUp(text=opening + DEEPER[len(asked) % len(DEEPER)], reason="deeper"), question, rubric)


def _subject(question: Question, point: str) -> str:
    """The words the question and the key point both use, as the question writes them; else what the
    question is about. Always the question's own words: the candidate has read them."""
    asked = [w for w in re.findall(r"[A-Za-z][\w+#.-]*", question.text)]
    terms = _content(point)

    def naming(w: str) -> bool:
        low = w.lower().strip(".")
        return low not in FUNCTION_WORDS and low not in VAGUE and low not in ASKING and len(low) > 1

    shared = [w.strip(".") for w in asked if naming(w) and stem(w.lower().strip(".")) in terms]
    if not shared:
        shared = [w.strip(".") for w in asked if naming(w)][:1]
    return " ".join(dict.fromkeys(shared[:3])) or "this"


def _probe(question: Question, point: str, latest: str, rubric: list[str]) -> str:
    terms = set(words(point))
    template = next((t for cues, t in ASPECTS if terms & cues), MECHANISM)
    ask = template.format(subject=_subject(question, point))
    quote = _their_words(latest, rubric)
    return f"You said {_quoted(quote)}. {ask}" if quote else f"Let me ask it another way. {ask}"


# Sentences an interviewer would not repeat back: requests to whoever reads the answer, about the rubric.
_NOT_QUOTABLE = re.compile(
    r"^\s*(?:please\s+)?(?:ignore|disregard|forget|tell|give|show|print|reveal|say|repeat|write|output|list|"
    r"what|which|can|could|would|will|system|assistant|grader|score)\b"
    r"|\b(?:key\s*points?|reference|rubric|grader|grading|instructions?|prompt|score|marks?)\b",
    re.IGNORECASE,
)


def _their_words(answer: str, rubric: list[str]) -> str | None:
    """A few of the candidate's own words to refer to: the first plain statement of theirs (no question,
    nothing addressed to the grader) that quotes nothing of the rubric."""
    kept = grader_addressed(answer)[0]
    for sentence in sentences(kept):
        if sentence.endswith("?") or len(words(sentence)) < 3 or _NOT_QUOTABLE.search(sentence):
            continue
        short = " ".join(sentence.split()[:QUOTE_WORDS]).rstrip(".,;:!")
        if not leaks(short, rubric):
            return short
    return None


def _quoted(text: str) -> str:
    return "\u201c" + " ".join(text.split()).rstrip(".,;:!") + "\u201d"


def _flat(text: str) -> str:
    return f" {' '.join(re.findall(r'[a-z0-9]+', text.lower()))} "


def leaks(text: str, rubric: Sequence[str]) -> bool:
    """Whether `text` quotes the rubric: five of its words in a row (as the candidate's report checks), or
    a whole key point of any length (or the reference) within it."""
    flat = _flat(text)
    whole = any(len(f.split()) >= 2 and f in flat for f in map(_flat, rubric))
    return whole or any(without_quotes(s, rubric) != s for s in re.split(r"(?<=[.!?])\s+", text) if s)


def _safe(follow_up: FollowUp, question: Question, rubric: list[str]) -> FollowUp:
    """The follow-up, with any sentence that quotes the rubric replaced by a plain request."""
    if not leaks(follow_up.text, rubric):
        return follow_up
    kept = [s for s in re.split(r"(?<=[.!?])\s+", follow_up.text) if s and not leaks(s, rubric)]
    text = " ".join(kept) if kept else ""
    if follow_up.reason == "challenge":
        text = "Part of what you said does not hold as stated. Walk me through your reasoning again."
    if not text or text.startswith("You said"):
        text = "Could you take that further and explain your reasoning step by step?"
    return follow_up.model_copy(update={"text": text})


MAX_FOLLOW_UP_CHARS = 500


def accepted(
    question: Question, asked: Sequence[FollowUp], reason: FollowUpReason, text: str, key_point: int
) -> FollowUp | None:
    """A follow-up a language model proposed, held to the rules the offline decision keeps: a challenge
    and a deeper question at most once each, a key point probed at most once (`key_point`: its number, 0
    for none), a question of a few sentences, and nothing in it that quotes the rubric. None: move on."""
    text = " ".join(text.split())
    if not text or question.type == "coding":
        return None
    if len(text) > MAX_FOLLOW_UP_CHARS:
        text = text[:MAX_FOLLOW_UP_CHARS].rsplit(" ", 1)[0] + "?"
    if reason != "probe" and reason in {f.reason for f in asked}:
        return None
    target = None
    if reason == "probe" and 1 <= key_point <= len(question.key_points):
        target = question.key_points[key_point - 1].point
        if target in {f.target for f in asked}:
            return None
    return _safe(FollowUp(text=text, reason=reason, target=target), question, rubric_texts(question))
