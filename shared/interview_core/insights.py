"""Speaking insights: pace, filler words and long pauses of a spoken answer, from its word timestamps."""

import re
from collections import Counter

from interview_core.domain import SpeakingInsights, Word

# Pure disfluencies count wherever they appear.
_ALWAYS_FILLERS = {"um", "umm", "uh", "uhh", "uhm", "erm", "er", "ah", "hmm", "mm"}
# Phrases that are fillers only as interjections: "you know," not "you know the answer".
_PHRASE_FILLERS = ("you know", "i mean", "sort of", "kind of")
SLOW_WPM = 110  # below this most listeners find speech slow; above FAST_WPM, hurried
FAST_WPM = 170

_TOKEN = re.compile(r"[a-z']+|[,.;:!?]")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def count_fillers(text: str) -> Counter[str]:
    """Fillers in a transcript. "like" counts only when set off by punctuation ("So, like, a tree"), never
    in "I like trees"; a phrase only when a pause follows it ("..., you know." but not "you know the")."""
    tokens = _tokens(text)
    found: Counter[str] = Counter()
    words_only = [t for t in tokens if t[0].isalpha()]
    found.update(t for t in words_only if t in _ALWAYS_FILLERS)

    def pause_before(i: int) -> bool:
        return i == 0 or not tokens[i - 1][0].isalpha()

    def pause_after(i: int) -> bool:
        return i >= len(tokens) or not tokens[i][0].isalpha()

    for i, token in enumerate(tokens):
        if token == "like" and (pause_before(i) or pause_after(i + 1)):
            found["like"] += 1
        for phrase in _PHRASE_FILLERS:
            parts = phrase.split()
            if tokens[i : i + len(parts)] == parts and pause_after(i + len(parts)):
                found[phrase] += 1
    return found


def speaking_insights(
    text: str, words: list[Word], duration_seconds: float, pause_threshold_seconds: float
) -> SpeakingInsights:
    word_count = len([t for t in _tokens(text) if t[0].isalpha()]) or len(words)
    minutes = max(duration_seconds, 1e-6) / 60
    gaps = [round(b.start - a.end, 2) for a, b in zip(words, words[1:], strict=False)]
    long_gaps = [g for g in gaps if g >= pause_threshold_seconds]
    fillers = count_fillers(text)
    wpm = round(word_count / minutes, 1)
    return SpeakingInsights(
        duration_seconds=round(duration_seconds, 2),
        word_count=word_count,
        words_per_minute=wpm,
        pace="slow" if wpm < SLOW_WPM else "fast" if wpm > FAST_WPM else "conversational",
        filler_words=dict(sorted(fillers.items())),
        filler_count=sum(fillers.values()),
        fillers_per_minute=round(sum(fillers.values()) / minutes, 1),
        long_pauses=len(long_gaps),
        longest_pause_seconds=max([0.0, *gaps]),
        pause_threshold_seconds=pause_threshold_seconds,
    )
