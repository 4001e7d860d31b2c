"""Hosted speech providers: OpenAI against a local server speaking its wire format, and Polly's request
checked with botocore's Stubber (moto's Polly returns a few zero bytes, so it cannot stand in here)."""

import io
from collections.abc import Iterator

import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from interview_core import aws as aws_clients
from interview_core import wiring
from interview_core.settings import Settings
from tests.support.apigw import ApiGateway
from tests.support.audio import speech
from tests.support.openai_stub import OpenAIStub, configured


@pytest.fixture
def stub(aws, monkeypatch) -> Iterator[OpenAIStub]:
    with configured(
        monkeypatch, OPENAI_API_KEY="sk-test-placeholder", OPENAI_BASE_URL="{url}", OPENAI_MAX_RETRIES="0"
    ) as server:
        server.speech_audio = speech("What is a closure?", "mp3")
        yield server


def test_openai_transcribes_with_word_timestamps_and_the_disfluency_prompt(api: ApiGateway, stub) -> None:
    sid = api.post("/start-interview", json={"topic": "Python"}).json()["session_id"]
    audio = speech("Arrays store elements in contiguous memory.", "webm")
    r = api.post_files(f"/audio-answer/{sid}", {"audio_file": ("blob", audio, "application/octet-stream")})
    assert r.status_code == 200, r.text
    assert r.json()["transcript"] == "Arrays store elements in contiguous memory"
    assert r.json()["speaking"]["word_count"] == 6
    [sent] = [q["body"] for q in stub.requests if q["path"].endswith("/audio/transcriptions")]
    assert sent["model"] == "whisper-1" and sent["language"] == "en"
    assert sent["response_format"] == "verbose_json" and sent["timestamp_granularities[]"] == "word"
    assert "um" in sent["prompt"].lower()
    # named by the format found in the bytes, so the service decodes it as what it is
    assert sent["file"]["filename"] == "answer.webm" and sent["file"]["size"] == len(audio)
    assert [q["auth"] for q in stub.requests] == ["Bearer sk-test-placeholder"]


def test_openai_speech_returns_its_mp3(api: ApiGateway, stub) -> None:
    r = api.post("/text-to-speech", json={"text": "What is a closure?"})
    assert r.status_code == 200 and r.headers["x-speech-provider"] == "openai"
    assert r.content == stub.speech_audio
    [sent] = [q["body"] for q in stub.requests if q["path"].endswith("/audio/speech")]
    assert sent == {
        "model": "gpt-4o-mini-tts",
        "voice": "alloy",
        "input": "What is a closure?",
        "response_format": "mp3",
    }


def test_openai_outage_is_503_and_records_nothing(api: ApiGateway, stub) -> None:
    sid = api.post("/start-interview", json={"topic": "Python"}).json()["session_id"]
    stub.failures = [500]
    r = api.post_files(
        f"/audio-answer/{sid}", {"audio_file": ("a.mp3", speech("Hello there.", "mp3"), "audio/mpeg")}
    )
    assert r.status_code == 503 and r.json()["detail"] == "Speech to text unavailable: InternalServerError"
    assert api.get(f"/session/{sid}").json()["answers_submitted"] == 0
    stub.failures = [503]
    assert api.post("/text-to-speech", json={"text": "Hi"}).status_code == 503


def _polly(monkeypatch) -> tuple:
    monkeypatch.setenv("TTS_PROVIDER", "polly")
    monkeypatch.setenv("POLLY_VOICE", "Matthew")
    wiring.reset()
    polly = aws_clients.client("polly")
    return polly, Stubber(polly)


def test_polly_is_asked_for_mp3_in_the_configured_voice(api: ApiGateway, aws, monkeypatch) -> None:
    polly, stubber = _polly(monkeypatch)
    mp3 = speech("Tell me about yourself.", "mp3")
    stubber.add_response(
        "synthesize_speech",
        {"AudioStream": StreamingBody(io.BytesIO(mp3), len(mp3)), "ContentType": "audio/mpeg"},
        {"Text": "Tell me about yourself.", "TextType": "text", "OutputFormat": "mp3", "VoiceId": "Matthew",
         "Engine": "neural"},
    )  # fmt: skip
    with stubber:
        r = api.post("/text-to-speech", json={"text": "Tell me about yourself."})
    assert r.status_code == 200 and r.headers["x-speech-provider"] == "polly" and r.content == mp3
    stubber.assert_no_pending_responses()


def test_polly_refusal_is_503_with_its_code(api: ApiGateway, aws, monkeypatch) -> None:
    polly, stubber = _polly(monkeypatch)
    stubber.add_client_error("synthesize_speech", service_error_code="TextLengthExceededException")
    with stubber:
        r = api.post("/text-to-speech", json={"text": "Hello"})
    assert r.status_code == 503
    assert r.json() == {
        "detail": "Text to speech unavailable: Polly refused the request (TextLengthExceededException)"
    }


def test_auto_picks_polly_inside_lambda_and_espeak_on_a_laptop(monkeypatch) -> None:
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    assert Settings(tts_provider="auto").tts_kind == "offline"
    assert Settings(tts_provider="auto", openai_api_key="sk-x").tts_kind == "openai"
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "fn")
    assert Settings(tts_provider="auto", openai_api_key="sk-x").tts_kind == "polly"
    assert Settings(stt_provider="auto").stt_kind == "offline"
    assert Settings(stt_provider="auto", openai_api_key_parameter="p").stt_kind == "openai"
