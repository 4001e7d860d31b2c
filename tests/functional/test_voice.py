"""Spoken answers through the Lambda handlers, with real speech: espeak-ng says a sentence, ffmpeg encodes
it, the offline engine (faster-whisper tiny.en) transcribes it, and the audio lands in the moto S3."""

import threading

import boto3
import pytest
import requests

from tests.support.apigw import ApiGateway
from tests.support.audio import ENCODERS, speech, tone

ANSWER = "A hash table stores keys and values in an array of buckets, so a lookup takes constant time."
KEY_WORDS = ("hash", "keys", "buckets", "constant", "time")


def start(api: ApiGateway, n: int = 2) -> dict:
    r = api.post(
        "/start-interview", json={"topic": "Data Structures", "difficulty": "simple", "num_questions": n}
    )
    assert r.status_code == 200, r.text
    return r.json()


def answer_audio(api: ApiGateway, sid: str, data: bytes, filename: str = "answer.wav", **fields: str):
    return api.post_files(
        f"/audio-answer/{sid}", {"audio_file": (filename, data, "application/octet-stream")}, fields
    )


def objects(aws, sid: str) -> list[str]:
    s3 = boto3.client("s3", endpoint_url=aws.endpoint)
    listed = s3.list_objects_v2(Bucket=aws.env["MEDIA_BUCKET"], Prefix=f"sessions/{sid}/")
    return sorted(o["Key"] for o in listed.get("Contents", []))


@pytest.mark.parametrize("fmt", list(ENCODERS))
def test_a_spoken_answer_in_each_format_is_transcribed_stored_and_linked(
    api: ApiGateway, aws, fmt: str
) -> None:
    session = start(api)
    sid = session["session_id"]
    audio = speech(ANSWER, fmt)
    # the name says nothing true: the format comes from the bytes
    r = answer_audio(api, sid, audio, filename="recording.bin")
    assert r.status_code == 200, r.text
    body = r.json()
    assert {
        "session_id",
        "transcript",
        "message",
        "next_question",
        "question_number",
        "total_questions",
    } <= set(body)
    assert body["status"] == "waiting_for_answer" and body["question_number"] == 2
    assert body["message"] == "Answer recorded successfully"
    transcript = body["transcript"].lower()
    heard = [w for w in KEY_WORDS if w in transcript]
    assert len(heard) >= 4, transcript
    assert 4 < body["audio_duration_seconds"] < 10
    assert body["speaking"]["word_count"] >= 12 and body["speaking"]["words_per_minute"] > 60

    state = api.get(f"/session/{sid}").json()
    assert state["answers_submitted"] == 1
    [recording] = state["recordings"]
    assert recording["question_number"] == 1 and recording["format"] == fmt
    assert requests.get(recording["audio_url"], timeout=10).content == audio  # the very bytes sent
    keys = objects(aws, sid)
    assert len(keys) == 2 and keys[0].endswith(f".{fmt}") and keys[1].endswith(".transcript.json")


def test_a_voice_interview_ends_with_speaking_insights_in_the_report(api: ApiGateway, aws) -> None:
    sid = start(api)["session_id"]
    first = answer_audio(api, sid, speech("Um, a stack is last in, first out, like a pile of plates.", "mp3"))
    assert first.status_code == 200, first.text
    last = answer_audio(
        api, sid, speech("A queue is first in, first out, you know, like a line of people.", "ogg")
    )
    assert last.status_code == 200, last.text
    done = last.json()
    assert done["status"] == "completed" and done["total_answered"] == 2 and "transcript" in done
    assert aws.drain_evaluations() == 1
    report = api.get(f"/api/reports/{sid}").json()
    spoken = [q["speaking"] for q in report["questions"]]
    assert all(s and s["words_per_minute"] > 0 for s in spoken)
    assert "words per minute" in report["speaking_summary"]
    assert report["questions"][0]["answer"].lower().startswith(("um", "a stack", "stack"))


BAD_AUDIO = {  # made on use: the generators need espeak-ng and ffmpeg
    "empty": (lambda: b"", "The audio file is empty"),
    "garbage": (lambda: bytes(range(256)) * 40, "Unsupported audio format"),
    "text named wav": (
        lambda: b"This is not audio at all, just words in a file.\n" * 20,
        "Unsupported audio format",
    ),
    "wav header only": (lambda: speech(ANSWER, "wav")[:44], "Unsupported audio format"),
    "truncated wav": (lambda: speech(ANSWER, "wav")[:60_000], "truncated"),
    "truncated flac": (lambda: speech(ANSWER, "flac")[:4_000], "Unsupported audio format"),
    "too long": (lambda: tone(185, "mp3"), "longer than the 180 s maximum"),
    "too short": (lambda: tone(0.2, "wav"), "too short"),
    "no speech": (lambda: tone(3, "wav"), "No speech was recognised"),
}


@pytest.mark.parametrize("case", list(BAD_AUDIO))
def test_bad_audio_is_refused_and_changes_nothing(api: ApiGateway, aws, case: str) -> None:
    sid = start(api)["session_id"]
    make, detail = BAD_AUDIO[case]
    r = answer_audio(api, sid, make())
    assert r.status_code == 400, r.text
    assert detail in r.json()["detail"]
    assert api.get(f"/session/{sid}").json()["answers_submitted"] == 0
    assert "recordings" not in api.get(f"/session/{sid}").json()
    assert objects(aws, sid) == []


def test_a_file_over_the_direct_upload_limit_gets_413_pointing_to_the_presigned_upload(
    api: ApiGateway, aws
) -> None:
    sid = start(api)["session_id"]
    big = tone(150, "wav")  # 4.8 MB of 16 kHz PCM: over 4.5 MB, under Lambda's 6 MB
    assert len(big) > 4_500_000
    r = answer_audio(api, sid, big)
    assert r.status_code == 413
    assert f"/audio-upload/{sid}" in r.json()["detail"] and "audio_key" in r.json()["detail"]
    assert api.get(f"/session/{sid}").json()["answers_submitted"] == 0
    assert objects(aws, sid) == []


def _upload(api: ApiGateway, sid: str, data: bytes, content_type: str) -> str:
    grant = api.post(f"/audio-upload/{sid}", json={"content_type": content_type})
    assert grant.status_code == 200, grant.text
    g = grant.json()
    assert (
        g["method"] == "POST" and g["max_bytes"] == 25_000_000 and g["fields"]["Content-Type"] == content_type
    )
    sent = requests.post(
        g["upload_url"], data=g["fields"], files={"file": ("answer", data, content_type)}, timeout=10
    )
    assert sent.status_code in (200, 204), sent.text
    return g["audio_key"]


def test_a_large_answer_goes_through_a_presigned_upload(api: ApiGateway, aws) -> None:
    sid = start(api)["session_id"]
    key = _upload(api, sid, speech(ANSWER, "webm"), "audio/webm")
    assert key.startswith(f"sessions/{sid}/uploads/") and key.endswith(".webm")
    r = api.post_files(f"/audio-answer/{sid}", {}, {"audio_key": key})
    assert r.status_code == 200, r.text
    assert "buckets" in r.json()["transcript"].lower() or "hash" in r.json()["transcript"].lower()
    keys = objects(aws, sid)
    assert key not in keys, "the upload is consumed by its answer"
    assert any(k.startswith(f"sessions/{sid}/answers/1-") for k in keys)
    # one upload can never back a second answer
    again = api.post_files(f"/audio-answer/{sid}", {}, {"audio_key": key})
    assert again.status_code == 400 and "Nothing was uploaded" in again.json()["detail"]
    assert api.get(f"/session/{sid}").json()["answers_submitted"] == 1


def test_upload_keys_are_bound_to_their_session_and_checked(api: ApiGateway, aws, monkeypatch) -> None:
    mine, other = start(api)["session_id"], start(api)["session_id"]
    foreign = _upload(api, other, speech(ANSWER, "mp3"), "audio/mpeg")
    r = api.post_files(f"/audio-answer/{mine}", {}, {"audio_key": foreign})
    assert r.status_code == 400 and "not an upload of this session" in r.json()["detail"]
    assert foreign in objects(aws, other), "another session's upload is left alone"

    both = api.post_files(f"/audio-answer/{mine}", {"audio_file": ("a.mp3", speech(ANSWER, "mp3"), "audio/mpeg")},
                          {"audio_key": foreign})  # fmt: skip
    assert both.status_code == 400 and "exactly one" in both.json()["detail"]
    neither = api.post_files(f"/audio-answer/{mine}", {}, {"question_number": "1"})
    assert neither.status_code == 400

    refused = api.post(f"/audio-upload/{mine}", json={"content_type": "text/plain"})
    assert refused.status_code == 422

    # S3 enforces the presigned size bound; the server checks again before reading
    from interview_core import wiring

    monkeypatch.setenv("MAX_PRESIGNED_UPLOAD_BYTES", "10000")
    wiring.reset()
    grant = api.post(f"/audio-upload/{mine}", json={"content_type": "audio/wav"}).json()
    requests.post(
        grant["upload_url"],
        data=grant["fields"],
        files={"file": ("a", speech(ANSWER), "audio/wav")},
        timeout=10,
    )
    big = api.post_files(f"/audio-answer/{mine}", {}, {"audio_key": grant["audio_key"]})
    assert big.status_code == 413
    assert api.get(f"/session/{mine}").json()["answers_submitted"] == 0
    assert objects(aws, mine) == []


def test_audio_answers_follow_the_session_rules(api: ApiGateway, aws) -> None:
    audio = speech(ANSWER, "mp3")
    missing = answer_audio(api, "00000000-0000-4000-8000-000000000000", audio)
    assert missing.status_code == 404 and missing.json() == {"detail": "Session not found"}
    sid = start(api, 1)["session_id"]
    stale = answer_audio(api, sid, audio, question_number="2")
    assert stale.status_code == 409
    assert answer_audio(api, sid, audio).json()["status"] == "completed"
    after = answer_audio(api, sid, audio)
    assert after.status_code == 400 and after.json() == {"detail": "Session is not active"}
    assert len([k for k in objects(aws, sid) if not k.endswith(".json")]) == 1


def test_racing_audio_answers_record_exactly_one(api: ApiGateway, aws) -> None:
    sid = start(api, 3)["session_id"]
    audio = speech(ANSWER, "mp3")
    results: list[int] = []
    barrier = threading.Barrier(4)

    def send() -> None:
        barrier.wait()
        results.append(answer_audio(api, sid, audio, question_number="1").status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409, 409, 409]
    assert api.get(f"/session/{sid}").json()["answers_submitted"] == 1
    recordings = [k for k in objects(aws, sid) if not k.endswith(".json")]
    assert len(recordings) == 1, "the losers' audio is not kept"


def test_transcribe_audio_returns_words_with_timestamps(api: ApiGateway) -> None:
    r = api.post_files(
        "/transcribe-audio", {"audio_file": ("note.flac", speech(ANSWER, "flac"), "audio/flac")}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (
        body["filename"] == "note.flac" and body["format"] == "flac" and body["provider"] == "faster-whisper"
    )
    assert "hash" in body["transcript"].lower()
    starts = [w["start"] for w in body["words"]]
    assert (
        len(starts) >= 12 and starts == sorted(starts) and all(w["end"] >= w["start"] for w in body["words"])
    )
    bad = api.post_files("/transcribe-audio", {"audio_file": ("x.wav", b"RIFF....nonsense", "audio/wav")})
    assert bad.status_code == 400 and bad.json() == {"detail": "Unsupported audio format"}


def test_text_to_speech_speaks_mp3_that_transcribes_back(api: ApiGateway) -> None:
    r = api.post(
        "/text-to-speech", json={"text": "Describe how a hash table stores keys and values in buckets."}
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "audio/mpeg"
    assert r.headers["content-disposition"] == "attachment; filename=speech.mp3"
    mp3 = r.content
    assert mp3[:3] == b"ID3" or mp3[0] == 0xFF
    back = api.post_files("/transcribe-audio", {"audio_file": ("speech.mp3", mp3, "audio/mpeg")}).json()
    heard = set(back["transcript"].lower().replace(",", "").replace(".", "").split())
    assert len({"hash", "table", "keys", "values", "buckets"} & heard) >= 3, back["transcript"]
    assert api.post("/text-to-speech", json={"text": "  "}).status_code == 422
    assert api.post("/text-to-speech", json={"text": "x" * 3001}).status_code == 422


def test_unavailable_speech_providers_are_503_with_a_detail(
    api: ApiGateway, aws, monkeypatch, tmp_path
) -> None:
    from interview_core import wiring

    sid = start(api)["session_id"]
    monkeypatch.setenv("WHISPER_MODEL_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng
    wiring.reset()
    r = answer_audio(api, sid, speech(ANSWER, "mp3"))
    assert r.status_code == 503 and "no Whisper model" in r.json()["detail"]
    assert api.get(f"/session/{sid}").json()["answers_submitted"] == 0
    assert objects(aws, sid) == []
    t = api.post("/text-to-speech", json={"text": "Hello"})
    assert t.status_code == 503 and "espeak-ng is not installed" in t.json()["detail"]


def test_a_spoken_answer_can_be_followed_up_and_a_stale_turn_keeps_no_audio(api: ApiGateway, aws) -> None:
    r = api.post(
        "/start-interview",
        json={"topic": "Data Structures", "difficulty": "simple", "num_questions": 1, "follow_ups": 1},
    )
    sid = r.json()["session_id"]
    weak = answer_audio(api, sid, speech("I am not sure about that one.", "mp3"), turn="1")
    assert weak.status_code == 200, weak.text
    body = weak.json()
    assert body["follow_up"] is True and body["follow_up_of"] == 1 and body["turn"] == 2
    assert (
        body["question_number"] == 1 and body["total_questions"] == 1 and "sure" in body["transcript"].lower()
    )
    stale = answer_audio(api, sid, speech(ANSWER, "mp3"), turn="1")
    assert stale.status_code == 409 and "detail" in stale.json()
    done = answer_audio(api, sid, speech(ANSWER, "mp3"), turn="2")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert len([k for k in objects(aws, sid) if not k.endswith(".json")]) == 2  # the stale one's is not kept
    assert aws.drain_evaluations() == 1
    [entry] = api.get(f"/api/reports/{sid}").json()["questions"]
    assert entry["follow_ups"][0]["question"] == body["next_question"]
    assert "hash" in entry["follow_ups"][0]["answer"].lower()
