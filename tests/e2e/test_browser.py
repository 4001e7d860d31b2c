"""The web app in a real browser: Debian's headless Chromium, driven by Playwright, against the running
local stack. The microphone plays espeak-ng speech and the camera shows a real face (fake media devices).
Screenshots of each main view go to test-artifacts/screenshots/."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, expect, sync_playwright

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
    main.get_by_role("button", name="Create session").click()
    link = page.get_by_test_id("candidate-link")
    expect(link).to_have_value(re.compile(r"#/candidate/.+token="))
    candidate_url = link.input_value()
    shot(page, "recruiter-dashboard")

    # The candidate, in a browser of their own (no recruiter key), with the fake camera showing a face.
    candidate = browser.new_context(viewport={"width": 1200, "height": 900})
    candidate.grant_permissions(["camera", "microphone"])
    c = candidate.new_page()
    c.goto(candidate_url if candidate_url.startswith("http") else f"{local_stack}/app/{candidate_url}")
    cm = c.locator("main")
    cm.get_by_label("I consent").check()
    cm.get_by_role("button", name="Continue").click()
    expect(cm.get_by_label("Camera preview")).to_be_visible()
    c.wait_for_timeout(1_500)  # a few frames of the fake camera
    shot(c, "candidate-photo")
    cm.get_by_role("button", name="Capture photo").click()
    cm.get_by_role("button", name="Start interview").click(timeout=30_000)
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
    shot(page, "recruiter-session-report")
    recruiter.close()


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
    unlabelled = """() => [...document.querySelectorAll("main input, main select, main textarea, main button")]
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute("aria-label")
                     && !e.getAttribute("aria-labelledby") && !(e.tagName === "BUTTON" && e.textContent.trim()))
        .map(e => e.outerHTML.slice(0, 80))"""
    for view in ("#/", "#/practice", "#/recruiter", "#/join"):
        page.goto(f"{local_stack}/app/{view}")
        page.locator("main").wait_for()
        page.wait_for_timeout(300)
        assert page.evaluate(unlabelled) == [], view
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
