"""Spoken answers against the running local stack, as the seed's Scenario 2 client sends them
(`requests.post(url, files={"audio_file": f})`), with real speech from espeak-ng."""

import time

import pytest
import requests

from tests.support.audio import speech

pytestmark = pytest.mark.e2e


def test_an_audio_interview_over_http_ends_with_a_report_that_has_speaking_insights(
    local_stack: str, tmp_path
) -> None:
    start = requests.post(
        f"{local_stack}/start-interview",
        json={"topic": "JavaScript", "difficulty": "medium", "num_questions": 2},
        timeout=30,
    ).json()
    sid = start["session_id"]

    # The question, spoken: what a candidate's client plays before recording.
    question_audio = requests.post(
        f"{local_stack}/text-to-speech", json={"text": start["current_question"]}, timeout=30
    )
    assert question_audio.status_code == 200 and question_audio.headers["content-type"] == "audio/mpeg"
    assert len(question_audio.content) > 1000

    # Answer 1 as the seed does it: a wav file from disk in the multipart field audio_file.
    wav = tmp_path / "answer.wav"
    wav.write_bytes(
        speech("Um, closures let an inner function keep the variables of its outer scope.", "wav")
    )
    with open(wav, "rb") as audio_file:
        first = requests.post(
            f"{local_stack}/audio-answer/{sid}", files={"audio_file": audio_file}, timeout=60
        )
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "waiting_for_answer"
    heard = first.json()["transcript"].lower()
    assert sum(word in heard for word in ("closure", "function", "variable", "scope")) >= 3, heard

    # Answer 2 as a browser sends a long recording: presigned upload to S3, then the key.
    grant = requests.post(
        f"{local_stack}/audio-upload/{sid}", json={"content_type": "audio/webm"}, timeout=30
    ).json()
    webm = speech("A promise is an object for a value that arrives later, like a network response.", "webm")
    put = requests.post(
        grant["upload_url"], data=grant["fields"], files={"file": ("a.webm", webm, "audio/webm")}, timeout=30
    )
    assert put.status_code in (200, 204)
    last = requests.post(
        f"{local_stack}/audio-answer/{sid}", data={"audio_key": grant["audio_key"]}, timeout=60
    )
    assert last.status_code == 200, last.text
    assert last.json()["status"] == "completed"
    assert "promise" in last.json()["transcript"].lower()

    deadline = time.monotonic() + 30
    while (report := requests.get(last.json()["report_url"], timeout=10)).status_code == 202:
        assert time.monotonic() < deadline, "no report within 30 s"
        time.sleep(0.2)
    body = report.json()
    assert [q["speaking"]["word_count"] > 5 for q in body["questions"]] == [True, True]
    assert "words per minute" in body["speaking_summary"]

    session = requests.get(f"{local_stack}/session/{sid}", timeout=10).json()
    assert [r["format"] for r in session["recordings"]] == ["wav", "webm"]
    assert requests.get(session["recordings"][1]["audio_url"], timeout=10).content == webm


def test_unsupported_audio_over_http_is_the_seeds_400(local_stack: str) -> None:
    sid = requests.post(f"{local_stack}/start-interview", json={"topic": "Python"}, timeout=30).json()[
        "session_id"
    ]
    r = requests.post(
        f"{local_stack}/audio-answer/{sid}",
        files={"audio_file": ("answer.wav", b"not audio", "audio/wav")},
        timeout=30,
    )
    assert r.status_code == 400 and r.json() == {"detail": "Unsupported audio format"}
    assert requests.get(f"{local_stack}/session/{sid}", timeout=10).json()["answers_submitted"] == 0
