"""Proctoring photos checked with real face detection, and LiveKit rooms, tokens and signed webhooks
through the recruiter routes (LiveKit is a local server speaking its Twirp API and checking tokens)."""

from collections.abc import Iterator

import boto3
import pytest
from livekit.api import TokenVerifier

from interview_core import wiring
from tests.support.apigw import ApiGateway
from tests.support.images import astronaut_jpeg, blank_png, no_face_jpeg, two_faces_jpeg
from tests.support.livekit_stub import API_KEY, API_SECRET, LiveKitStub, participant_event, sign_webhook

P = "/api/parallel_interview"
CANDIDATE = {
    "name": "Ada Candidate",
    "email": "ada@example.com",
    "questions": ["Explain a closure.", "What is a race?"],
}


def new_session(api: ApiGateway) -> dict:
    r = api.post(f"{P}/create", json=CANDIDATE)
    assert r.status_code == 200, r.text
    return r.json()


def objects(aws, sid: str) -> list[str]:
    listed = boto3.client("s3", endpoint_url=aws.endpoint).list_objects_v2(
        Bucket=aws.env["MEDIA_BUCKET"], Prefix=f"sessions/{sid}/proctoring/"
    )
    return [o["Key"] for o in listed.get("Contents", [])]


def photo(api: ApiGateway, sid: str, image: bytes, path: str = "/capture_reference_face"):
    fields = {"session_id": sid} if path == "/capture_reference_face" else {}
    return api.post_files(path, {"image": ("photo.jpg", image, "image/jpeg")}, fields)


def test_the_reference_photo_must_show_exactly_one_face(api: ApiGateway, aws) -> None:
    made = new_session(api)
    sid = made["session_id"]
    candidate = ApiGateway({"x-session-token": made["candidate_token"]})
    for image, detail in (
        (blank_png(), "No face found"),
        (no_face_jpeg(), "No face found"),
        (two_faces_jpeg(), "2 faces found"),
    ):
        r = photo(candidate, sid, image)
        assert r.status_code == 422 and detail in r.json()["detail"], r.text
    assert objects(aws, sid) == [], "a refused reference photo is not kept"
    details = api.get(f"{P}/session/{sid}").json()["session"]
    assert details["reference_face_captured"] is False
    assert details["proctoring_violations_count"] == 0, "retaking the reference photo is not a violation"

    ok = photo(candidate, sid, astronaut_jpeg())
    assert ok.status_code == 200 and ok.json()["faces"] == 1 and ok.json()["verdict"] == "ok"
    assert api.get(f"{P}/session/{sid}").json()["session"]["reference_face_captured"] is True
    assert len(objects(aws, sid)) == 1

    bad = photo(candidate, sid, b"GIF89a not an accepted image")
    assert bad.status_code == 400 and bad.json() == {"detail": "Unsupported image format"}
    other = new_session(api)["session_id"]
    assert photo(candidate, other, astronaut_jpeg()).status_code == 404, "a token opens only its own session"


def test_snapshots_are_checked_and_join_the_timeline(api: ApiGateway, aws, monkeypatch) -> None:
    made = new_session(api)
    sid = made["session_id"]
    candidate = ApiGateway({"x-session-token": made["candidate_token"]})
    candidate.post(f"{P}/session/{sid}/start")
    verdicts = [
        photo(candidate, sid, image, f"/api/proctoring/{sid}/snapshot").json()["verdict"]
        for image in (astronaut_jpeg(), blank_png(), two_faces_jpeg())
    ]
    assert verdicts == ["ok", "no_face", "multiple_faces"]
    assert api.get(f"{P}/session/{sid}").json()["session"]["proctoring_violations_count"] == 2
    assert len(objects(aws, sid)) == 3

    monkeypatch.setenv("MAX_IMAGE_BYTES", "1000")
    wiring.reset()
    big = photo(candidate, sid, astronaut_jpeg(), f"/api/proctoring/{sid}/snapshot")
    assert big.status_code == 413

    for answer in ("A closure keeps the variables of its scope.", "Two threads touch shared state."):
        candidate.post("/submit-answer", json={"session_id": sid, "answer": answer})
    aws.drain_evaluations()
    integrity = api.get(f"/api/reports/{sid}").json()["integrity"]
    assert integrity["violations"] == {"no_face": 1, "multiple_faces": 1}
    assert [e["type"] for e in integrity["timeline"]] == ["face_ok", "no_face", "multiple_faces"]
    assert all(e["question_number"] == 1 for e in integrity["timeline"])


@pytest.fixture
def livekit(aws, monkeypatch) -> Iterator[LiveKitStub]:
    stub = LiveKitStub().start()
    monkeypatch.setenv("LIVEKIT_URL", stub.ws_url)
    monkeypatch.setenv("LIVEKIT_API_KEY", API_KEY)
    monkeypatch.setenv("LIVEKIT_API_SECRET", API_SECRET)
    monkeypatch.setenv("LIVEKIT_TIMEOUT_SECONDS", "1")
    wiring.reset()
    yield stub
    stub.stop()


def test_with_livekit_a_session_gets_its_room_and_a_candidate_token(
    api: ApiGateway, livekit: LiveKitStub
) -> None:
    made = new_session(api)
    sid = made["session_id"]
    room = f"interview-{sid}"
    assert made["livekit_fallback"] is False and made["livekit_url"] == livekit.ws_url
    assert made["livekit_room_name"] == room and livekit.rooms[room].empty_timeout == 600
    claims = TokenVerifier(API_KEY, API_SECRET).verify(made["livekit_token"])
    assert claims.identity == f"candidate-{sid}" and claims.video.room == room and claims.video.room_join
    assert not claims.video.room_create and not claims.video.room_admin
    assert api.get(f"{P}/stats").json()["stats"]["active_livekit_rooms"] == 1

    def webhook(event: str, identity: str):
        body, auth = sign_webhook(participant_event(event, room, identity))
        return api.request("POST", "/api/livekit/webhook", raw_body=body, headers={"authorization": auth})

    assert webhook("participant_joined", f"candidate-{sid}").json()["recorded"] is True
    assert webhook("participant_joined", "someone-else").json()["recorded"] is True
    assert webhook("participant_left", "someone-else").status_code == 200
    details = api.get(f"{P}/session/{sid}").json()
    assert details["livekit_room"]["num_participants"] == 1
    assert details["session"]["proctoring_violations_count"] == 1  # the unexpected participant

    body, auth = sign_webhook(participant_event("participant_joined", room, "intruder"))
    forged = api.request("POST", "/api/livekit/webhook", raw_body=body.replace("intruder", "candidate"),
                         headers={"authorization": auth})  # fmt: skip
    assert forged.status_code == 401
    unsigned = api.request("POST", "/api/livekit/webhook", raw_body=body)
    assert unsigned.status_code == 401

    api.post(f"{P}/session/{sid}/start")
    api.post(f"{P}/session/{sid}/end")
    assert room not in livekit.rooms, "ending the interview closes its room"
    assert api.get(f"{P}/stats").json()["stats"]["active_livekit_rooms"] == 0


def test_an_unreachable_livekit_means_fallback_not_failure(api: ApiGateway, livekit: LiveKitStub) -> None:
    livekit.delay_seconds = 30
    made = new_session(api)
    assert made["livekit_fallback"] is True and made["livekit_token"] is None
    assert "unreachable" in made["livekit_fallback_reason"]
    assert api.get(f"{P}/stats").json()["stats"]["active_livekit_rooms"] == 0
    assert api.get(f"{P}/session/{made['session_id']}").json()["livekit_room"]["fallback"] is True
