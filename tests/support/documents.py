"""PDFs made in the test, with pypdf: pages of Helvetica text, optionally encrypted."""

import io
import zlib

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, EncodedStreamObject, NameObject


def _escaped(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf(*pages: list[str], password: str | None = None) -> bytes:
    """A PDF whose page i shows the lines pages[i] (Latin-1 text), one under the other."""
    writer = PdfWriter()
    for lines in pages:
        page = writer.add_blank_page(612, 792)
        ops = ["BT", "/F1 11 Tf", "14 TL", "72 740 Td"]
        ops += [f"({_escaped(line)}) Tj T*" for line in lines]
        ops.append("ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = _resources(writer)
    if password is not None:
        writer.encrypt(password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def compressed(content: bytes, pages: int = 1) -> bytes:
    """A PDF whose pages each hold `content` as their content stream, Flate-compressed: a few hundred KB
    can expand to hundreds of MB (a decompression bomb)."""
    writer = PdfWriter()
    data = zlib.compress(content, 9)
    for _ in range(pages):
        page = writer.add_blank_page(612, 792)
        stream = EncodedStreamObject()
        stream._data = data  # already encoded: set_data would encode it again
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = _resources(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _resources(writer: PdfWriter) -> DictionaryObject:
    """Helvetica as /F1: without a font pypdf reads no text from a page at all."""
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    return DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
