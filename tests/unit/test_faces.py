"""Face detection on proctoring photos, with real photos from scikit-image's bundled samples."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
import pytest

from interview_core.errors import ImageRejected
from interview_core.faces import (
    IMAGE_TYPES,
    MAX_SIDE,
    MIN_SIDE,
    TOO_LARGE,
    TOO_SMALL,
    UNDECODABLE,
    UNSUPPORTED,
    FaceCheck,
    check_faces,
    sniff_image,
)
from tests.support import images


def _center(box: tuple[int, int, int, int]) -> tuple[float, float]:
    x, y, w, h = box
    return x + w / 2, y + h / 2


@pytest.mark.parametrize(
    ("make", "image_type", "size"),
    [
        (lambda: images.astronaut_jpeg(), "jpeg", (640, 480)),
        (lambda: images.astronaut_jpeg(quality=70), "jpeg", (640, 480)),  # a typical webcam snapshot
        (lambda: images.astronaut_jpeg(width=320, quality=60), "jpeg", (320, 240)),
        (lambda: images.astronaut_jpeg(width=2048), "jpeg", (2048, 1536)),  # downscaled before detection
        (images.astronaut_png, "png", (512, 512)),
        (images.astronaut_webp, "webp", (512, 512)),
    ],
)
def test_one_face_in_the_astronaut(make, image_type: str, size: tuple[int, int]) -> None:
    check = check_faces(make())
    assert check.faces == 1 and check.verdict == "ok"
    assert check.image_type == image_type and image_type in IMAGE_TYPES
    assert (check.width, check.height) == size


def test_box_lies_over_the_face_in_original_pixels() -> None:
    (box,) = check_faces(images.astronaut_png()).boxes
    cx, cy = _center(box)
    assert abs(cx - images.ASTRONAUT_FACE_CENTER[0]) < 20 and abs(cy - images.ASTRONAUT_FACE_CENTER[1]) < 20
    assert 70 <= box[2] <= 140 and 70 <= box[3] <= 140  # her face is ~95 px across
    for width in (640, 2048):  # 2048: boxes found on the downscaled copy are mapped back
        (box,) = check_faces(images.astronaut_jpeg(width=width)).boxes
        (cx, cy), (ex, ey) = _center(box), images.astronaut_face_center(width)
        tolerance = 20 * (width * 3 / 4) / 512  # 20 px at the original 512 px
        assert abs(cx - ex) < tolerance and abs(cy - ey) < tolerance, (width, box)
        assert all(isinstance(v, int) for v in box)


def test_two_faces_side_by_side() -> None:
    check = check_faces(images.two_faces_jpeg())
    assert check.faces == 2 and check.verdict == "multiple_faces"
    assert (check.width, check.height) == (1024, 512)
    assert sorted(_center(b)[0] < 512 for b in check.boxes) == [False, True]  # one in each half


@pytest.mark.parametrize(
    "make",
    [
        lambda: images.no_face_jpeg("chelsea"),  # a cat's face is not a person's
        lambda: images.no_face_jpeg("coffee"),
        lambda: images.no_face_jpeg("rocket"),
        images.blank_png,
        lambda: images.blank_png(value=0),
        images.noise_png,
        lambda: images.blank_png(MIN_SIDE, MIN_SIDE),  # the smallest accepted
        lambda: images.blank_png(MAX_SIDE, MAX_SIDE),  # the largest accepted
        lambda: images.blank_png(MAX_SIDE, MIN_SIDE),  # a strip: too thin to scan once downscaled
    ],
)
def test_no_face(make) -> None:
    check = check_faces(make())
    assert check.faces == 0 and check.boxes == [] and check.verdict == "no_face"


def test_verdict() -> None:
    def check(faces: int) -> FaceCheck:
        return FaceCheck(faces=faces, boxes=[(0, 0, 1, 1)] * faces, width=64, height=64, image_type="png")

    assert [check(n).verdict for n in (0, 1, 2, 3)] == ["no_face", "ok", "multiple_faces", "multiple_faces"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (images.encode(np.zeros((8, 8), np.uint8), "jpeg"), "jpeg"),
        (images.encode(np.zeros((8, 8), np.uint8), "png"), "png"),
        (images.encode(np.zeros((8, 8, 3), np.uint8), "webp"), "webp"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", None),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", None),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),  # RIFF, but audio
        (b"hello, this is not an image", None),
        (b"\xff\xd8", None),  # too short to be sure
        (b"", None),
    ],
)
def test_sniff_image(data: bytes, expected: str | None) -> None:
    assert sniff_image(data) == expected


def _rejected(data: bytes) -> str:
    with pytest.raises(ImageRejected) as info:
        check_faces(data)
    return info.value.detail


def test_rejects_what_cannot_be_checked() -> None:
    assert _rejected(b"") == "The image is empty"
    assert _rejected(b"hello, this is not an image") == UNSUPPORTED == "Unsupported image format"
    assert _rejected(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;") == UNSUPPORTED
    assert _rejected(images.astronaut_jpeg()[:200]) == UNDECODABLE == "The image could not be decoded"
    assert _rejected(images.astronaut_jpeg()[:-5000]) == UNDECODABLE
    assert _rejected(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100) == UNDECODABLE


@pytest.mark.parametrize(
    ("width", "height", "detail"),
    [
        (10_000, 10, TOO_LARGE),
        (MAX_SIDE + 1, 100, TOO_LARGE),
        (5000, 5000, TOO_LARGE),  # 32 KB as a PNG of zeros, 25 Mpx decoded
        (32, 32, TOO_SMALL),
        (MIN_SIDE - 1, 480, TOO_SMALL),
    ],
)
def test_size_guard(width: int, height: int, detail: str) -> None:
    assert _rejected(images.encode(np.zeros((height, width), np.uint8), "png")) == detail


def test_opencv_refuses_to_decode_a_bomb_when_faces_loads_it_first() -> None:
    # In a fresh interpreter (as in a Lambda) faces.py imports cv2 and sets OpenCV's pixel limit, so the
    # 5000x5000 image is refused before its pixels are allocated, not after.
    code = """
from interview_core.errors import ImageRejected
from interview_core.faces import check_faces
import cv2, numpy as np

png = cv2.imencode(".png", np.zeros((5000, 5000), np.uint8))[1]
try:
    cv2.imdecode(png, cv2.IMREAD_GRAYSCALE)
    raise SystemExit("decoded despite the limit")
except cv2.error:
    pass
try:
    check_faces(png.tobytes())
except ImageRejected as e:
    print(e.detail)
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == TOO_LARGE


def test_concurrent_checks_agree() -> None:
    photos = [images.astronaut_jpeg(), images.two_faces_jpeg(), images.no_face_jpeg()] * 4
    with ThreadPoolExecutor(max_workers=6) as pool:
        counts = list(pool.map(lambda p: check_faces(p).faces, photos))
    assert counts == [1, 2, 0] * 4


def test_exif_orientation_is_applied() -> None:
    # A phone photo stored sideways with an EXIF "rotate 90° clockwise" tag: scanned upright, the face is
    # found (without the tag it is not) and the size reported is the upright one.
    frame, _, _ = images.webcam_frame(images.sample("astronaut"))
    sideways = images.encode(cv2.rotate(frame, cv2.ROTATE_90_COUNTERCLOCKWISE), "jpeg", 90)
    assert check_faces(sideways).faces == 0
    check = check_faces(_with_orientation(sideways, 6))
    assert check.faces == 1 and (check.width, check.height) == (640, 480)


def _with_orientation(jpeg: bytes, orientation: int) -> bytes:
    """`jpeg` with an APP1 Exif segment holding only the Orientation tag, right after SOI."""
    tiff = (
        b"MM\x00\x2a\x00\x00\x00\x08"  # big-endian TIFF header, first IFD at offset 8
        + b"\x00\x01"  # one entry
        + b"\x01\x12\x00\x03\x00\x00\x00\x01"  # tag 0x0112 Orientation, SHORT, count 1
        + orientation.to_bytes(2, "big")
        + b"\x00\x00"
        + b"\x00\x00\x00\x00"  # no next IFD
    )
    payload = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload + jpeg[2:]
