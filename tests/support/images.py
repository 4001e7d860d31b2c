"""Photos for face-detection tests, built from scikit-image's bundled sample images with OpenCV.

Nothing is shipped in the repository or downloaded: these images come inside the scikit-image wheel.
"""

from functools import cache

import cv2
import numpy as np
from skimage import data

# Centre of the astronaut's (Eileen Collins') face in skimage.data.astronaut(), 512x512, measured once by eye
# (eyes at y~100, mouth at y~145, cheeks at x~180 and ~270).
ASTRONAUT_FACE_CENTER = (225, 115)


def encode(image: np.ndarray, fmt: str = "jpeg", quality: int = 80) -> bytes:
    """`image` (BGR or grayscale) as JPEG, PNG or WebP bytes."""
    params = {
        "jpeg": [cv2.IMWRITE_JPEG_QUALITY, quality],
        "png": [],
        "webp": [cv2.IMWRITE_WEBP_QUALITY, quality],
    }[fmt]
    ok, buf = cv2.imencode(f".{fmt}", image, params)
    assert ok, fmt
    return buf.tobytes()


@cache
def sample(name: str) -> np.ndarray:
    """A bundled scikit-image sample (astronaut, coffee, chelsea, rocket, ...) as a read-only BGR array."""
    rgb = getattr(data, name)()
    image = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR) if rgb.ndim == 3 else cv2.cvtColor(rgb, cv2.COLOR_GRAY2BGR)
    image.flags.writeable = False  # cached: shared between tests
    return image


def webcam_frame(image: np.ndarray, width: int = 640) -> tuple[np.ndarray, float, int]:
    """`image` scaled to the height of a 4:3 frame `width` wide and centred on a dark background, as a
    webcam snapshot would frame someone; returns the frame, the scale and the horizontal offset."""
    height = width * 3 // 4
    scale = height / image.shape[0]
    resized = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    frame = np.full((height, width, 3), 30, np.uint8)
    offset = (width - resized.shape[1]) // 2
    assert offset >= 0, "only for images at most 4:3 wide"
    frame[:, offset : offset + resized.shape[1]] = resized
    return frame, scale, offset


@cache
def astronaut_jpeg(width: int = 640, quality: int = 80) -> bytes:
    """One face: the astronaut in a 4:3 webcam-like frame `width` wide."""
    return encode(webcam_frame(sample("astronaut"), width)[0], "jpeg", quality)


def astronaut_face_center(width: int = 640) -> tuple[float, float]:
    """Where ASTRONAUT_FACE_CENTER lands in astronaut_jpeg(width)."""
    _, scale, offset = webcam_frame(sample("astronaut"), width)
    x, y = ASTRONAUT_FACE_CENTER
    return offset + x * scale, y * scale


@cache
def astronaut_png() -> bytes:
    """One face: the astronaut at her original 512x512, lossless."""
    return encode(sample("astronaut"), "png")


@cache
def astronaut_webp(quality: int = 80) -> bytes:
    return encode(sample("astronaut"), "webp", quality)


@cache
def two_faces_jpeg() -> bytes:
    """Two faces side by side (1024x512): the astronaut and her mirror image, so they are not identical."""
    astronaut = sample("astronaut")
    return encode(np.hstack([astronaut, cv2.flip(astronaut, 1)]), "jpeg", 80)


@cache
def no_face_jpeg(name: str = "chelsea") -> bytes:
    """A bundled photo without a human face; the default, a cat, is the hardest of them."""
    return encode(sample(name), "jpeg", 80)


@cache
def blank_png(width: int = 640, height: int = 480, value: int = 128) -> bytes:
    """A uniform grey image: PNG of a constant compresses to almost nothing, whatever its size."""
    return encode(np.full((height, width), value, np.uint8), "png")


@cache
def noise_png(width: int = 640, height: int = 480, seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    return encode(rng.integers(0, 256, (height, width, 3), dtype=np.uint8), "png")
