"""Audio answers: decide the format from the bytes, decode them to measure the duration, refuse the rest.

PyAV (FFmpeg) is imported only here and only when audio arrives: functions without audio never load it.
"""

import io
from dataclasses import dataclass

from interview_core.errors import AudioRejected

UNSUPPORTED = "Unsupported audio format"


@dataclass(frozen=True)
class AudioFormat:
    name: str
    extension: str
    content_type: str
    demuxer: str  # FFmpeg's demuxer, forced so that the sniffed format is the one decoded


FORMATS = {
    f.name: f
    for f in (
        AudioFormat("wav", "wav", "audio/wav", "wav"),
        AudioFormat("mp3", "mp3", "audio/mpeg", "mp3"),
        AudioFormat("m4a", "m4a", "audio/mp4", "mp4"),
        AudioFormat("flac", "flac", "audio/flac", "flac"),
        AudioFormat("webm", "webm", "audio/webm", "matroska"),
        AudioFormat("ogg", "ogg", "audio/ogg", "ogg"),
    )
}

# What browsers and recorders declare; a presigned upload must name one of these.
UPLOAD_CONTENT_TYPES = {
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/mp4": "m4a",
    "audio/x-m4a": "m4a",
    "audio/m4a": "m4a",
    "audio/aac": "m4a",
    "audio/flac": "flac",
    "audio/x-flac": "flac",
    "audio/webm": "webm",
    "video/webm": "webm",
    "audio/ogg": "ogg",
    "application/ogg": "ogg",
}


def sniff(data: bytes) -> AudioFormat | None:
    """The container named by the file's first bytes (its magic number), whatever it is called."""
    head = data[:16]
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return FORMATS["wav"]
    if head[:4] == b"fLaC":
        return FORMATS["flac"]
    if head[:4] == b"OggS":
        return FORMATS["ogg"]
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return FORMATS["webm"]
    if head[4:8] == b"ftyp":
        return FORMATS["m4a"]
    # MP3: an ID3v2 tag, or straight into an MPEG audio frame (11 sync bits, layer III).
    if head[:3] == b"ID3" or (len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE6) == 0xE2):
        return FORMATS["mp3"]
    return None


_WAV_PLACEHOLDER_SIZE = 0x7F000000  # ~2 GB: no real answer is near it


def _wav_truncated(data: bytes) -> bool:
    """FFmpeg sizes a WAV by its bytes, so compare the data chunk's declared size with what arrived.
    Streaming writers that cannot know the size write 0 or a huge placeholder (0xFFFFFFFF, espeak-ng's
    0x7FFFF000): those are taken as they are."""
    offset = 12
    while offset + 8 <= len(data):
        chunk, size = data[offset : offset + 4], int.from_bytes(data[offset + 4 : offset + 8], "little")
        if chunk == b"data":
            return 0 < size < _WAV_PLACEHOLDER_SIZE and offset + 8 + size > len(data)
        offset += 8 + size + (size & 1)
    return True  # no data chunk in the bytes at all


@dataclass(frozen=True)
class AudioClip:
    data: bytes
    format: AudioFormat
    duration_seconds: float
    sample_rate: int


def inspect(data: bytes, max_seconds: float, min_seconds: float = 0.0) -> AudioClip:
    """Decode the whole clip (truncated or corrupt files fail here, not in the transcriber)."""
    if not data:
        raise AudioRejected("The audio file is empty")
    fmt = sniff(data)
    if fmt is None:
        raise AudioRejected(UNSUPPORTED)
    import av  # noqa: PLC0415 - heavy, and only audio requests need it

    samples = 0
    rate = 0
    declared: float | None = None
    try:
        with av.open(io.BytesIO(data), mode="r", format=fmt.demuxer) as container:
            if not container.streams.audio:
                raise AudioRejected(UNSUPPORTED)
            stream = container.streams.audio[0]
            if container.duration and container.duration > 0:
                declared = container.duration / av.time_base
            for frame in container.decode(stream):
                rate = frame.sample_rate or rate
                samples += frame.samples
                if rate and samples / rate > max_seconds:
                    raise AudioRejected(f"The audio is longer than the {max_seconds:g} s maximum")
    except AudioRejected:
        raise
    except (av.FFmpegError, ValueError, EOFError) as err:
        raise AudioRejected(UNSUPPORTED) from err
    if not samples or not rate:
        raise AudioRejected(UNSUPPORTED)
    duration = samples / rate
    # A container that states its length but decodes to much less lost its tail in transit.
    if (declared is not None and fmt.name in ("flac", "m4a") and duration < 0.9 * declared - 0.1) or (
        fmt.name == "wav" and _wav_truncated(data)
    ):
        raise AudioRejected("The audio file is truncated: it holds less audio than its header declares")
    if duration < min_seconds:
        raise AudioRejected(f"The audio is too short: at least {min_seconds:g} s of speech is needed")
    return AudioClip(data=data, format=fmt, duration_seconds=round(duration, 3), sample_rate=rate)
