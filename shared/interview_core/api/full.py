"""Every router in one app: the local server (Swagger UI at /docs, ReDoc at /redoc)."""

from fastapi import FastAPI

from interview_core.api.app import create_app
from interview_core.api.routes import (
    audio_answer,
    audio_upload,
    delete_session,
    evaluate_answers,
    generate_questions,
    get_report,
    get_session,
    health,
    list_sessions,
    root,
    start_interview,
    submit_answer,
    text_to_speech,
    transcribe_audio,
)

ROUTE_MODULES = [
    root,
    health,
    start_interview,
    submit_answer,
    audio_answer,
    audio_upload,
    get_session,
    delete_session,
    list_sessions,
    generate_questions,
    evaluate_answers,
    get_report,
    transcribe_audio,
    text_to_speech,
]


def build() -> FastAPI:
    return create_app(*(m.router for m in ROUTE_MODULES), docs=True)
