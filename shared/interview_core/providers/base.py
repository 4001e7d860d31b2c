"""Interfaces of the AI providers."""

from typing import Protocol

from pydantic import BaseModel

from interview_core.domain import Difficulty, Question, TokenUsage


class GeneratedQuestions(BaseModel):
    questions: list[Question]
    usage: TokenUsage


class AnswerScore(BaseModel):
    score: int
    evidence: list[str]
    missing: list[str]
    feedback: str
    usage: TokenUsage


class LanguageModel(Protocol):
    name: str  # provider id shown in /health and reports
    model: str
    rubric_version: str

    def generate_questions(self, topic: str, difficulty: Difficulty, count: int) -> GeneratedQuestions: ...

    def score_answer(
        self, question: Question, answer: str, topic: str, difficulty: Difficulty
    ) -> AnswerScore:
        """Score one answer on its own (0-10): other answers never share the call."""
        ...
