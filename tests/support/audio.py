"""Real speech for tests and benchmarks: espeak-ng speaks a sentence, ffmpeg encodes it in each format.

Both are Debian packages that scripts/setup.sh installs; nothing is downloaded at run time.
"""

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

ENCODERS = {
    "wav": ["-c:a", "pcm_s16le"],
    "mp3": ["-c:a", "libmp3lame", "-b:a", "64k"],
    "m4a": ["-c:a", "aac", "-b:a", "64k"],
    "flac": ["-c:a", "flac"],
    "webm": ["-c:a", "libopus", "-b:a", "32k"],  # what Chromium's MediaRecorder produces
    "ogg": ["-c:a", "libvorbis"],  # what Firefox's MediaRecorder produces
}
CACHE = Path(tempfile.gettempdir()) / "mock-interview-test-audio"


def require_tools() -> None:
    missing = [tool for tool in ("espeak-ng", "ffmpeg") if shutil.which(tool) is None]
    if missing:
        raise RuntimeError(
            f"{', '.join(missing)} missing: run ./scripts/setup.sh (it installs them with apt-get)"
        )


def _cached(key: str, fmt: str, make) -> bytes:  # noqa: ANN001
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.{fmt}"
    if not path.exists():
        require_tools()
        tmp = path.with_suffix(f".tmp.{fmt}")
        make(tmp)
        tmp.rename(path)
    return path.read_bytes()


def _encode(source: Path, target: Path, fmt: str) -> None:
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-i", str(source), *ENCODERS[fmt], str(target)],
        check=True,
        timeout=60,
    )


def speech(text: str, fmt: str = "wav", words_per_minute: int = 150, voice: str = "en-us") -> bytes:
    """`text` spoken by espeak-ng, encoded as `fmt`."""

    def make(target: Path) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "speech.wav"
            subprocess.run(
                ["espeak-ng", "-v", voice, "-s", str(words_per_minute), "-w", str(wav), text],
                check=True,
                timeout=60,
            )
            _encode(wav, target, fmt)

    return _cached(f"speech|{text}|{fmt}|{words_per_minute}|{voice}", fmt, make)


def tone(seconds: float, fmt: str = "wav", sample_rate: int = 16_000) -> bytes:
    """A quiet sine tone of a given length (valid audio with no speech in it)."""

    def make(target: Path) -> None:
        subprocess.run(
            [
                "ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi",
                "-i", f"sine=frequency=220:sample_rate={sample_rate}:duration={seconds}",
                "-af", "volume=0.05", *ENCODERS[fmt], str(target),
            ],
            check=True,
            timeout=120,
        )  # fmt: skip

    return _cached(f"tone|{seconds}|{fmt}|{sample_rate}", fmt, make)


def concat(parts: list[bytes], gap_seconds: float = 0.0) -> bytes:
    """WAV clips (same sample rate) joined with silent gaps, e.g. to make a long answer with pauses."""

    def make(target: Path) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            listing = Path(tmp) / "list.txt"
            lines = []
            for i, part in enumerate(parts):
                clip = Path(tmp) / f"{i}.wav"
                clip.write_bytes(part)
                lines.append(f"file '{clip}'")
            listing.write_text("\n".join(lines))
            pad = f"apad=pad_dur={gap_seconds}" if gap_seconds else "anull"
            # each clip padded with silence, then all of them concatenated
            filters = ";".join(f"[{i}:a]{pad}[a{i}]" for i in range(len(parts)))
            inputs = [arg for i in range(len(parts)) for arg in ("-i", str(Path(tmp) / f"{i}.wav"))]
            joined = "".join(f"[a{i}]" for i in range(len(parts)))
            subprocess.run(
                ["ffmpeg", "-loglevel", "error", "-y", *inputs, "-filter_complex",
                 f"{filters};{joined}concat=n={len(parts)}:v=0:a=1[out]", "-map", "[out]",
                 *ENCODERS["wav"], str(target)],
                check=True,
                timeout=120,
            )  # fmt: skip

    key = "concat|" + "|".join(hashlib.sha256(p).hexdigest() for p in parts) + f"|{gap_seconds}"
    return _cached(key, "wav", make)
