"""Speaking insights from a transcript and its word timestamps."""

import pytest

from interview_core.audio import sniff
from interview_core.domain import Word
from interview_core.insights import count_fillers, speaking_insights


def words(spec: list[tuple[str, float, float]]) -> list[Word]:
    return [Word(word=w, start=s, end=e) for w, s, e in spec]


def test_pace_pauses_and_fillers() -> None:
    text = "Um, a stack is, like, last in first out. You know, uh, plates."
    timed = words(
        [("Um,", 0.0, 0.3), ("a", 0.4, 0.5), ("stack", 0.5, 0.9), ("is,", 0.9, 1.1), ("like,", 1.2, 1.5),
         ("last", 4.0, 4.3), ("in", 4.3, 4.4), ("first", 4.4, 4.7), ("out.", 4.7, 5.0), ("You", 5.1, 5.2),
         ("know,", 5.2, 5.4), ("uh,", 8.0, 8.2), ("plates.", 8.3, 8.9)]
    )  # fmt: skip
    got = speaking_insights(text, timed, duration_seconds=12.0, pause_threshold_seconds=2.0)
    assert got.word_count == 13
    assert got.words_per_minute == 65.0 and got.pace == "slow"
    assert got.filler_words == {"like": 1, "uh": 1, "um": 1, "you know": 1}
    assert got.filler_count == 4 and got.fillers_per_minute == 20.0
    assert got.long_pauses == 2 and got.longest_pause_seconds == 2.6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I like trees because they are balanced.", {}),
        ("Like, a tree is balanced.", {"like": 1}),
        ("It is, like, balanced.", {"like": 1}),
        ("You know the answer is a tree.", {}),
        ("The answer is a tree, you know.", {"you know": 1}),
        ("It is kind of a tree.", {}),
        ("Umm, erm, hmm.", {"umm": 1, "erm": 1, "hmm": 1}),
    ],
)
def test_fillers_are_interjections_not_ordinary_words(text: str, expected: dict[str, int]) -> None:
    assert dict(count_fillers(text)) == expected


def test_a_fast_speaker_is_told_so() -> None:
    text = " ".join(["word"] * 100)
    got = speaking_insights(text, [], duration_seconds=30.0, pause_threshold_seconds=2.0)
    assert got.words_per_minute == 200.0 and got.pace == "fast" and got.long_pauses == 0


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "wav"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x23", "mp3"),
        (b"\xff\xfb\x90\x64\x00", "mp3"),
        (b"\x00\x00\x00\x1cftypM4A ", "m4a"),
        (b"fLaC\x00\x00\x00\x22", "flac"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81", "webm"),
        (b"OggS\x00\x02\x00\x00", "ogg"),
    ],
)
def test_the_format_is_read_from_the_magic_number(head: bytes, fmt: str) -> None:
    assert sniff(head + b"\x00" * 32).name == fmt


@pytest.mark.parametrize(
    "head", [b"", b"hello world", b"%PDF-1.7", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"\xff\xd8\xff"]
)
def test_other_files_are_not_audio(head: bytes) -> None:
    assert sniff(head) is None
