"""Offline transcription (faster-whisper, the bundled model): word error rate and real-time factor.

Interview-style sentences are spoken by espeak-ng (synthetic, clean speech: a floor for WER, not a
prediction for human voices) and transcribed in process for each beam size. WER is over the whole set
after normalising both sides. RTF is transcription seconds / audio seconds, over the sentence set and
over one ~60 s answer made by joining sentences (median of --runs); the model load is excluded from RTF
and shown on its own.

    .venv/bin/python bench/transcription.py [--beams 1,5] [--runs 3] [--verbose]
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import jiwer  # noqa: E402

from interview_core.audio import inspect  # noqa: E402
from interview_core.providers.whisper_offline import FasterWhisperTranscriber  # noqa: E402
from interview_core.settings import Settings  # noqa: E402
from tests.support.audio import concat, speech  # noqa: E402

SENTENCES = [
    "I would add an index on the customer column so the query stops scanning the whole table.",
    "A hash map gives constant time lookups on average, but the worst case depends on collisions.",
    "We cached the expensive results in memory and expired them after five minutes to keep them fresh.",
    "The service retries failed requests with exponential backoff so that it does not overload the server.",
    "I prefer small pull requests because reviewers can understand them quickly and spot mistakes.",
    "A process has its own memory, while threads inside the same process share memory with each other.",
    "To find the slow endpoint, I looked at the traces and saw most of the time went to the database.",
    "Unit tests check one function in isolation, and integration tests check that the parts work together.",
    "We moved the heavy work into a background queue so the user gets a response right away.",
    "A deadlock happens when two transactions each hold a lock that the other one is waiting for.",
    "I would use a message queue to decouple the services and absorb sudden spikes in traffic.",
    "Binary search only works on sorted data and it halves the search space at every step.",
    "When the deployment failed, we rolled back to the previous version and then wrote a postmortem.",
    "Garbage collection frees memory that is no longer reachable, which can pause the program briefly.",
]
LONG_CLIP_SECONDS = 60.0
TARGET_RTF, TARGET_WER = 0.2, 0.25


def normalise(text: str) -> str:
    text = re.sub(r"[-/]", " ", text.lower())  # "real-time" and "real time" are the same words
    text = re.sub(r"[^\w\s']|'(?!\w)|(?<!\w)'", "", text)
    return " ".join(text.split())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--beams", default="1,5", help="comma-separated beam sizes to compare")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of the ~60 s clip")
    parser.add_argument("--verbose", action="store_true", help="print each sentence's transcript and WER")
    args = parser.parse_args()
    beams = [int(b) for b in args.beams.split(",")]

    max_seconds = Settings().max_audio_seconds
    wavs = [speech(s, "wav") for s in SENTENCES]
    clips = [inspect(w, max_seconds) for w in wavs]
    # Sentences in order, repeating from the start if needed, until the answer lasts about a minute.
    parts: list[bytes] = []
    long_refs: list[str] = []
    total = 0.0
    while total < LONG_CLIP_SECONDS:
        i = len(parts) % len(SENTENCES)
        parts.append(wavs[i])
        long_refs.append(SENTENCES[i])
        total += clips[i].duration_seconds + 0.7
    long_clip = inspect(concat(parts, gap_seconds=0.7), max_seconds)
    long_ref = normalise(" ".join(long_refs))
    sentence_seconds = sum(c.duration_seconds for c in clips)

    print(
        f"faster-whisper offline, {len(SENTENCES)} sentences ({sentence_seconds:.1f} s) + one "
        f"{long_clip.duration_seconds:.1f} s answer; {os.cpu_count()} CPUs; app default beam "
        f"{Settings().whisper_beam_size}"
    )
    rows = []
    for beam in beams:
        t = time.perf_counter()
        stt = FasterWhisperTranscriber(Settings(whisper_beam_size=beam))
        load = time.perf_counter() - t
        stt.transcribe(clips[0])  # first call allocates CTranslate2's buffers: not part of any answer

        hyps, elapsed = [], 0.0
        for clip in clips:
            t = time.perf_counter()
            hyps.append(normalise(stt.transcribe(clip).text))
            elapsed += time.perf_counter() - t
        refs = [normalise(s) for s in SENTENCES]
        wer = jiwer.wer(refs, hyps)
        if args.verbose:
            print(f"\nbeam {beam}: per sentence")
            for ref, hyp in zip(refs, hyps, strict=True):
                print(f"  {jiwer.wer(ref, hyp):>6.1%}  ref: {ref}\n          hyp: {hyp}")

        long_times, long_text = [], ""
        for _ in range(args.runs):
            t = time.perf_counter()
            long_text = stt.transcribe(long_clip).text
            long_times.append(time.perf_counter() - t)
        long_wer = jiwer.wer(long_ref, normalise(long_text))
        rows.append((beam, load, wer, elapsed / sentence_seconds, statistics.median(long_times), long_wer))

    print(
        f"\n{'beam':>4}{'load s':>8}{'WER sent.':>11}{'RTF sent.':>11}{'60s clip s':>12}{'RTF 60s':>9}"
        f"{'WER 60s':>9}"
    )
    for beam, load, wer, rtf, long_s, long_wer in rows:
        print(
            f"{beam:>4}{load:>8.2f}{wer:>11.1%}{rtf:>11.3f}{long_s:>12.2f}"
            f"{long_s / long_clip.duration_seconds:>9.3f}{long_wer:>9.1%}"
        )
    print(f"targets: RTF <= {TARGET_RTF}, WER <= {TARGET_WER:.0%}  (60 s clip: median of {args.runs} runs)")


if __name__ == "__main__":
    main()
