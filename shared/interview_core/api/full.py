"""Every router in one app: the local server (Swagger UI at /docs, ReDoc at /redoc)."""

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from interview_core.api.app import create_app
from interview_core.api.routes import (
    audio_answer,
    audio_upload,
    capture_reference_face,
    code_run,
    config,
    delete_session,
    evaluate_answers,
    generate_questions,
    get_report,
    get_session,
    health,
    job_create,
    job_delete,
    job_get,
    job_list,
    job_update,
    list_sessions,
    live_ws,
    livekit_webhook,
    proctoring_events,
    proctoring_snapshot,
    recruiter_consent,
    recruiter_create,
    recruiter_delete,
    recruiter_end,
    recruiter_get,
    recruiter_list,
    recruiter_release_report,
    recruiter_start,
    recruiter_stats,
    report_share,
    resume_text,
    root,
    shared_report,
    start_interview,
    submit_answer,
    text_to_speech,
    transcribe_audio,
    usage,
    webhooks,
)

ROUTE_MODULES = [
    root,
    health,
    config,
    start_interview,
    resume_text,
    submit_answer,
    audio_answer,
    audio_upload,
    get_session,
    delete_session,
    list_sessions,
    generate_questions,
    evaluate_answers,
    get_report,
    report_share,
    shared_report,
    transcribe_audio,
    text_to_speech,
    recruiter_create,
    recruiter_list,
    recruiter_get,
    recruiter_start,
    recruiter_end,
    recruiter_release_report,
    recruiter_delete,
    recruiter_stats,
    recruiter_consent,
    job_create,
    job_list,
    job_get,
    job_update,
    job_delete,
    capture_reference_face,
    proctoring_events,
    proctoring_snapshot,
    code_run,
    livekit_webhook,
    live_ws,
    usage,
    webhooks,
]


WEB_DIR = Path(os.environ.get("WEB_DIR", Path(__file__).resolve().parents[3] / "web"))


def build() -> FastAPI:
    app = create_app(*(m.router for m in ROUTE_MODULES), docs=True)
    if WEB_DIR.is_dir():  # the web app: static files, the same ones a deployment serves from S3/CloudFront
        app.mount("/app", StaticFiles(directory=WEB_DIR, html=True), name="app")
    return app
