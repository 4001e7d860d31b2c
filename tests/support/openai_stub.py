"""A local HTTP server that speaks OpenAI's wire format: chat completions (structured outputs), audio
transcriptions (multipart, verbose_json with word timestamps) and speech.

It answers by the JSON schema the client asked for, records every request, and can be told to fail
or stall, so the real `openai` client is exercised end to end: serialization, retries, timeouts.
"""

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.parser import BytesParser
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from interview_core import wiring

PROMPT_TOKENS = 50
COMPLETION_TOKENS = 20


class OpenAIStub:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.failures: list[int] = []  # status codes to return, in order, before answering normally
        self.failure_text = "stubbed failure"  # the message of those failures
        # "json_schema": refuse response_format json_schema with a 500, as llama-cpp-python's server does;
        # "response_format": refuse any response_format (a server that only does function calling)
        self.refuse: str | None = None
        self.truncate_next = 0  # this many replies cut off at the length limit (invalid JSON)
        # The problems CodingQuestionSet replies give, in order (each reply takes as many as it was asked
        # for); past them, a passing problem of coding_problem()'s
        self.coding_problems: list[dict[str, Any]] = []
        # FittedQuestionSet replies: each question's source_from and skill, in order (past them: topic)
        self.fitted_sources: list[tuple[str, str]] = []
        # FollowUpOut replies, in order; past them: probe the first key point the grader's findings miss
        self.follow_up_replies: list[dict[str, Any]] = []
        self.delay_seconds = 0.0
        self.transcript_words = ["Arrays", "store", "elements", "in", "contiguous", "memory"]
        self.speech_audio = b""  # what /audio/speech returns (tests put real MP3 here)
        self.in_flight = 0
        self.max_in_flight = 0  # most requests served at the same time
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                ctype = self.headers.get("Content-Type", "")
                body = _multipart(raw, ctype) if ctype.startswith("multipart/") else json.loads(raw)
                with stub._lock:
                    stub.requests.append(
                        {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
                    )
                    failure = stub.failures.pop(0) if stub.failures else None
                    stub.in_flight += 1
                    stub.max_in_flight = max(stub.max_in_flight, stub.in_flight)
                try:
                    if stub.delay_seconds:
                        time.sleep(stub.delay_seconds)
                    self._answer(body, failure)
                finally:
                    with stub._lock:
                        stub.in_flight -= 1

            def _answer(self, body: dict[str, Any], failure: int | None) -> None:
                if failure:
                    self._send(failure, {"error": {"message": stub.failure_text, "type": "server_error"}})
                elif self.path.endswith("/chat/completions") and (refusal := stub.refusal(body)):
                    self._send(500, {"error": {"message": refusal, "type": "internal_server_error"}})
                elif self.path.endswith("/chat/completions"):
                    self._send(200, stub.completion(body))
                elif self.path.endswith("/audio/transcriptions"):
                    self._send(200, stub.transcription())
                elif self.path.endswith("/audio/speech"):
                    self.send_response(200)
                    self.send_header("Content-Type", "audio/mpeg")
                    self.send_header("Content-Length", str(len(stub.speech_audio)))
                    self.end_headers()
                    self.wfile.write(stub.speech_audio)
                else:
                    self._send(404, {"error": {"message": "unknown path"}})

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> "OpenAIStub":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    @property
    def completions(self) -> list[dict[str, Any]]:
        return [r["body"] for r in self.requests if r["path"].endswith("/chat/completions")]

    def transcription(self) -> dict[str, Any]:
        words = [
            {"word": w, "start": i * 0.5, "end": i * 0.5 + 0.4} for i, w in enumerate(self.transcript_words)
        ]
        return {
            "text": " ".join(self.transcript_words),
            "language": "english",
            "duration": 3.0,
            "words": words,
        }

    def refusal(self, body: dict[str, Any]) -> str | None:
        kind = (body.get("response_format") or {}).get("type")
        if self.refuse == "json_schema" and kind == "json_schema":
            # llama-cpp-python 0.3.x: its request model takes only "text" and "json_object"
            return (
                "1 validation error for CreateChatCompletionRequest\nresponse_format.type\n  Input should be "
                "'text' or 'json_object' [type=literal_error, input_value='json_schema', input_type=str]"
            )
        if self.refuse == "response_format" and kind not in (None, "text"):
            return f"response_format of type {kind} is not supported"
        return None

    @staticmethod
    def schema_name(body: dict[str, Any]) -> str:
        """QuestionSet, CodingQuestionSet or AnswerGrade, from whichever way the request carried the schema."""
        if body.get("tools"):
            return str(body["tools"][0]["function"]["name"])
        if body["response_format"]["type"] == "json_schema":
            return str(body["response_format"]["json_schema"]["name"])
        schema = body["response_format"]["schema"]
        if "ask" in schema["properties"]:
            return "FollowUpOut"
        if "questions" not in schema["properties"]:
            return "AnswerGrade"
        item = schema["properties"]["questions"]["items"]["properties"]
        if "reference_solution" in item:
            return "CodingQuestionSet"
        return "FittedQuestionSet" if "source_from" in item else "QuestionSet"

    def completion(self, body: dict[str, Any]) -> dict[str, Any]:
        if "response_format" not in body and not body.get("tools"):  # a health ping
            return self._reply(body, {"role": "assistant", "content": "OK"}, "stop")
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        if self.schema_name(body) == "CodingQuestionSet":
            n = int(re.search(r"Number of problems: (\d+)", user).group(1))
            language = re.search(r"Language: (\w+)", user).group(1)
            with self._lock:
                given, self.coding_problems = self.coding_problems[:n], self.coding_problems[n:]
            content = {"questions": given + [coding_problem(i, language) for i in range(len(given), n)]}
        elif self.schema_name(body) in ("QuestionSet", "FittedQuestionSet"):
            n = int(re.search(r"Number of questions: (\d+)", user).group(1))
            topic = re.search(r"Topic: (.+)", user).group(1)
            content = {
                "questions": [
                    {
                        "question": f"Stub question {i + 1} about {topic}?",
                        "key_points": [{"point": f"Point {i + 1}", "keywords": [f"keyword{i + 1}"]}],
                    }
                    for i in range(n)
                ]
            }
            if self.schema_name(body) == "FittedQuestionSet":
                for i, question in enumerate(content["questions"]):
                    origin, skill = self.fitted_sources[i] if i < len(self.fitted_sources) else ("topic", "")
                    question.update(source_from=origin, skill=skill)
                    if skill:
                        question["question"] = f"Stub question {i + 1}: how have you used {skill}?"
        elif self.schema_name(body) == "FollowUpOut":
            latest = re.findall(r"<answer>\n(.*?)\n</answer>", user, re.S)[-1]
            missing = re.search(r"key points missing: ([\d, ]+);", user)
            with self._lock:
                content = self.follow_up_replies.pop(0) if self.follow_up_replies else None
            content = (
                content
                or {  # as the findings say: probe the first point missing, else move on
                    "ask": bool(missing),
                    "reason": "probe",
                    "key_point": int(missing.group(1).split(",")[0]) if missing else 0,
                    "question": f"You mentioned {' '.join(latest.split()[:3])}: what happens underneath?",
                }
            )
        else:
            answer = re.search(r"<answer>\n(.*)\n</answer>", user, re.S).group(1)
            # deterministic: the grade depends on this answer alone
            content = {
                "score": min(10, len(answer.split())),
                "evidence": [answer[:40]],
                "missing": [] if len(answer.split()) >= 10 else ["depth"],
                "feedback": "Stub feedback.",
            }
        text, finish = json.dumps(content), "stop"
        with self._lock:
            if self.truncate_next:
                self.truncate_next -= 1
                text, finish = text[: len(text) // 2], "length"
        if body.get("tools"):
            name = body["tools"][0]["function"]["name"]
            call = {"id": "call_1", "type": "function", "function": {"name": name, "arguments": text}}
            message = {"role": "assistant", "content": None, "tool_calls": [call]}
            return self._reply(body, message, "tool_calls" if finish == "stop" else finish)
        # a small local model wraps its JSON in a code fence now and then: the client must cope
        fenced = body["response_format"]["type"] == "json_object" and finish == "stop"
        content_text = f"```json\n{text}\n```" if fenced else text
        return self._reply(body, {"role": "assistant", "content": content_text, "refusal": None}, finish)

    def _reply(self, body: dict[str, Any], message: dict[str, Any], finish: str) -> dict[str, Any]:
        return {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
            "usage": {
                "prompt_tokens": PROMPT_TOKENS,
                "completion_tokens": COMPLETION_TOKENS,
                "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS,
            },
        }


@contextmanager
def configured(monkeypatch: pytest.MonkeyPatch, **env: str | None) -> Iterator[OpenAIStub]:
    """A running stub the app is configured to use: `env` is set (None unsets), with `{url}` in a value
    standing for the stub's base URL, and the app's wiring is rebuilt from it."""
    server = OpenAIStub().start()
    try:
        for name, value in env.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value.format(url=server.base_url))
        wiring.reset()
        yield server
    finally:
        server.stop()


def coding_problem(i: int, language: str, reference: str | None = None) -> dict[str, Any]:
    """A problem as the model writes one (CodingQuestionSet), whose reference solution passes its tests
    unless `reference` replaces it."""
    if language == "sql":
        return {
            "question": f"Stub SQL problem {i + 1}: list the names of the users older than {30 + i}.",
            "starter_code": "SELECT name FROM users",
            "schema": "CREATE TABLE users (name TEXT, age INT); "
            f"INSERT INTO users VALUES ('ann', {31 + i}), ('bo', 20);",
            "tests": [
                {"name": "the given data", "visible": True, "call": "", "expected": "",
                 "expected_rows": [["ann"]], "ordered": False},
            ],
            "reference_solution": reference or f"SELECT name FROM users WHERE age > {30 + i}",
        }  # fmt: skip
    name = f"add_{i + 1}"
    return {
        "question": f"Stub problem {i + 1}: write {name}(a, b) that returns a + b + {i}.",
        "starter_code": f"def {name}(a, b):\n    pass\n",
        "schema": "",
        "tests": [
            {"name": "small", "visible": True, "call": f"{name}(1, 2)", "expected": str(3 + i),
             "expected_rows": [], "ordered": False},
            {"name": "STUB-HIDDEN-NEGATIVE", "visible": False, "call": f"{name}(-5, 2)", "expected": str(-3 + i),
             "expected_rows": [], "ordered": False},
        ],
        "reference_solution": reference or f"def {name}(a, b):\n    return a + b + {i}  # STUB-REFERENCE\n",
    }  # fmt: skip


def _multipart(raw: bytes, content_type: str) -> dict[str, Any]:
    """Form fields as text; file fields as {"filename", "content_type", "size", "head"}."""
    message = BytesParser(policy=default).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        filename = part.get_filename()
        if filename:
            fields[name] = {
                "filename": filename,
                "content_type": part.get_content_type(),
                "size": len(payload),
                "head": payload[:16],
            }
        else:
            fields.setdefault(name, []).append(payload.decode())
    return {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in fields.items()}
