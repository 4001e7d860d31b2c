"""The interviewer in the web app, in a real browser against the running local stack: a practice interview
fitted to a pasted job description with follow-ups on, a résumé read from a PDF, and a recruiter's job whose
questions are written from its description, reviewed, edited and saved."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_browser import api_key, browser, page, shot  # noqa: F401  (fixtures)
from tests.support.documents import pdf

pytestmark = pytest.mark.e2e
# the next question or the report is on the page, once the answer was taken
SHOWN_CHANGED = """shown => location.hash.includes('/report') || `${document.querySelector('#question-heading')
  ?.textContent}|${document.querySelector('#question-text')?.textContent}` !== shown"""
JOB = "We are hiring a backend engineer who knows PostgreSQL well and has run it in production."


def test_a_practice_interview_fitted_to_a_job_asks_follow_ups_and_reports_them(
    page: Page,  # noqa: F811
    local_stack: str,
) -> None:
    page.goto(f"{local_stack}/app/#/practice")
    main = page.locator("main")
    main.get_by_label("Topic").fill("Data Structures")
    main.get_by_label("Difficulty").select_option("simple")
    main.get_by_label("Number of questions").fill("2")
    main.get_by_text("Fit the interview to a role (optional)").click()
    main.get_by_label("Job description", exact=True).fill(JOB)
    main.get_by_label("Follow-up questions").select_option("1")
    with page.expect_request("**/start-interview") as sent:
        main.get_by_role("button", name="Start interview").click()
    body = sent.value.post_data_json
    assert body["job_description"] == JOB and body["follow_ups"] == 1 and "resume_text" not in body
    question = page.get_by_test_id("question-text")
    expect(question).to_contain_text("PostgreSQL")  # the first question names the skill the text names
    follow_ups, texts = 0, []
    heading = main.locator("#question-heading")
    for _ in range(4):  # two main questions, each with at most one follow-up
        if "/report" in page.url:
            break
        expect(heading).to_have_text(re.compile(r"Question \d of 2"))
        if page.get_by_test_id("follow-up-label").is_visible():
            follow_ups += 1
            expect(heading).to_contain_text("follow-up")
            texts.append(question.inner_text())
            shot(page, "practice-follow-up")
        shown = f"{heading.inner_text()}|{question.inner_text()}"
        main.get_by_label("Your answer").fill("I am not sure, it is used for storing things.")
        main.get_by_role("button", name="Submit answer").click()
        page.wait_for_function(SHOWN_CHANGED, arg=shown, timeout=30_000)
    assert follow_ups >= 1  # a weak answer to a question with a rubric is probed
    expect(page.get_by_test_id("report")).to_be_visible(timeout=30_000)
    listed = page.get_by_test_id("follow-up")
    expect(listed).to_have_count(follow_ups)
    expect(listed.first).to_contain_text(texts[0][:40])
    shot(page, "practice-report-follow-ups")


def test_a_resume_is_read_from_a_pdf_into_the_form_and_a_bad_file_says_why(
    page: Page,  # noqa: F811
    local_stack: str,
    tmp_path: Path,
) -> None:
    resume = tmp_path / "resume.pdf"
    resume.write_bytes(pdf(["Alex Example", "Built a payments service on PostgreSQL and Kafka."]))
    page.goto(f"{local_stack}/app/#/practice")
    main = page.locator("main")
    main.get_by_text("Fit the interview to a role (optional)").click()
    main.get_by_label("Upload a résumé (PDF or text)").set_input_files(str(resume))
    expect(page.get_by_test_id("resume-file-status")).to_contain_text("Read 1 page(s)")
    expect(main.get_by_label("Résumé", exact=True)).to_have_value(
        re.compile("payments service on PostgreSQL")
    )
    fake = tmp_path / "photo.pdf"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)  # named .pdf, but its bytes are not
    main.get_by_label("Upload a résumé (PDF or text)").set_input_files(str(fake))
    expect(page.get_by_test_id("resume-file-error")).to_be_visible()
    expect(page.get_by_test_id("resume-file-error")).not_to_be_empty()
    # what was read before stays
    expect(main.get_by_label("Résumé", exact=True)).to_have_value(re.compile("PostgreSQL"))


def test_a_recruiter_writes_a_job_s_questions_from_its_description_then_edits_them(
    browser: Browser,  # noqa: F811
    local_stack: str,
    api_key: str,  # noqa: F811
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.add_init_script(f"sessionStorage.setItem('mi.apiKey', {api_key!r})")
    recruiter = context.new_page()
    recruiter.goto(f"{local_stack}/app/#/recruiter")
    main = recruiter.locator("main")
    main.get_by_label("Job title").fill("Backend engineer (generated)")
    main.get_by_label("Job description (optional)").fill(JOB)
    main.get_by_label(re.compile("Write questions, with rubrics, from the job description")).check()
    main.locator("#job-generate-count").fill("2")
    main.get_by_role("button", name="Create job").click()
    review = recruiter.get_by_test_id("job-review")
    expect(review).to_be_visible(timeout=30_000)
    questions = review.get_by_test_id("review-question")
    expect(questions).to_have_count(2)
    expect(review.get_by_test_id("review-source").first).to_contain_text("the job description: PostgreSQL")
    shot(recruiter, "recruiter-job-review")
    edited = "How have you tuned a slow PostgreSQL query in production?"
    questions.first.get_by_label("Question", exact=True).fill(edited)
    questions.first.get_by_label("Key points, one per line").fill(
        "Reads the query plan\nAdds the right index"
    )
    with recruiter.expect_response(re.compile(r"/api/jobs/[^/]+$")) as put:
        review.get_by_role("button", name="Save questions").click()
    assert put.value.status == 200, put.value.text()
    expect(review.get_by_test_id("review-question").first.get_by_label("Question", exact=True)).to_have_value(
        edited
    )
    # as stored: a fresh load shows the edit, and the question still says where it came from
    recruiter.reload()
    main.get_by_role("button", name="Review the questions of job Backend engineer (generated)").first.click()
    first = recruiter.get_by_test_id("review-question").first
    expect(first.get_by_label("Question", exact=True)).to_have_value(edited)
    expect(first.get_by_label("Key points, one per line")).to_have_value(
        "Reads the query plan\nAdds the right index"
    )
    expect(first.get_by_test_id("review-source")).to_contain_text("PostgreSQL")
    context.close()
