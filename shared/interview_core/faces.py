"""Face detection for proctoring photos (the reference face and webcam snapshots): how many faces, and where.

OpenCV's frontal-face Haar cascade, bundled with opencv-python-headless 4.x (5.x dropped it): no model to
download, deterministic, ~40-80 ms per snapshot. Only the functions that check photos import this module.
"""

import os
import threading
from dataclasses import dataclass

# ImageRejected lives with the other domain errors (the API maps it to 400).
from interview_core.errors import ImageRejected

MIN_SIDE = 64  # smaller cannot hold a face the cascade finds (its window is 24 px, faces are a fraction)
MAX_SIDE = 4096  # fits webcams and 12 MP phone photos (4032x3024); past it, likely a decompression bomb

# A PNG of zeros a few hundred KB long can declare gigapixels. OpenCV refuses to allocate past this limit,
# but reads it once when cv2 loads, so it holds only if this module imports cv2 first; the check on the
# decoded shape in check_faces covers the other case.
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(MAX_SIDE * MAX_SIDE))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

IMAGE_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}

EMPTY = "The image is empty"
UNSUPPORTED = "Unsupported image format"
UNDECODABLE = "The image could not be decoded"
TOO_SMALL = f"The image is too small: it must be at least {MIN_SIDE} pixels on each side"
TOO_LARGE = f"The image is too large: it must be at most {MAX_SIDE} pixels on each side"

# Detector parameters, tuned on scikit-image's bundled photos (see tests/unit/test_faces.py).
# The cascade scans a copy at most this long: its cost grows with the pixels, its accuracy does not.
WORK_SIDE = 640
# Pyramid step: 1.1 is ~25% slower and found a face in the moon; 1.2 missed the smaller of two faces.
SCALE_FACTOR = 1.15
# Overlapping hits needed to accept a face: at 6 coins and cell textures pass, at 10 small faces drop out.
MIN_NEIGHBORS = 8
# Of the shorter side: smaller "faces" are mostly texture, or someone far behind the candidate.
MIN_FACE_FRACTION = 0.1

CASCADE_PATH = os.path.join(
    cv2.data.haarcascades,  # type: ignore[attr-defined]  # not in its stubs
    "haarcascade_frontalface_default.xml",
)


@dataclass(frozen=True)
class FaceCheck:
    faces: int
    boxes: list[tuple[int, int, int, int]]  # x, y, w, h in the (EXIF-upright) image's pixels, largest first
    width: int
    height: int
    image_type: str  # a key of IMAGE_TYPES

    @property
    def verdict(self) -> str:
        if self.faces == 1:
            return "ok"
        return "no_face" if self.faces == 0 else "multiple_faces"


def sniff_image(data: bytes) -> str | None:
    """The image type named by the first bytes (magic number), whatever the upload claimed."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _load_cascade() -> cv2.CascadeClassifier:
    cascade = cv2.CascadeClassifier(CASCADE_PATH)
    if cascade.empty():  # a broken layer, not a bad image: fail loudly at import
        raise RuntimeError(f"OpenCV face cascade not found at {CASCADE_PATH}")
    return cascade


# Loaded at import (~12 ms), inside the Lambda init phase. detectMultiScale keeps scratch state in the
# classifier, so calls must not overlap: one lock rather than one classifier per thread, since Lambda runs
# one request at a time and the local server's rare concurrent checks can wait a few tens of ms.
_CASCADE = _load_cascade()
_CASCADE_LOCK = threading.Lock()


def check_faces(data: bytes) -> FaceCheck:
    """Count the faces in a JPEG, PNG or WebP photo. Raises ImageRejected if it cannot be checked."""
    if not data:
        raise ImageRejected(EMPTY)
    image_type = sniff_image(data)
    if image_type is None:
        raise ImageRejected(UNSUPPORTED)
    gray = _decode(data)
    height, width = gray.shape
    if max(height, width) > MAX_SIDE:
        raise ImageRejected(TOO_LARGE)
    if min(height, width) < MIN_SIDE:
        raise ImageRejected(TOO_SMALL)
    boxes = _detect(gray)
    return FaceCheck(faces=len(boxes), boxes=boxes, width=width, height=height, image_type=image_type)


def _decode(data: bytes) -> np.ndarray:
    # Grayscale straight from the decoder: the cascade needs nothing more, and it is a third of the memory.
    # EXIF orientation is applied, so a phone photo taken sideways is scanned upright.
    try:
        gray = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    except cv2.error as err:  # raised (not None returned) when the header declares too many pixels
        raise ImageRejected(TOO_LARGE if "CV_IO_MAX_IMAGE" in str(err) else UNDECODABLE) from err
    if gray is None or gray.size == 0:
        raise ImageRejected(UNDECODABLE)
    return gray


def _detect(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    height, width = gray.shape
    scale = min(1.0, WORK_SIDE / max(height, width))
    small = gray
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        small = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)  # INTER_AREA: no aliasing when shrinking
    small = cv2.equalizeHist(small)  # dim or washed-out webcams: the cascade's features are contrast-based
    side = max(24, round(min(small.shape) * MIN_FACE_FRACTION))  # 24: the cascade's own window
    with _CASCADE_LOCK:
        found = _CASCADE.detectMultiScale(
            small, scaleFactor=SCALE_FACTOR, minNeighbors=MIN_NEIGHBORS, minSize=(side, side)
        )
    # Per-axis factors, since rounding the working size can make them differ slightly.
    fx, fy = width / small.shape[1], height / small.shape[0]
    boxes = []
    for x, y, w, h in found:
        x0, y0 = max(0, round(x * fx)), max(0, round(y * fy))
        x1, y1 = min(width, round((x + w) * fx)), min(height, round((y + h) * fy))
        boxes.append((x0, y0, x1 - x0, y1 - y0))
    return sorted(boxes, key=lambda b: b[2] * b[3], reverse=True)
