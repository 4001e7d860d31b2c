"""Follow-up questions through API Gateway events and the Lambda handlers, against the moto stand-in:
practice and recruiter interviews with follow_ups 1-3, stale turns, racing answers, invalid values, and
the report's follow-ups."""

import json
import threading
from collections import Counter

import pytest

from interview_core.grading.follow_up import findings
from interview_core.providers.offline import bank_questions
from tests.support.apigw import ApiGateway

P = "/api/parallel_interview"
CANDIDATE = {"name": "Jane Candidate", "email": "jane.candidate@example.com"}
RUBRIC = {
    "text": "What is a mutex?",
    "reference_answer": "A mutex is a lock that lets one thread at a time into a critical section.",
    "key_points": ["Only one thread holds the lock at a time", "It protects a critical section"],
}


def rubric_of(question: str) -> list[str]:
    known = {q.text: q for q in bank_questions()}[question]
    return [kp.point for kp in known.key_points]


def start(api: ApiGateway, **spec: object) -> dict:
    body = {"topic": "Data Structures", "difficulty": "simple", "num_questions": 2, **spec}
    r = api.post("/start-interview", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def weak(question: str) -> str:
    """The first key point only, in the candidate's words."""
    return f"I think {rubric_of(question)[0].lower()}, more or less."


def missed(question: str) -> int:
    """How many key points the weak answer misses: each is worth one probe (some key points overlap)."""
    known = {q.text: q for q in bank_questions()}[question]
    return len(findings(known, [weak(question)], weak(question)).missing)


@pytest.mark.parametrize("follow_ups", [1, 2, 3])
def test_practice_interview_with_follow_ups_then_a_report_that_lists_them(
    api: ApiGateway, aws, follow_ups
) -> None:
    first = start(api, follow_ups=follow_ups)
    sid = first["session_id"]
    assert first["turn"] == 1 and first["total_questions"] == 2
    main, turn, asked = first["current_question"], 1, Counter()
    number, expected = 1, {1: min(follow_ups, missed(first["current_question"]))}
    while True:
        r = api.post("/submit-answer", json={"session_id": sid, "answer": weak(main), "turn": turn})
        assert r.status_code == 200, r.text
        body = r.json()
        if body["status"] == "completed":
            break
        turn += 1
        assert body["turn"] == turn and body["total_questions"] == 2
        if body["follow_up"]:
            asked[body["follow_up_of"]] += 1
            assert body["question_number"] == body["follow_up_of"] == number
            for point in rubric_of(main):  # never the rubric
                assert point.lower() not in body["next_question"].lower()
            state = api.get(f"/session/{sid}").json()
            assert state["current_question"] == body["next_question"] and state["follow_up"] is True
            assert state["current_question_number"] == number and state["answers_submitted"] == number
        else:
            number += 1
            assert body["question_number"] == number and "follow_up_of" not in body
            main = body["next_question"]
            expected[number] = min(follow_ups, missed(main))
    # a weak answer is probed on each point it missed, up to the limit, then the interview moves on
    assert asked == expected and all(expected.values())
    assert body["total_answered"] == 2

    assert aws.drain_evaluations() == 1
    report = api.get(f"/api/reports/{sid}").json()
    assert [q["question_number"] for q in report["questions"]] == [1, 2]
    for entry in report["questions"]:
        assert len(entry["follow_ups"]) == expected[entry["question_number"]]
        assert set(entry["follow_ups"][0]) == {"question", "answer", "score", "evidence", "feedback"}
        assert "follow-up" in entry["follow_up_effect"] and entry["score_before_follow_ups"] is not None


def test_a_follow_up_answer_that_makes_a_missed_point_raises_the_question_s_score(
    api: ApiGateway, aws
) -> None:
    first = start(api, num_questions=1, follow_ups=1)
    sid, question = first["session_id"], first["current_question"]
    points = rubric_of(question)
    asked = api.post("/submit-answer", json={"session_id": sid, "answer": f"{points[0]}."}).json()
    assert asked["follow_up"] is True
    done = api.post(
        "/submit-answer", json={"session_id": sid, "answer": " ".join(f"{p}." for p in points[1:])}
    ).json()
    assert done["status"] == "completed"
    assert aws.drain_evaluations() == 1
    entry = api.get(f"/api/reports/{sid}").json()["questions"][0]
    assert entry["score"] > entry["score_before_follow_ups"]
    assert "rises from" in entry["follow_up_effect"]


def test_a_stale_turn_is_409_and_changes_nothing(api: ApiGateway) -> None:
    first = start(api, follow_ups=1)
    sid = first["session_id"]
    assert (
        api.post("/submit-answer", json={"session_id": sid, "answer": "A list.", "turn": 1}).json()["turn"]
        == 2
    )
    stale = api.post("/submit-answer", json={"session_id": sid, "answer": "retry", "turn": 1})
    assert stale.status_code == 409
    assert stale.json() == {"detail": "Turn 1 is not the current turn; the current one is 2"}
    assert api.get(f"/session/{sid}").json()["turn"] == 2


def test_racing_answers_to_one_turn_record_exactly_one(api: ApiGateway) -> None:
    sid = start(api, follow_ups=2)["session_id"]
    n = 8
    barrier = threading.Barrier(n)
    codes: list[int] = []
    lock = threading.Lock()

    def answer(i: int) -> None:
        barrier.wait()
        r = api.post("/submit-answer", json={"session_id": sid, "answer": f"answer {i}", "turn": 1})
        with lock:
            codes.append(r.status_code)

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes.count(200) == 1 and codes.count(409) == n - 1
    assert api.get(f"/session/{sid}").json()["turn"] == 2


def test_without_follow_ups_the_responses_are_as_before(api: ApiGateway) -> None:
    first = start(api)
    assert "turn" not in first
    body = api.post("/submit-answer", json={"session_id": first["session_id"], "answer": "A list."}).json()
    assert set(body) == {
        "session_id",
        "message",
        "next_question",
        "question_number",
        "total_questions",
        "status",
    }
    assert body["question_number"] == 2
    assert "turn" not in api.get(f"/session/{first['session_id']}").json()


@pytest.mark.parametrize("value", [4, -1, "x", 1.5, True])
def test_invalid_follow_ups_are_refused_with_a_detail(orgs, value) -> None:
    acme = orgs["acme"]
    r = acme.post("/start-interview", json={"topic": "Python", "follow_ups": value})
    assert r.status_code == 422 and "follow_ups" in str(r.json()["detail"])
    r = acme.post(f"{P}/create", json={**CANDIDATE, "questions": ["Q?"], "follow_ups": value})
    assert r.status_code == 400 and "follow_ups" in r.json()["detail"]
    r = acme.post("/api/jobs", json={"title": "Backend", "questions": [RUBRIC], "follow_ups": value})
    assert r.status_code == 400 and "follow_ups" in r.json()["detail"]


def test_recruiter_sessions_take_follow_ups_from_the_request_or_the_job(orgs, aws) -> None:
    acme = orgs["acme"]
    job = acme.post("/api/jobs", json={"title": "Backend", "questions": [RUBRIC], "follow_ups": 2})
    assert job.status_code == 201, job.text
    assert job.json()["follow_ups"] == 2
    made = acme.post(f"{P}/create", json={**CANDIDATE, "job_id": job.json()["job_id"]}).json()
    sid = made["session_id"]
    candidate = ApiGateway({"x-session-token": made["candidate_token"]})
    assert candidate.post(f"{P}/session/{sid}/start").status_code == 200
    r = candidate.post("/submit-answer", json={"session_id": sid, "answer": "It is a kind of lock."}).json()
    assert r["follow_up"] is True and r["follow_up_of"] == 1 and r["turn"] == 2
    for point in RUBRIC["key_points"] + [RUBRIC["reference_answer"]]:
        assert point.lower() not in r["next_question"].lower()
    detail = acme.get(f"{P}/session/{sid}").json()
    assert detail["session"]["current_question"] == r["next_question"]
    assert detail["session"]["current_question_index"] == 0

    plain = acme.post(
        f"{P}/create", json={**CANDIDATE, "job_id": job.json()["job_id"], "follow_ups": 0}
    ).json()
    psid = plain["session_id"]
    token = ApiGateway({"x-session-token": plain["candidate_token"]})
    token.post(f"{P}/session/{psid}/start")
    done = token.post("/submit-answer", json={"session_id": psid, "answer": "It is a kind of lock."}).json()
    assert done["status"] == "completed" and "follow_up" not in done


def test_the_candidate_s_report_and_both_pdfs_list_the_follow_ups_without_the_rubric(orgs, aws) -> None:
    from tests.functional.test_report_pdf import pdf_text

    acme = orgs["acme"]
    made = acme.post(f"{P}/create", json={**CANDIDATE, "questions": [RUBRIC], "follow_ups": 1}).json()
    sid = made["session_id"]
    candidate = ApiGateway({"x-session-token": made["candidate_token"]})
    candidate.post(f"{P}/session/{sid}/start")
    asked = candidate.post(
        "/submit-answer", json={"session_id": sid, "answer": "It is a kind of lock."}
    ).json()
    done = candidate.post(
        "/submit-answer", json={"session_id": sid, "answer": "Only one thread holds it at a time.", "turn": 2}
    ).json()
    assert asked["follow_up"] is True and done["status"] == "completed"
    assert aws.drain_evaluations() == 1

    text = pdf_text(acme.get(f"/api/reports/{sid}", query={"format": "pdf"})).replace("\n", " ")
    assert "Follow-up 1:" in text and "Only one thread holds it at a time." in text
    acme.post(f"{P}/session/{sid}/release-report", json={"share": "feedback"})
    mine = candidate.get(f"/api/reports/{sid}").json()
    [follow_up] = mine["questions"][0]["follow_ups"]
    assert follow_up["question"] == asked["next_question"] and follow_up["score"] is None
    assert follow_up["answer"] == "Only one thread holds it at a time."
    theirs = pdf_text(candidate.get(f"/api/reports/{sid}", query={"format": "pdf"})).replace("\n", " ")
    assert "Follow-up 1:" in theirs and "Score:" not in theirs
    for point in [*RUBRIC["key_points"][1:], RUBRIC["reference_answer"]]:
        assert point not in json.dumps(mine) and point not in theirs
    acme.post(f"{P}/session/{sid}/release-report", json={"share": "scores"})
    scored = candidate.get(f"/api/reports/{sid}").json()["questions"][0]["follow_ups"][0]
    assert isinstance(scored["score"], int)
