"""Daily quotas: charged before the money is spent, 429 with Retry-After past them, exact under concurrency,
per organisation with access control on and per client address with it off."""

import json
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from infra import admin
from interview_core import wiring
from interview_core.errors import QuotaExceeded
from interview_core.quota import SHARDS, Limits, Quotas
from tests.support.apigw import ApiGateway, Response
from tests.support.audio import tone

P = "/api/parallel_interview"
CANDIDATE = {"name": "Ada Lovelace", "email": "ada@example.com"}


def lower(monkeypatch: pytest.MonkeyPatch, **limits: int) -> None:
    """Set default quotas (e.g. sessions=2 -> QUOTA_SESSIONS_PER_DAY=2) for the functions' next build."""
    for name, value in limits.items():
        monkeypatch.setenv(f"QUOTA_{name.upper()}_PER_DAY", str(value))
    wiring.reset()


def seconds_to_midnight() -> float:
    now = datetime.now(UTC)
    return (datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC) - now).total_seconds()


def assert_quota_refusal(r: Response, *words: str) -> None:
    assert r.status_code == 429, r.text
    detail = r.json()["detail"]
    assert detail.startswith("Daily quota of ") and detail.endswith("it resets at 00:00 UTC"), detail
    assert all(w in detail for w in words), detail
    retry_after = int(r.headers["retry-after"])
    assert 0 < retry_after <= 86400 and abs(retry_after - seconds_to_midnight()) < 5


def start(api: ApiGateway, n: int = 2) -> Response:
    return api.post("/start-interview", json={"topic": "SQL", "num_questions": n})


# -- refusals record nothing -------------------------------------------------------------------------


def test_past_the_sessions_quota_start_interview_is_429_and_records_nothing(api, monkeypatch) -> None:
    lower(monkeypatch, sessions=2)
    assert [start(api).status_code for _ in range(2)] == [200, 200]
    assert_quota_refusal(start(api), "2 sessions", "client address", "is used up")
    assert api.get("/sessions").json()["total_sessions"] == 2
    usage = api.get("/api/usage").json()
    assert usage["usage"]["sessions"] == {"used": 2, "limit": 2}
    assert usage["usage"]["llm_calls"]["used"] == 2 * 3  # 1 generation + 2 scoring calls each


def test_a_request_needing_more_than_is_left_is_refused_whole(api, monkeypatch) -> None:
    lower(monkeypatch, llm_calls=5)
    # 1 generation + 5 scoring calls = 6 > 5: refused before the model is asked for anything
    assert_quota_refusal(start(api, 5), "5 language-model calls", "has 5", "needs 6")
    assert api.get("/sessions").json()["total_sessions"] == 0
    assert start(api, 4).status_code == 200  # exactly the 5 left
    pairs = [{"question": "What is an index?", "answer": "A sorted lookup structure."}]
    assert_quota_refusal(api.post("/evaluate-answers", json=pairs), "is used up")
    usage = api.get("/api/usage").json()["usage"]
    assert usage["llm_calls"] == {"used": 5, "limit": 5}
    assert usage["sessions"]["used"] == 1  # the refused start charged nothing


def test_evaluate_and_generate_charge_their_model_calls(api, monkeypatch) -> None:
    lower(monkeypatch, llm_calls=4)
    pairs = [{"question": f"Q{i}?", "answer": "Some answer."} for i in range(3)]
    assert api.post("/evaluate-answers", json=pairs).status_code == 200
    assert api.post("/generate-questions", json={"topic": "SQL"}).status_code == 200
    assert_quota_refusal(api.post("/generate-questions", json={"topic": "SQL"}), "4 language-model calls")
    assert api.get("/api/usage").json()["usage"]["llm_calls"] == {"used": 4, "limit": 4}


def test_text_to_speech_is_refused_before_synthesis(api, monkeypatch) -> None:
    lower(monkeypatch, tts_chars=10)
    r = api.post("/text-to-speech", json={"text": "What is a closure in JavaScript?"})
    assert_quota_refusal(r, "10 text-to-speech characters", "needs 32")
    assert api.get("/api/usage").json()["usage"]["tts_chars"] == {"used": 0, "limit": 10}


def test_audio_is_refused_after_decoding_and_before_transcription(api, aws, monkeypatch) -> None:
    lower(monkeypatch, audio_minutes=0)
    sid = start(api).json()["session_id"]
    clip = tone(2.0)
    r = api.post_files("/transcribe-audio", files={"audio_file": ("a.wav", clip, "audio/wav")})
    assert_quota_refusal(r, "0 audio minutes", "is used up")
    r = api.post_files(f"/audio-answer/{sid}", files={"audio_file": ("a.wav", clip, "audio/wav")})
    assert_quota_refusal(r, "0 audio minutes")
    assert api.get(f"/session/{sid}").json()["answers_submitted"] == 0
    import boto3

    s3 = boto3.client("s3", endpoint_url=aws.endpoint)
    listed = s3.list_objects_v2(Bucket=aws.env["MEDIA_BUCKET"], Prefix=f"sessions/{sid}/")
    assert listed.get("KeyCount", 0) == 0  # no audio kept for a refused answer
    # a bad file is refused for what it is, and costs nothing either
    bad = api.post_files("/transcribe-audio", files={"audio_file": ("a.wav", b"not audio", "audio/wav")})
    assert bad.status_code == 400


def test_audio_minutes_are_counted_by_decoded_duration(api, monkeypatch) -> None:
    lower(monkeypatch, audio_minutes=1)
    r = api.post_files("/transcribe-audio", files={"audio_file": ("a.wav", tone(2.0), "audio/wav")})
    assert r.status_code in (200, 400), r.text  # a tone has no words; the decode already counted it
    assert api.get("/api/usage").json()["usage"]["audio_minutes"] == {"used": round(2 / 60, 2), "limit": 1}


# -- exact under concurrency ---------------------------------------------------------------------------


def race(n: int, fn) -> list:  # noqa: ANN001
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        results[i] = fn(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def quotas(limit: int) -> Quotas:
    return Quotas(wiring.get_settings().sessions_table, Limits(limit, limit, limit, limit), cache_seconds=0)


def test_thirty_concurrent_charges_against_a_limit_of_ten_give_exactly_ten(aws) -> None:
    q = quotas(10)

    def charge(_: int) -> bool:
        try:
            q.charge("org#race", sessions=1)
            return True
        except QuotaExceeded:
            return False

    assert race(30, charge).count(True) == 10
    assert q.usage("org#race").used["sessions"] == 10


def test_concurrent_charges_of_mixed_sizes_never_pass_the_limit(aws) -> None:
    q = quotas(100)
    sizes = [1 + i % 7 for i in range(40)]  # 160 asked for in all

    def charge(i: int) -> int:
        try:
            q.charge("org#mixed", llm_calls=sizes[i], tts_chars=sizes[i])
            return sizes[i]
        except QuotaExceeded:
            return 0

    granted = sum(race(40, charge))
    used = q.usage("org#mixed").used
    assert used["llm_calls"] == used["tts_chars"] == granted <= 100
    assert granted >= 100 - 7  # refused only when too little was left


def test_a_charge_larger_than_any_shard_is_spread_over_several(aws) -> None:
    q = quotas(20)  # shares of 3 or 2: no shard alone holds 11
    assert max(20 // SHARDS + 1, 20 // SHARDS) < 11
    q.charge("org#big", sessions=11)
    with pytest.raises(QuotaExceeded, match="has 9 sessions left and this request needs 10"):
        q.charge("org#big", sessions=10)
    q.charge("org#big", sessions=9)
    assert q.usage("org#big").used["sessions"] == 20
    with pytest.raises(QuotaExceeded, match="is used up"):
        q.charge("org#big", sessions=1)


def test_a_limit_lowered_during_the_day_counts_what_was_already_used(aws) -> None:
    q = quotas(1000)
    for _ in range(3):
        q.charge("org#lowered", sessions=1)  # on random shards: some now hold more than their new share
    q.set_overrides("lowered", sessions=4)

    def charge(_: int) -> bool:
        try:
            q.charge("org#lowered", sessions=1)
            return True
        except QuotaExceeded:
            return False

    assert race(12, charge).count(True) == 1
    assert q.usage("org#lowered").used["sessions"] == 4
    q.set_overrides("lowered", sessions=6)  # raised again: exactly 2 more
    assert race(12, charge).count(True) == 2


def test_concurrent_starts_over_http_create_exactly_the_quota(api, monkeypatch) -> None:
    lower(monkeypatch, sessions=4)
    codes = Counter(race(12, lambda _: start(api, 1).status_code))
    assert codes == Counter({200: 4, 429: 8})
    assert api.get("/sessions").json()["total_sessions"] == 4


# -- who pays --------------------------------------------------------------------------------------


def test_without_access_control_each_client_address_has_its_own_quota(api, monkeypatch) -> None:
    lower(monkeypatch, sessions=1)
    a, b = api.from_address("198.51.100.7"), api.from_address("2001:db8::9")
    assert start(a).status_code == 200
    assert_quota_refusal(start(a), "client address")
    assert start(b).status_code == 200
    assert a.get("/api/usage").json()["subject"] == "ip#198.51.100.7"
    assert b.get("/api/usage").json()["usage"]["sessions"] == {"used": 1, "limit": 1}


@pytest.fixture
def orgs(aws, monkeypatch) -> Iterator[dict[str, ApiGateway]]:
    monkeypatch.setenv("AUTH_REQUIRED", "true")
    wiring.reset()
    acme, _ = wiring.api_keys().create("acme", "tests")
    globex, _ = wiring.api_keys().create("globex", "tests")
    yield {"acme": ApiGateway({"x-api-key": acme}), "globex": ApiGateway({"x-api-key": globex})}


def test_usage_shows_an_organisation_its_usage_and_quotas(orgs) -> None:
    acme = orgs["acme"]
    assert start(acme, 3).status_code == 200
    created = acme.post(f"{P}/create", json={**CANDIDATE, "questions": ["Explain a hash map."]})
    assert created.status_code == 200, created.text
    # a different address, same organisation: the organisation pays
    assert acme.from_address("198.51.100.99").post("/text-to-speech", json={"text": "Hi."}).status_code == 200
    r = acme.get("/api/usage")
    assert r.status_code == 200, r.text
    body = r.json()
    s = wiring.get_settings()
    assert body["subject"] == "org#acme"
    assert body["day"] == datetime.now(UTC).strftime("%Y-%m-%d")
    assert body["resets_at"] == (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT00:00:00Z")
    assert body["usage"] == {
        "sessions": {"used": 2, "limit": s.quota_sessions_per_day},
        "llm_calls": {"used": 4 + 1, "limit": s.quota_llm_calls_per_day},
        "tts_chars": {"used": 3, "limit": s.quota_tts_chars_per_day},
        "audio_minutes": {"used": 0, "limit": s.quota_audio_minutes_per_day},
    }
    assert orgs["globex"].get("/api/usage").json()["usage"]["sessions"]["used"] == 0
    token = created.json()["candidate_token"]
    refused = ApiGateway({"x-session-token": token}).get("/api/usage")
    assert refused.status_code == 403 and "X-API-Key" in refused.json()["detail"]
    assert ApiGateway().get("/api/usage").status_code == 401


def test_a_candidate_answering_by_voice_is_charged_to_the_session_organisation(orgs, monkeypatch) -> None:
    monkeypatch.setenv("QUOTA_AUDIO_MINUTES_PER_DAY", "0")
    wiring.reset()
    acme = orgs["acme"]
    created = acme.post(f"{P}/create", json={**CANDIDATE, "questions": ["Explain a hash map."]}).json()
    sid = created["session_id"]
    assert acme.post(f"{P}/session/{sid}/start").status_code == 200
    candidate = ApiGateway({"x-session-token": created["candidate_token"]})
    r = candidate.post_files(f"/audio-answer/{sid}", files={"audio_file": ("a.wav", tone(2.0), "audio/wav")})
    assert_quota_refusal(r, "0 audio minutes", "this organisation")


def printed(capsys) -> dict:  # noqa: ANN001
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])  # after the requests' log lines


def test_admin_quota_set_and_show(orgs, capsys) -> None:
    acme = orgs["acme"]
    assert start(acme).status_code == 200
    capsys.readouterr()
    admin.main(["quota", "set", "--org", "acme", "--sessions-per-day", "2", "--audio-minutes-per-day", "7"])
    shown = printed(capsys)
    assert shown["limits"]["sessions"] == 2 and shown["limits"]["audio_minutes"] == 7
    assert shown["overridden"] == ["audio_minutes", "sessions"]
    wiring.reset()  # another process would see it within QUOTA_CACHE_SECONDS
    assert start(acme).status_code == 200
    assert_quota_refusal(start(acme), "2 sessions", "this organisation")
    assert start(orgs["globex"]).status_code == 200  # other organisations keep the defaults
    capsys.readouterr()
    admin.main(["quota", "show", "--org", "acme"])
    shown = printed(capsys)
    assert shown["used"]["sessions"] == 2
    assert shown["limits"]["llm_calls"] == wiring.get_settings().quota_llm_calls_per_day
    assert acme.get("/api/usage").json()["usage"]["sessions"] == {"used": 2, "limit": 2}
    with pytest.raises(SystemExit):
        admin.main(["quota", "set", "--org", "acme"])


def test_an_organisations_limits_are_read_once_per_cache_period(orgs) -> None:
    from tests.functional.test_answer_races_and_budget import dynamodb_calls

    acme = orgs["acme"]
    start(acme)
    with dynamodb_calls() as calls:
        assert start(acme).status_code == 200
    # the key and the limits come from the warm caches: one charge, one create
    assert calls == Counter({"UpdateItem": 1, "TransactWriteItems": 1})


def test_the_sample_event_is_served(aws) -> None:
    from tests.support.apigw import ROOT, invoke

    result = invoke("usage", json.loads((ROOT / "events" / "usage.json").read_text()))
    assert result["statusCode"] == 200, result
    assert json.loads(result["body"])["subject"] == "ip#203.0.113.10"  # the event's sourceIp
