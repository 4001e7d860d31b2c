"""Text out of an uploaded résumé or job description: a PDF (pypdf) or UTF-8 plain text, told apart by
their bytes. The work is bounded, so a hostile file costs little: the size, the pages read, pypdf's own
decompression and parsing budgets (tightened here), a wall-clock budget between pages, and the characters
kept (the résumé_text limit). The text comes back cleaned to what start-interview accepts."""

import io
import logging
import re
import time
from dataclasses import dataclass
from typing import Literal

from interview_core.domain import MAX_BACKGROUND_CHARS
from interview_core.errors import DocumentRejected, PayloadTooLarge
from interview_core.text import BIDI_CONTROLS, SURROGATES, ZERO_WIDTH

MAX_DOCUMENT_BYTES = 5_000_000
MAX_DOCUMENT_PAGES = 20  # a résumé is 1-3 pages; past 20 no page is read
EXTRACTION_SECONDS = 3.0  # checked between pages: a page already started finishes (at most ~1.5 s here)
# Tighter than pypdf's defaults (75 MB a stream): a few pages of text need far less.
_PYPDF_LIMITS = {
    "zlib_maximum_output_length": 20_000_000,
    "lzw_maximum_output_length": 20_000_000,
    "run_length_maximum_output_length": 20_000_000,
    "jbig2_maximum_output_length": 20_000_000,
    "brotli_maximum_output_length": 20_000_000,
    "array_based_stream_maximum_output_length": 20_000_000,
    "stream_decoding_work_maximum_length": 50_000_000,
    "stream_parsing_work_maximum_count": 200_000,  # a page of résumé holds ~10,000 tokens
    "page_tree_maximum_entries": 10_000,
    "image_maximum_buffer_size": 20_000_000,
}
# What start-interview refuses in a text field (text.TEXT_CONTROLS), zero-width characters and surrogates
# become spaces or go; PDF text often holds form feeds and soft hyphens.
_REFUSED = re.compile(
    f"[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f{BIDI_CONTROLS}{SURROGATES}]"
)
_GONE = re.compile(f"[{ZERO_WIDTH}\\u00ad]")
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n\s*\n(\s*\n)+")


@dataclass(frozen=True)
class DocumentText:
    text: str
    pages: int | None  # a PDF's page count; None for plain text
    format: Literal["pdf", "text"]
    truncated: bool  # pages or characters were left out to stay within the bounds

    @property
    def chars(self) -> int:
        return len(self.text)


def clean(text: str) -> str:
    text = _GONE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _REFUSED.sub(" ", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _bounded(text: str) -> tuple[str, bool]:
    text = clean(text)
    if len(text) <= MAX_BACKGROUND_CHARS:
        return text, False
    cut = text[:MAX_BACKGROUND_CHARS]
    return cut[: cut.rfind(" ")].rstrip() if " " in cut[-200:] else cut, True


def read_text(data: bytes) -> DocumentText:
    """The file's text. Raises PayloadTooLarge past MAX_DOCUMENT_BYTES, DocumentRejected for anything that
    is neither a readable PDF nor UTF-8 text, or holds no text."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise PayloadTooLarge(
            f"The file is {len(data) / 1e6:.1f} MB; at most {MAX_DOCUMENT_BYTES / 1e6:g} MB is read"
        )
    if not data.strip():
        raise DocumentRejected("The file is empty")
    if b"%PDF-" in data[:1024]:  # the header may follow a little junk (the PDF spec allows 1 KB)
        return _pdf(data)
    return _plain(data)


def _plain(data: bytes) -> DocumentText:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentRejected(
            "Not a PDF or UTF-8 text file: send a PDF, or the résumé saved as plain text (UTF-8)"
        ) from None
    controls = sum(1 for c in text if c < " " and c not in "\t\n\r\f")
    if "\x00" in text or controls > len(text) // 100:
        raise DocumentRejected("The file looks binary, not text: send a PDF or a plain text file")
    kept, truncated = _bounded(text)
    if not kept:
        raise DocumentRejected("The file holds no text")
    return DocumentText(kept, None, "text", truncated)


def _pdf(data: bytes) -> DocumentText:
    import pypdf  # only the function that reads documents ships it
    from pypdf.errors import LimitReachedError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings may quote the file's objects
    deadline = time.monotonic() + EXTRACTION_SECONDS
    parts: list[str] = []
    size = 0
    try:
        with pypdf.apply_configuration(None, **_PYPDF_LIMITS):
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise DocumentRejected(
                    "The PDF is encrypted (password-protected): save a copy without a password and send that"
                )
            pages = len(reader.pages)
            read = 0
            for page in reader.pages[:MAX_DOCUMENT_PAGES]:
                if size > MAX_BACKGROUND_CHARS or time.monotonic() > deadline:
                    break
                part = page.extract_text() or ""
                parts.append(part)
                size += len(part)
                read += 1
    except DocumentRejected:
        raise
    except LimitReachedError as err:
        raise DocumentRejected(
            "The PDF is too large or complex to read here (it passes a decompression or parsing limit)"
        ) from err
    except Exception as err:  # on damaged input pypdf raises its own errors and plain ones from deep inside
        raise DocumentRejected(
            f"The PDF could not be read ({type(err).__name__}): it may be damaged"
        ) from err
    kept, truncated = _bounded("\n\n".join(parts))
    if not kept:
        raise DocumentRejected(
            "No text found in the PDF (a scanned page holds only an image): paste the text instead"
        )
    return DocumentText(kept, pages, "pdf", truncated or read < pages)
