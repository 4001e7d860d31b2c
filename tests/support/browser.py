"""Headless Chromium from Debian's package, driven by Playwright (which never downloads a browser here),
with fake media devices: a spoken answer as the microphone and a real face as the camera."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.support.audio import speech
from tests.support.images import astronaut_png

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SPOKEN_ANSWER = "A binary tree has nodes with at most two children, a left child and a right child."
# The machine has no network to speak of: without these flags Chromium keeps trying to reach Google.
QUIET = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


def fake_media(folder: Path) -> list[str]:
    """Chromium flags that replace the microphone with espeak-ng speech and the camera with a y4m video
    of scikit-image's astronaut (a real face for OpenCV)."""
    wav = folder / "answer.wav"
    wav.write_bytes(speech(SPOKEN_ANSWER, "wav"))
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "astronaut.png"
        png.write_bytes(astronaut_png())
        y4m = folder / "camera.y4m"
        subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-y", "-loop", "1", "-i", str(png), "-t", "2",
             "-vf", "scale=480:480,pad=640:480:80:0,format=yuv420p", "-r", "10", str(y4m)],
            check=True,
            timeout=120,
        )  # fmt: skip
    return [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}",
        f"--use-file-for-fake-video-capture={y4m}",  # letterboxed: a stretched face is not detected
        "--autoplay-policy=no-user-gesture-required",
    ]
