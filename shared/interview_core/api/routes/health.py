from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Query

from interview_core.api.schemas import HealthResponse, LlmHealth
from interview_core.providers import llm_status
from interview_core.settings import Settings, get_settings

router = APIRouter(tags=["service"])
RECENT = timedelta(minutes=15)


def _ping() -> None:
    from interview_core.providers.factory import language_model  # only for a deep check: the client is heavy

    model = language_model()
    if ping := getattr(model, "ping", None):  # the offline model answers without a call
        ping()


def _llm_health(s: Settings, deep: bool) -> LlmHealth:
    if s.llm_kind == "offline":
        return LlmHealth(answered_recently=None, output_mode=None)
    if deep and s.llm_configured:
        llm_status.deep_check(s.llm_health_check_seconds, _ping)
    st = llm_status.STATUS
    now = datetime.now(UTC)
    return LlmHealth(
        answered_recently=bool(st.last_success_at and now - st.last_success_at < RECENT and not st.failing),
        last_success_at=st.last_success_at,
        last_failure_at=st.last_failure_at,
        last_error=st.last_error,
        output_mode=st.output_mode or (None if s.llm_output_mode == "auto" else s.llm_output_mode),
        deep_checked_at=st.deep_checked_at if deep else None,
        deep_ok=st.deep_ok if deep else None,
        deep_error=st.deep_error if deep else None,
    )


@router.get("/health", response_model=HealthResponse, summary="Configuration and provider health")
def health(
    deep: bool = Query(
        False, description="Also ask the language model (one tiny call, at most once a minute per instance)"
    ),
) -> HealthResponse:
    s = get_settings()
    llm = s.llm_kind
    configured = llm == "offline" or s.llm_configured
    model_health = _llm_health(s, deep)
    failing = llm == "openai" and (llm_status.STATUS.failing or (deep and model_health.deep_ok is False))
    llm_name = f"openai:{s.openai_model}" if llm == "openai" else "offline-rubric"
    if not configured:
        message = "LLM_PROVIDER=openai but OPENAI_API_KEY is not set"
    elif failing:
        message = f"Language model failing: {model_health.deep_error or model_health.last_error}"
    else:
        message = "All providers available"
    return HealthResponse(
        status="healthy" if configured and not failing else "degraded",
        service=s.service_name,
        openai_configured=s.openai_configured,
        service_ready=configured,
        message=message
        + (
            "" if llm == "openai" else "; questions and scores come from the offline question bank and rubric"
        ),
        providers={"llm": llm_name, "speech_to_text": s.stt_kind, "text_to_speech": s.tts_kind},
        llm=model_health,
    )
