"""POST /api/resume-text: the text of a résumé (or job description) sent as a PDF or plain text file, for the
client to send on as start-interview's resume_text. Nothing is stored and nothing of it is logged."""

from typing import Literal

from fastapi import APIRouter, Depends, File, UploadFile
from pydantic import Field

from interview_core.api.auth import caller
from interview_core.api.error_schemas import ErrorResponse
from interview_core.api.responses import documented
from interview_core.documents import MAX_DOCUMENT_BYTES, read_text
from interview_core.errors import PayloadTooLarge
from interview_core.model import Model

router = APIRouter(dependencies=[Depends(caller)], tags=["interview"])


class ResumeTextResponse(Model):
    text: str = Field(
        description="Cleaned to what start-interview's resume_text accepts, at most 20,000 characters"
    )
    pages: int | None = Field(description="The PDF's pages (null for a text file)")
    chars: int
    format: Literal["pdf", "text"]
    truncated: bool = Field(description="Pages or characters past the limits were left out")


@router.post(
    "/api/resume-text",
    response_model=ResumeTextResponse,
    summary="Read the text of a résumé: a PDF or plain text file (nothing is stored)",
    responses={
        400: {"model": ErrorResponse, "description": "Not a PDF or UTF-8 text, empty, encrypted, unreadable"},
        **documented(413),
    },
)
def resume_text(
    file: UploadFile = File(description="PDF or UTF-8 plain text, at most 5 MB"),
) -> ResumeTextResponse:
    if (file.size or 0) > MAX_DOCUMENT_BYTES:
        raise PayloadTooLarge(
            f"The file is {(file.size or 0) / 1e6:.1f} MB; at most {MAX_DOCUMENT_BYTES / 1e6:g} MB is read"
        )
    read = read_text(file.file.read(MAX_DOCUMENT_BYTES + 1))
    return ResumeTextResponse(
        text=read.text, pages=read.pages, chars=read.chars, format=read.format, truncated=read.truncated
    )
