from fastapi import APIRouter

from interview_core.api.schemas import HealthResponse
from interview_core.settings import get_settings

router = APIRouter(tags=["service"])


@router.get("/health", response_model=HealthResponse, summary="Configuration and provider health")
def health() -> HealthResponse:
    s = get_settings()
    llm = s.llm_kind
    ready = llm == "offline" or s.openai_configured
    llm_name = f"openai:{s.openai_model}" if llm == "openai" else "offline-rubric"
    return HealthResponse(
        status="healthy" if ready else "degraded",
        service=s.service_name,
        openai_configured=s.openai_configured,
        service_ready=ready,
        message=("All providers available" if ready else "LLM_PROVIDER=openai but OPENAI_API_KEY is not set")
        + (
            "" if llm == "openai" else "; questions and scores come from the offline question bank and rubric"
        ),
        providers={"llm": llm_name, "speech_to_text": s.stt_kind, "text_to_speech": s.tts_kind},
    )
