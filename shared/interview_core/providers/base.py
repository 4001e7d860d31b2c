"""Interfaces of the AI providers."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from pydantic import Field

from interview_core.domain import Background, Difficulty, FollowUp, Question, TokenUsage, Word
from interview_core.model import Model

if TYPE_CHECKING:
    from interview_core.audio import AudioClip


class GeneratedQuestions(Model):
    questions: list[Question]
    usage: TokenUsage
    # Coding questions whose reference solutions are known to pass their tests (the bank's); others are
    # vetted in the sandbox before a session uses them.
    vetted: bool = False


class AnswerScore(Model):
    score: int | None  # None: nothing to grade against offline; a person must review it
    evidence: list[str]
    missing: list[str]
    feedback: str  # addressed to the candidate: it never quotes the reference answer or key points
    usage: TokenUsage
    strengths: list[str] = Field(default_factory=list)  # the key points (or parts) that scored well
    review_reason: str | None = None
    detected: list[str] = Field(default_factory=list)  # the gaming detectors that fired


class FollowUpDecision(Model):
    follow_up: FollowUp | None  # None: move on
    usage: TokenUsage = Field(default_factory=TokenUsage)


class LanguageModel(Protocol):
    name: str  # provider id shown in /health and reports
    model: str
    rubric_version: str
    reads_code: bool  # can judge a coding answer's code beyond its tests (the offline grader reads prose)

    def generate_questions(
        self, topic: str, difficulty: Difficulty, count: int, background: Background | None = None
    ) -> GeneratedQuestions:
        """`count` questions; with `background`, fitted to the job description and résumé, each saying
        which skill of theirs it comes from (`source`), at least one naming it. The texts are untrusted."""
        ...

    def generate_coding_questions(self, topic: str, difficulty: Difficulty, count: int) -> GeneratedQuestions:
        """Up to `count` distinct coding questions (`type` coding, with tests and a reference solution);
        fewer when some could not be written: the caller fills their places from the coding bank."""
        ...

    def score_answer(
        self, question: Question, answer: str, topic: str, difficulty: Difficulty
    ) -> AnswerScore:
        """Score one answer on its own (0-10): other answers never share the call."""
        ...

    def follow_up(
        self, question: Question, answers: Sequence[str], asked: Sequence[FollowUp]
    ) -> FollowUpDecision:
        """Whether to ask a follow-up to `question` after `answers` (the first, then the follow-ups'; the last
        is the one just given), and which; `asked`: the follow-ups already asked about it. The answers are
        untrusted, and the follow-up never gives the rubric away."""
        ...

    def warm(self) -> None:
        """Load what scoring needs ahead of the first answer (a long-running process calls it at start)."""
        ...


class Transcript(Model):
    text: str
    words: list[Word]  # with timestamps: the speaking insights need them
    language: str
    provider: str
    model: str


class SpeechToText(Protocol):
    name: str
    model: str

    def transcribe(self, clip: "AudioClip") -> Transcript: ...


class TextToSpeech(Protocol):
    name: str

    def synthesize(self, text: str) -> bytes:
        """MP3 audio of `text` (the contract promises audio/mpeg)."""
        ...


# Whisper drops "um" and "uh" unless its prompt shows them; the insights count them, so every engine
# is primed with a prompt written in that style.
DISFLUENT_PROMPT = "Um, so, uh, let me think. Well, I mean, it's like, you know, the answer is, hmm, this."
