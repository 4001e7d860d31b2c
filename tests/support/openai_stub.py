"""A local HTTP server that speaks OpenAI's chat-completions wire format (structured outputs).

It answers by the JSON schema the client asked for, records every request, and can be told to fail
or stall, so the real `openai` client is exercised end to end: serialization, retries, timeouts.
"""

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PROMPT_TOKENS = 50
COMPLETION_TOKENS = 20


class OpenAIStub:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.failures: list[int] = []  # status codes to return, in order, before answering normally
        self.delay_seconds = 0.0
        self.in_flight = 0
        self.max_in_flight = 0  # most requests served at the same time
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
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
                    self._send(failure, {"error": {"message": "stubbed failure", "type": "server_error"}})
                elif self.path.endswith("/chat/completions"):
                    self._send(200, stub.completion(body))
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

    def completion(self, body: dict[str, Any]) -> dict[str, Any]:
        schema = body["response_format"]["json_schema"]
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        if schema["name"] == "QuestionSet":
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
        else:
            answer = re.search(r"<answer>\n(.*)\n</answer>", user, re.S).group(1)
            # deterministic: the grade depends on this answer alone
            content = {
                "score": min(10, len(answer.split())),
                "evidence": [answer[:40]],
                "missing": [] if len(answer.split()) >= 10 else ["depth"],
                "feedback": "Stub feedback.",
            }
        return {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": json.dumps(content), "refusal": None},
                    "finish_reason": "stop",
                    "logprobs": None,
                }
            ],
            "usage": {
                "prompt_tokens": PROMPT_TOKENS,
                "completion_tokens": COMPLETION_TOKENS,
                "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS,
            },
        }
