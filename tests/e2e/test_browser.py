"""The web app in a real browser: Debian's headless Chromium, driven by Playwright, against the running
local stack. The microphone plays espeak-ng speech and the camera shows a real face (fake media devices).
Screenshots of each main view go to test-artifacts/screenshots/."""

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from interview_core.domain import MAX_CODE_RUNS, MAX_TIME_LIMIT_MS
from tests.support.browser import CHROMIUM, QUIET, fake_media

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    media = tmp_path_factory.mktemp("media")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[*QUIET, *fake_media(media)])
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.grant_permissions(["microphone", "camera"])
    page = context.new_page()
    yield page
    context.close()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def start_practice(page: Page, base: str, questions: int) -> None:
    page.goto(f"{base}/app/#/practice")
    main = page.locator("main")
    main.get_by_label("Topic").fill("Data Structures")
    main.get_by_label("Difficulty").select_option("simple")
    main.get_by_label("Number of questions").fill(str(questions))
    shot(page, "practice-start")
    main.get_by_role("button", name="Start interview").click()
    expect(page.get_by_test_id("question-text")).to_be_visible()


def test_a_practice_interview_by_typing_ends_on_the_report(page: Page, local_stack: str) -> None:
    start_practice(page, local_stack, 2)
    main = page.locator("main")
    expect(main.get_by_role("progressbar")).to_have_accessible_name(re.compile("Question 1 of 2"))
    main.get_by_role("button", name="Submit answer").click()  # empty: the API's refusal is shown
    expect(page.get_by_test_id("answer-error")).not_to_be_empty()
    main.get_by_label("Your answer").fill("A stack is last in first out: push and pop work on the top.")
    shot(page, "practice-question")
    main.get_by_role("button", name="Submit answer").click()
    expect(main.get_by_role("progressbar")).to_have_accessible_name(re.compile("Question 2 of 2"))
    main.get_by_label("Your answer").fill(
        "A queue is first in first out: enqueue at the back, dequeue at the front."
    )
    main.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_test_id("report")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("question-card")).to_have_count(2)
    expect(page.get_by_test_id("overall-score")).not_to_be_empty()
    shot(page, "practice-report")


def test_the_app_works_without_the_api_config(page: Page, local_stack: str) -> None:
    """GET /api/config failing (a blip, a throttle, an API without it) limits nothing: the practice view
    still starts an interview, leaving out what it would have offered from the config."""
    page.route("**/api/config", lambda route: route.fulfill(status=503, body='{"detail": "unavailable"}'))
    page.goto(f"{local_stack}/app/#/practice")
    main = page.locator("main")
    main.get_by_label("Topic").fill("Data Structures")
    main.get_by_label("Number of questions").fill("1")
    main.get_by_role("button", name="Start interview").click()
    expect(page.get_by_test_id("question-text")).to_be_visible()
    expect(main.get_by_role("progressbar")).to_have_accessible_name(re.compile("Question 1 of 1"))


def test_a_recorded_answer_is_transcribed(page: Page, local_stack: str) -> None:
    start_practice(page, local_stack, 2)
    main = page.locator("main")
    main.get_by_role("button", name="Record answer").click()
    page.wait_for_timeout(7_000)  # the fake microphone plays the spoken answer (about 6 s)
    main.get_by_role("button", name="Stop recording").click()
    transcript = page.get_by_test_id("transcript")
    expect(transcript).to_be_visible(timeout=60_000)
    heard = transcript.inner_text().lower()
    assert sum(w in heard for w in ("binary", "tree", "children", "left", "right")) >= 3, heard
    shot(page, "practice-recorded-answer")
    main.get_by_label("Your answer").fill("A heap keeps its smallest key at the root.")
    main.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_test_id("report")).to_be_visible(timeout=30_000)
    assert page.get_by_test_id("report").inner_text().lower().count("words per minute") >= 1


REFERENCE = (
    "A hash map keeps key-value pairs in buckets picked by hashing the key; lookups are O(1) on average."
)


def join_as_candidate(candidate: BrowserContext, link: str, base: str) -> Page:
    """The candidate opens their link, consents, captures their photo (the fake camera's face) and starts."""
    candidate.grant_permissions(["camera", "microphone"])
    c = candidate.new_page()
    c.goto(link if link.startswith("http") else f"{base}/app/{link}")
    cm = c.locator("main")
    cm.get_by_label("I consent").check()
    cm.get_by_role("button", name="Continue").click()
    expect(cm.get_by_label("Camera preview")).to_be_visible()
    c.wait_for_timeout(1_500)  # a few frames of the fake camera
    shot(c, "candidate-photo")
    cm.get_by_role("button", name="Capture photo").click()
    cm.get_by_role("button", name="Start interview").click(timeout=30_000)
    return c


def test_recruiter_and_candidate_over_the_live_channel(browser: Browser, local_stack: str) -> None:
    recruiter = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = recruiter.new_page()
    page.goto(f"{local_stack}/app/#/recruiter")
    main = page.locator("main")
    main.get_by_label("Candidate name").fill("Ada Candidate")
    main.get_by_label("Candidate email").fill("ada@example.com")
    main.get_by_label("Questions (one per line)").fill(
        "What is a hash map?\nWrite a function that reverses a list."
    )
    main.get_by_label("Type of question 2").select_option("coding")
    rubric = main.locator("details.rubric").first  # the first question's: graded against a model answer
    rubric.locator("summary").click()
    rubric.get_by_label("Reference answer").fill(REFERENCE)
    rubric.get_by_label("Competency").fill("data structures")
    main.get_by_role("button", name="Create session").click()
    link = page.get_by_test_id("candidate-link")
    expect(link).to_have_value(re.compile(r"#/candidate/.+token="))
    candidate_url = link.input_value()
    shot(page, "recruiter-dashboard")

    # The candidate, in a browser of their own (no recruiter key), with the fake camera showing a face.
    candidate = browser.new_context(viewport={"width": 1200, "height": 900})
    c = join_as_candidate(candidate, candidate_url, local_stack)
    cm = c.locator("main")
    question = c.get_by_test_id("live-question-text")
    expect(question).to_contain_text("hash map", timeout=30_000)
    expect(c.get_by_test_id("timer")).to_contain_text(re.compile(r"\d"))
    c.evaluate("window.dispatchEvent(new Event('blur'))")  # the candidate looks at another window
    cm.get_by_label("Your answer").fill("A hash map stores keys and values in buckets chosen by a hash.")
    shot(c, "candidate-live-question")
    cm.get_by_role("button", name="Submit answer").click()
    expect(question).to_contain_text("reverses a list", timeout=30_000)
    cm.get_by_label("Your answer").fill("def reverse(items):\n    return items[::-1]")
    shot(c, "candidate-coding-question")
    cm.get_by_role("button", name="Submit answer").click()
    expect(c.get_by_test_id("thank-you")).to_be_visible(timeout=30_000)
    candidate.close()

    # The recruiter opens the session: the report and the integrity timeline.
    sid = re.search(r"#/candidate/([0-9a-f-]{36})", candidate_url).group(1)
    report = requests.get(f"{local_stack}/api/reports/{sid}", timeout=10)
    for _ in range(100):
        if report.status_code == 200:
            break
        page.wait_for_timeout(200)
        report = requests.get(f"{local_stack}/api/reports/{sid}", timeout=10)
    page.goto(f"{local_stack}/app/#/recruiter/session/{sid}")
    expect(page.get_by_test_id("integrity-timeline")).to_be_visible(timeout=30_000)
    timeline = page.get_by_test_id("integrity-timeline").inner_text()
    assert "reference_face_captured" in timeline and "window_blur" in timeline, timeline
    expect(page.get_by_test_id("question-card")).to_have_count(2)
    expect(page.get_by_test_id("competencies")).to_contain_text("data structures")
    expect(page.get_by_test_id("needs-review")).to_have_count(1)  # the coding question has no rubric
    shot(page, "recruiter-session-report")
    # The candidate's report is the organisation's to release.
    token = re.search(r"token=([^&]+)", candidate_url).group(1)
    as_candidate = {"x-session-token": token}
    assert (
        requests.get(f"{local_stack}/api/reports/{sid}", headers=as_candidate, timeout=10).status_code == 403
    )
    page.get_by_label("The candidate's report shows").select_option("feedback")
    page.get_by_role("button", name="Share with candidate").click()
    expect(page.get_by_text("The candidate now sees: feedback, no scores.")).to_be_visible()
    released = requests.get(f"{local_stack}/api/reports/{sid}", headers=as_candidate, timeout=10).json()
    assert released["share"] == "feedback" and "integrity" not in released
    assert REFERENCE not in json.dumps(released)
    recruiter.close()


UNLABELLED = """() => [...document.querySelectorAll("main input, main select, main textarea, main button")]
    .filter(e => !(e.labels && e.labels.length) && !e.getAttribute("aria-label")
                 && !e.getAttribute("aria-labelledby") && !(e.tagName === "BUTTON" && e.textContent.trim()))
    .map(e => e.outerHTML.slice(0, 80))"""  # the controls of the page's main part that have no label


def tab_to(page: Page, name: str, limit: int = 40) -> None:
    """Press Tab until the focused control's accessible name is `name` (keyboard only, no clicks)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement; if (!e) return "";
                const label = e.labels && e.labels[0] ? e.labels[0].textContent : "";
                return (e.getAttribute("aria-label") || label || e.textContent || "").trim(); }"""
        )
        if focused.startswith(name):
            return
    raise AssertionError(f"{name!r} cannot be reached with Tab")


def test_the_practice_flow_works_by_keyboard_alone_and_every_control_is_labelled(
    page: Page, local_stack: str
) -> None:
    for view in ("#/", "#/practice", "#/recruiter", "#/join"):
        page.goto(f"{local_stack}/app/{view}")
        page.locator("main").wait_for()
        page.wait_for_timeout(300)
        assert page.evaluate(UNLABELLED) == [], view
    page.goto(f"{local_stack}/app/#/practice")
    page.locator("main").get_by_label("Topic").wait_for()
    tab_to(page, "Topic")
    page.keyboard.type("Python")
    tab_to(page, "Start interview")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("question-text")).to_be_visible(timeout=30_000)
    tab_to(page, "Your answer")
    page.keyboard.type("A list is mutable, a tuple is immutable and hashable.")
    tab_to(page, "Submit answer")
    page.keyboard.press("Enter")
    expect(page.locator("main").get_by_role("progressbar")).to_have_accessible_name(
        re.compile("Question 2 of")
    )


# --- the "?api=" override: credentials go to allowed origins only ------------------------------------


class Listener:
    """A plain HTTP server on a second loopback port that records every request it gets (preflights,
    WebSocket handshakes, anything), and answers each with permissive CORS so a browser would go on to
    send the real request with its headers."""

    def __init__(self) -> None:
        import http.server
        import threading

        self.requests: list[tuple[str, str, dict[str, str]]] = []
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _record(self) -> None:
                listener.requests.append(
                    (self.command, self.path, {k.lower(): v for k, v in self.headers.items()})
                )
                length = int(self.headers.get("content-length") or 0)
                if length:
                    self.rfile.read(length)
                body = b'{"status": "success", "sessions": [], "jobs": [], "total": 0}'
                self.send_response(200)
                self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
                self.send_header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
                self.send_header("Access-Control-Allow-Headers", "content-type, x-api-key, x-session-token")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = do_HEAD = _record

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.fixture(scope="module")
def api_key(local_stack: str) -> str:
    """A real organisation key on the running local stack, made the way an operator makes one."""
    import subprocess
    import sys

    made = subprocess.run(
        [sys.executable, "-m", "infra.admin", "--local", "api-key", "create", "--org", "web-test", "--name", "t"],
        capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    return json.loads(made.stdout.splitlines()[0])["api_key"]


def sent_to(requests_seen: list, origin: str) -> list:
    return [r for r in requests_seen if r["url"].startswith(origin + "/")]


def watch(context) -> list:  # noqa: ANN001
    """Every request the pages of `context` send, with the headers that went with it."""
    seen: list = []
    context.on("request", lambda r: seen.append({"url": r.url, "headers": r.headers}))
    return seen


def test_an_api_override_to_an_unlisted_origin_gets_no_key_and_no_token(
    browser: Browser, local_stack: str, listener: Listener, api_key: str
) -> None:
    evil = listener.origin
    recruiter = browser.new_context()
    recruiter.add_init_script(f"sessionStorage.setItem('mi.apiKey', {api_key!r})")
    seen = watch(recruiter)
    page = recruiter.new_page()
    for url in (f"{local_stack}/app/?api={evil}#/recruiter", f"{local_stack}/app/#/recruiter?api={evil}"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert listener.requests == [], f"{url} sent requests to the override's origin"
        notice = page.get_by_role("alert").filter(has_text="API address not allowed")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text(evil)
        expect(page.get_by_test_id("stats")).to_be_visible()  # loaded from the configured API, with the key
    main = page.locator("main")
    main.get_by_label("Candidate name").fill("Eve Candidate")
    main.get_by_label("Candidate email").fill("eve@example.com")
    main.get_by_label("Questions (one per line)").fill("What is a hash map?")
    main.get_by_role("button", name="Create session").click()
    link = page.get_by_test_id("candidate-link")
    expect(link).to_have_value(re.compile(r"#/candidate/.+token="))
    sid, token = re.search(r"#/candidate/([^?]+)\?token=([^&]+)", link.input_value()).groups()
    keyed = [r for r in sent_to(seen, local_stack) if r["headers"].get("x-api-key") == api_key]
    assert any("/api/parallel_interview/create" in r["url"] for r in keyed), seen
    assert any("/api/parallel_interview/stats" in r["url"] for r in keyed), seen

    # A candidate link with the override, in either place, in a browser of the candidate's own.
    candidate = browser.new_context()
    candidate.grant_permissions(["camera", "microphone"])
    cseen = watch(candidate)
    c = candidate.new_page()
    for url in (
        f"{local_stack}/app/#/candidate/{sid}?token={token}&api={evil}",
        f"{local_stack}/app/?api={evil}#/candidate/{sid}?token={token}",
    ):
        c.goto(url)
        c.wait_for_load_state("networkidle")
        expect(c.get_by_role("alert").filter(has_text="API address not allowed")).to_be_visible()
        ws = c.evaluate("async () => (await import('./js/api.js')).wsUrl('/ws/interview?session_id=x')")
        assert ws.startswith(local_stack.replace("http", "ws", 1) + "/ws/interview"), ws
    cm = c.locator("main")
    cm.get_by_label("I consent").check()
    cm.get_by_role("button", name="Continue").click()
    expect(cm.get_by_label("Camera preview")).to_be_visible()
    c.wait_for_timeout(1_500)
    cm.get_by_role("button", name="Capture photo").click()
    expect(cm.get_by_role("button", name="Start interview")).to_be_visible(timeout=30_000)
    tokened = [r for r in sent_to(cseen, local_stack) if r["headers"].get("x-session-token") == token]
    assert any("/consent" in r["url"] for r in tokened) and any(
        "capture_reference_face" in r["url"] for r in tokened
    )
    candidate.close()
    recruiter.close()

    assert listener.requests == []
    assert sent_to(seen + cseen, evil) == []


def test_an_api_override_to_a_listed_origin_is_used(
    browser: Browser, local_stack: str, listener: Listener, api_key: str
) -> None:
    allowed = listener.origin
    context = browser.new_context()
    context.add_init_script(f"sessionStorage.setItem('mi.apiKey', {api_key!r})")
    # the deployment's web/config.js, with the listener's origin allowed
    context.route(
        f"{local_stack}/app/config.js",
        lambda route: route.fulfill(
            content_type="text/javascript",
            body=f'window.API_BASE = ""; window.ALLOWED_API_ORIGINS = ["{allowed}"];',
        ),
    )
    page = context.new_page()
    page.goto(f"{local_stack}/app/?api={allowed}/#/recruiter")
    page.locator("main h1").wait_for()
    deadline = 100
    while not any(h.get("x-api-key") == api_key for _, _, h in listener.requests) and deadline:
        page.wait_for_timeout(100)
        deadline -= 1
    assert any(p.startswith("/api/parallel_interview/") for _, p, _ in listener.requests), listener.requests
    expect(page.get_by_text("API address not allowed")).to_have_count(0)
    ws = page.evaluate("async () => (await import('./js/api.js')).wsUrl('/ws/interview')")
    assert ws == allowed.replace("http", "ws", 1) + "/ws/interview"

    # Lookalikes of the allowed origin are refused; the page's own origin is always allowed.
    host_port = allowed.removeprefix("http://")
    verdicts = page.evaluate(
        """async (values) => { const m = await import('./js/api.js');
            return values.map(v => { const r = m.resolveApi(v); return r.refused ? null : r.base; }); }""",
        [
            f"http://{host_port}.",
            f"http://{host_port}.evil.test",
            f"http://user@{host_port}",
            f"http://{host_port}@evil.test",
            f"http://evil.test#@{host_port}",
            "javascript:alert(1)",
            "data:text/plain,x",
            "//evil.test",
            f"ws://{host_port}",
            f"HTTP://{host_port.upper()}/",
            f"{allowed}/prod/",
            local_stack,
        ],
    )
    assert verdicts == [None] * 9 + [allowed, f"{allowed}/prod", ""]
    context.close()


# --- coding questions: the code area, runs of the visible tests, and every test's outcome in the report ---

HIDDEN_CALL = "reverse(['zq-hidden-77'])"  # the organisation's: never in the candidate's page
CODING_QUESTION = {
    "text": "Write reverse(items) that returns a new list in reverse order.",
    "type": "coding",
    "language": "python",
    "starter_code": "def reverse(items):\n    pass",
    "tests": [
        {"name": "three items", "call": "reverse([1, 2, 3])", "expected": "[3, 2, 1]", "visible": True},
        {"name": "hidden words", "call": HIDDEN_CALL, "expected": "['zq-hidden-77']"},
    ],
    "reference_solution": "def reverse(items):\n    return items[::-1]\n",
    "time_limit_ms": MAX_TIME_LIMIT_MS,  # the most: a loaded test machine must not time a run out
}
UNTESTED_QUESTION = {"text": "Write hello() that returns a greeting.", "type": "coding", "language": "python"}
WRONG = "def reverse(items):\n    return items\n"
RIGHT = "def reverse(items):\n    print('reversing')\n    return items[::-1]\n"


def run_tests(main: Locator, code: str) -> Locator:
    """Write `code` in the code area, press "Run tests" and wait for the run's summary."""
    main.get_by_label(re.compile("^Your code")).fill(code)
    results = main.get_by_test_id("run-results")
    main.get_by_role("button", name="Run tests").click()
    expect(main.get_by_role("button", name="Run tests")).to_be_enabled(timeout=30_000)
    expect(results.get_by_test_id("run-summary")).to_be_visible()
    return results


def ready_report(base: str, sid: str, headers: dict[str, str]) -> dict:
    for _ in range(150):
        report = requests.get(f"{base}/api/reports/{sid}", headers=headers, timeout=10)
        if report.status_code == 200:
            return report.json()
        time.sleep(0.2)
    raise AssertionError(f"no report for {sid}: {report.status_code} {report.text}")


def test_a_candidate_runs_a_coding_question_and_the_recruiter_sees_every_test(
    browser: Browser, local_stack: str, api_key: str
) -> None:
    key = {"x-api-key": api_key}
    made = requests.post(
        f"{local_stack}/api/parallel_interview/create",
        json={
            "name": "Cy Coder",
            "email": "cy@example.com",
            "questions": [CODING_QUESTION, UNTESTED_QUESTION],
        },
        headers=key,
        timeout=60,
    )
    assert made.status_code == 200, made.text
    sid, token = made.json()["session_id"], made.json()["candidate_token"]

    candidate = browser.new_context(viewport={"width": 1200, "height": 900})
    c = join_as_candidate(candidate, f"#/candidate/{sid}?token={token}", local_stack)
    cm = c.locator("main")
    expect(c.get_by_test_id("live-question-text")).to_contain_text("reverse(items)", timeout=30_000)
    code = cm.get_by_label("Your code (Python)")
    expect(code).to_have_value(CODING_QUESTION["starter_code"])
    expect(cm.get_by_test_id("visible-test")).to_have_text("three items: reverse([1, 2, 3]) → [3, 2, 1]")
    expect(cm.get_by_test_id("hidden-tests")).to_contain_text("1 hidden test")
    assert c.evaluate(UNLABELLED) == []

    failing = run_tests(cm, WRONG)
    expect(failing.get_by_test_id("run-summary")).to_have_text("0 of 1 visible tests passed.")
    expect(failing.get_by_test_id("test-result")).to_contain_text("failed")
    expect(failing.get_by_test_id("test-result")).to_contain_text("[1, 2, 3]")  # what it returned
    passing = run_tests(cm, RIGHT)
    expect(passing.get_by_test_id("run-summary")).to_have_text("1 of 1 visible tests passed.")
    expect(passing.get_by_test_id("test-result")).to_contain_text("passed")
    expect(passing.get_by_test_id("run-stdout")).to_contain_text("reversing")
    shot(c, "candidate-coding-run")
    assert HIDDEN_CALL not in c.content()
    # The rest of the question's runs, over HTTP: the next run_code is refused, with the API's reason.
    run = {"session_id": sid, "question_number": 1, "code": RIGHT}
    runs = [
        requests.post(f"{local_stack}/api/code/run", json=run, headers={"x-session-token": token}, timeout=30)
        for _ in range(MAX_CODE_RUNS - 1)
    ]
    assert [r.status_code for r in runs[-2:]] == [200, 429], runs[-1].text  # the page ran twice
    cm.get_by_role("button", name="Run tests").click()
    expect(cm.get_by_test_id("run-error")).to_have_text(f"Error: {runs[-1].json()['detail']}")
    cm.get_by_role("button", name="Submit answer").click()
    expect(c.get_by_test_id("live-question-text")).to_contain_text("hello()", timeout=30_000)
    expect(cm.get_by_test_id("visible-test")).to_have_count(0)  # a question without tests: nothing to run
    expect(cm.get_by_role("button", name="Run tests")).to_be_hidden()
    cm.get_by_label("Your code (Python)").fill("def hello():\n    return 'hello'\n")
    cm.get_by_role("button", name="Submit answer").click()
    expect(c.get_by_test_id("thank-you")).to_be_visible(timeout=30_000)
    assert HIDDEN_CALL not in c.content()
    candidate.close()

    report = ready_report(local_stack, sid, key)
    assert report["questions"][0]["tests"]["passed"] == 2, report["questions"][0]
    recruiter = browser.new_context(viewport={"width": 1280, "height": 1000})
    recruiter.add_init_script(f"sessionStorage.setItem('mi.apiKey', {api_key!r})")
    page = recruiter.new_page()
    page.goto(f"{local_stack}/app/#/recruiter/session/{sid}")
    outcomes = page.get_by_test_id("test-outcomes")
    expect(outcomes).to_be_visible(timeout=30_000)
    expect(outcomes.get_by_test_id("run-summary")).to_have_text("2 of 2 tests passed.")
    rows = outcomes.get_by_test_id("test-result")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("visible")
    expect(rows.nth(1)).to_contain_text("hidden")
    expect(rows.nth(1)).to_contain_text(HIDDEN_CALL)
    expect(page.get_by_test_id("coding-written").first).to_contain_text(f"(hidden): {HIDDEN_CALL}")
    expect(page.get_by_test_id("review-only")).to_have_text(re.compile("^Graded by review only"))
    shot(page, "recruiter-coding-report")
    recruiter.close()


def test_a_practice_interview_of_coding_questions_runs_their_tests(page: Page, local_stack: str) -> None:
    page.goto(f"{local_stack}/app/#/practice")
    main = page.locator("main")
    main.get_by_label("Topic").fill("Python")
    main.get_by_label("Number of questions").fill("1")
    main.get_by_label("Question types").select_option(label="Coding")
    main.get_by_role("button", name="Start interview").click()
    code = main.get_by_label("Your code (Python)")
    expect(code).to_be_visible(timeout=30_000)
    expect(code).not_to_be_empty()  # the starter code
    expect(main.get_by_test_id("visible-test").first).to_be_visible()
    assert page.evaluate(UNLABELLED) == []
    # By keyboard: Tab indents in the code area; Escape, then Tab, goes on to "Run tests".
    starter = code.input_value()
    code.focus()
    page.keyboard.press("Control+End")
    page.keyboard.press("Tab")
    expect(code).to_have_value(re.compile(r"    $"))
    code.fill(starter)
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    expect(main.get_by_role("button", name="Run tests")).to_be_focused()
    results = run_tests(main, starter)  # the starter code runs, and fails its tests
    expect(results.get_by_test_id("test-result").first).to_contain_text("failed")
    shot(page, "practice-coding-run")
    # The question's other runs used up elsewhere: the next one shows the API's refusal.
    sid = re.search(r"#/practice/([^/?]+)", page.url).group(1)
    run = {"session_id": sid, "question_number": 1, "code": code.input_value()}
    runs = [requests.post(f"{local_stack}/api/code/run", json=run, timeout=30) for _ in range(MAX_CODE_RUNS)]
    assert [r.status_code for r in runs[-2:]] == [200, 429], runs[-1].text  # the page's run was the first
    main.get_by_role("button", name="Run tests").click()
    expect(main.get_by_test_id("run-error")).to_have_text(f"Error 429: {runs[-1].json()['detail']}")
    main.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_test_id("report")).to_be_visible(timeout=30_000)
    outcomes = page.get_by_test_id("test-outcomes")
    expect(outcomes).to_be_visible()
    expect(outcomes.get_by_test_id("test-result").filter(has_text="hidden test").first).to_be_visible()


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)


def test_the_recruiter_downloads_the_pdf_and_shares_a_link_that_revoking_ends(
    browser: Browser, local_stack: str, api_key: str, tmp_path: Path
) -> None:
    key = {"x-api-key": api_key}
    made = requests.post(
        f"{local_stack}/api/parallel_interview/create",
        json={"name": "Pia Pdf", "email": "pia@example.com", "questions": ["What is a hash map?"]},
        headers=key,
        timeout=60,
    )
    assert made.status_code == 200, made.text
    sid, token = made.json()["session_id"], made.json()["candidate_token"]
    candidate = browser.new_context(viewport={"width": 1200, "height": 900})
    c = join_as_candidate(candidate, f"#/candidate/{sid}?token={token}", local_stack)
    expect(c.get_by_test_id("live-question-text")).to_contain_text("hash map", timeout=30_000)
    c.locator("main").get_by_label("Your answer").fill(
        "A hash map stores key value pairs in buckets by hash."
    )
    c.locator("main").get_by_role("button", name="Submit answer").click()
    expect(c.get_by_test_id("thank-you")).to_be_visible(timeout=30_000)
    candidate.close()
    ready_report(local_stack, sid, key)
    released = requests.post(
        f"{local_stack}/api/parallel_interview/session/{sid}/release-report",
        json={"share": "scores"},
        headers=key,
        timeout=30,
    )
    assert released.status_code == 200, released.text

    recruiter = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    recruiter.add_init_script(f"sessionStorage.setItem('mi.apiKey', {api_key!r})")
    page = recruiter.new_page()
    page.goto(f"{local_stack}/app/#/recruiter/session/{sid}")
    main = page.locator("main")
    expect(page.get_by_test_id("report")).to_be_visible(timeout=30_000)
    with page.expect_download() as download:
        main.get_by_role("button", name="Download PDF").click()
    saved = tmp_path / "report.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == f"report-{sid}.pdf"
    assert saved.read_bytes().startswith(b"%PDF-")
    text = pdf_text(saved)
    assert "Pia Pdf" in text and "hash map" in text, text

    main.get_by_role("button", name="Share link", exact=True).click()
    link = main.get_by_label("Share link", exact=True)
    expect(link).to_have_value(re.compile(r"^https?://.+/r/"))
    url = link.input_value()
    assert page.evaluate(UNLABELLED) == []
    shot(page, "recruiter-share-link")

    stranger = browser.new_context(viewport={"width": 1200, "height": 900})  # no key, no storage
    other = stranger.new_page()
    shown = other.goto(url)
    assert shown is not None and shown.status == 200
    expect(other.locator("h1")).to_contain_text("Interview feedback")
    expect(other.locator("body")).to_contain_text("hash map")
    assert "pia@example.com" not in other.content()

    main.get_by_role("button", name="Revoke share links").click()
    expect(page.get_by_test_id("share-status")).to_have_text("Every share link of this report was revoked.")
    expect(main.get_by_label("Share link", exact=True)).to_have_count(0)
    gone = other.goto(url)
    assert gone is not None and gone.status == 404
    expect(other.locator("h1")).to_have_text("This report is not available")
    stranger.close()
    recruiter.close()


def test_the_practice_report_downloads_as_a_pdf(browser: Browser, local_stack: str, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    page = context.new_page()
    start_practice(page, local_stack, 1)
    main = page.locator("main")
    main.get_by_label("Your answer").fill("A stack is last in first out: push and pop work on the top.")
    main.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_test_id("report")).to_be_visible(timeout=30_000)
    with page.expect_download() as download:
        main.get_by_role("button", name="Download PDF").click()
    saved = tmp_path / "practice.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    assert "last in first out" in pdf_text(saved).replace("\n", " ")
    expect(page.get_by_test_id("pdf-status")).to_have_text("PDF downloaded.")
    context.close()
