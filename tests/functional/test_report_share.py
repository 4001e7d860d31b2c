"""Share links (POST/DELETE /api/reports/{id}/share, GET /api/shared-reports/{token}, GET /r/{token})
through API Gateway events: the candidate's view without a key, for as long as the organisation chose."""

import html
import json
import time
from pathlib import Path
from typing import Any

import pytest

from interview_core import wiring
from interview_core.access import digest
from tests.functional.test_coding_scores import HIDDEN
from tests.functional.test_report_pdf import HOSTILE, P, recruiter_session
from tests.support.apigw import ApiGateway, invoke

ROOT = Path(__file__).resolve().parents[2]
NOBODY = ApiGateway()
REVOKED = "This link has expired, was revoked, or never existed"


def share(org: ApiGateway, sid: str, **body: Any) -> dict[str, Any]:
    r = org.post(f"/api/reports/{sid}/share", json=body or None)
    assert r.status_code == 200, r.text
    return r.json()


def token_of(link: dict[str, Any]) -> str:
    return link["url"].rsplit("/", 1)[1]


def test_a_link_shows_the_candidates_view_without_a_key(orgs, aws) -> None:
    acme = orgs["acme"]
    sid, candidate = recruiter_session(acme, aws)
    refused = acme.post(f"/api/reports/{sid}/share")
    assert refused.status_code == 400 and "Release the report first" in refused.json()["detail"]

    acme.post(f"{P}/session/{sid}/release-report", json={"share": "feedback"})
    link = share(acme, sid)
    assert link["url"].endswith(f"/r/{link['token']}") and link["api_url"].endswith(
        f"/api/shared-reports/{link['token']}"
    )
    r = NOBODY.get(f"/api/shared-reports/{link['token']}")
    assert r.status_code == 200, r.text
    assert r.headers["referrer-policy"] == "no-referrer" and "no-store" in r.headers["cache-control"]
    body = r.json()
    assert body["expires_at"] == link["expires_at"]
    shown = json.dumps(body)
    assert body["report"]["share"] == "feedback" and body["report"]["overall_score"] is None
    assert [q["question_number"] for q in body["report"]["questions"]] == [1, 2]
    assert "three items" in shown and "hidden test 1" in shown
    for withheld in (HIDDEN, "hidden one", "zoe@example.com", "Zoë", "+1 555 0100", "integrity", "tab_hidden",
                     "chained in a list or probed to another slot"):  # fmt: skip
        assert withheld not in shown, withheld
    # what the candidate reads with their own token is what the link shows
    assert body["report"] == candidate.get(f"/api/reports/{sid}").json()

    acme.post(f"{P}/session/{sid}/release-report", json={"share": "scores"})
    assert NOBODY.get(f"/api/shared-reports/{link['token']}").json()["report"]["overall_score"] is not None
    acme.post(f"{P}/session/{sid}/release-report", json={"share": "none"})
    withdrawn = NOBODY.get(f"/api/shared-reports/{link['token']}")
    assert withdrawn.status_code == 403 and "withdrawn" in withdrawn.json()["detail"]


def test_the_stored_item_holds_the_tokens_hash_with_its_ttl(orgs, aws) -> None:
    acme = orgs["acme"]
    sid, _ = recruiter_session(acme, aws)
    acme.post(f"{P}/session/{sid}/release-report", json={"share": "scores"})
    link = share(acme, sid, expires_in_days=30)
    items = wiring._store()._db.scan(TableName=wiring._store().table)["Items"]
    shares = [i for i in items if i["pk"]["S"].startswith("SHARE#")]
    assert [i["pk"]["S"] for i in shares] == [f"SHARE#{digest(link['token'])}"]
    assert link["token"] not in json.dumps(items)
    assert abs(int(shares[0]["expires_at"]["N"]) - (time.time() + 30 * 86_400)) < 60  # the TTL attribute


@pytest.mark.parametrize(("body", "loc"), [({"expires_in_days": 0}, "expires_in_days"),
                                           ({"expires_in_days": 31}, "expires_in_days"),
                                           ({"expires_in_days": "soon"}, "expires_in_days")])  # fmt: skip
def test_expiry_is_1_to_30_days(orgs, aws, body: dict[str, Any], loc: str) -> None:
    acme = orgs["acme"]
    sid = acme.post("/start-interview", json={"topic": "SQL", "num_questions": 1}).json()["session_id"]
    r = acme.post(f"/api/reports/{sid}/share", json=body)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", loc]


def test_who_may_make_and_revoke_links(orgs, aws) -> None:
    acme, globex = orgs["acme"], orgs["globex"]
    sid, candidate = recruiter_session(acme, aws)
    acme.post(f"{P}/session/{sid}/release-report", json={"share": "feedback"})
    assert candidate.post(f"/api/reports/{sid}/share").status_code == 403
    assert candidate.delete(f"/api/reports/{sid}/share").status_code == 403
    assert NOBODY.post(f"/api/reports/{sid}/share").status_code == 401
    assert globex.post(f"/api/reports/{sid}/share").status_code == 404
    link = share(acme, sid)
    assert globex.delete(f"/api/reports/{sid}/share").status_code == 404
    assert NOBODY.get(f"/api/shared-reports/{link['token']}").status_code == 200  # globex revoked nothing


def test_revoking_ends_every_link_and_a_new_one_works(orgs, aws) -> None:
    acme = orgs["acme"]
    sid, _ = recruiter_session(acme, aws)
    acme.post(f"{P}/session/{sid}/release-report", json={"share": "feedback"})
    first, second = share(acme, sid), share(acme, sid, expires_in_days=1)
    r = acme.delete(f"/api/reports/{sid}/share")
    assert r.status_code == 200 and r.json()["session_id"] == sid
    for link in (first, second):
        gone = NOBODY.get(f"/api/shared-reports/{link['token']}")
        assert gone.status_code == 404 and gone.json() == {"detail": REVOKED}
        page = NOBODY.get(f"/r/{link['token']}")
        assert page.status_code == 404 and REVOKED in page.text
    third = share(acme, sid)
    assert NOBODY.get(f"/api/shared-reports/{third['token']}").status_code == 200


def test_an_expired_link_is_404(orgs, aws, monkeypatch) -> None:
    acme = orgs["acme"]
    sid, _ = recruiter_session(acme, aws)
    acme.post(f"{P}/session/{sid}/release-report", json={"share": "feedback"})
    link = share(acme, sid, expires_in_days=2)
    from interview_core.store import shares

    real = shares.epoch_now
    monkeypatch.setattr(shares, "epoch_now", lambda: real() + 2 * 86_400 + 1)  # TTL deletes late
    assert NOBODY.get(f"/api/shared-reports/{link['token']}").status_code == 404


@pytest.mark.parametrize("delete", ["recruiter", "cleanup"])
def test_erasing_the_session_ends_its_links(orgs, aws, delete: str) -> None:
    acme = orgs["acme"]
    sid, _ = recruiter_session(acme, aws)
    acme.post(f"{P}/session/{sid}/release-report", json={"share": "feedback"})
    link = share(acme, sid)
    if delete == "recruiter":
        assert acme.delete(f"{P}/session/{sid}").status_code == 200
    else:
        wiring.retention_service().erase(sid)
    assert NOBODY.get(f"/api/shared-reports/{link['token']}").status_code == 404
    gone = NOBODY.get(f"/r/{link['token']}")  # a person who follows the link reads a page, not JSON
    assert gone.status_code == 404 and gone.headers["content-type"].startswith("text/html"), gone.text
    assert REVOKED in gone.text


def test_a_practice_delete_ends_its_links(api: ApiGateway, aws) -> None:
    sid = api.post("/start-interview", json={"topic": "SQL", "num_questions": 1}).json()["session_id"]
    link = share(api, sid)  # practice: no release step; pending until the report is written
    pending = NOBODY.get(f"/api/shared-reports/{link['token']}")
    assert pending.status_code == 202 and pending.json()["report_url"] == link["api_url"]
    api.post("/submit-answer", json={"session_id": sid, "answer": "An index speeds up lookups."})
    assert aws.drain_evaluations() == 1
    shown = NOBODY.get(f"/api/shared-reports/{link['token']}").json()["report"]
    assert shown["share"] == "scores" and shown["questions"][0]["score"] is not None
    assert api.delete(f"/session/{sid}").status_code == 200
    assert NOBODY.get(f"/api/shared-reports/{link['token']}").status_code == 404


def test_a_token_reads_only_its_own_report_and_garbage_costs_no_scan(orgs, aws, monkeypatch) -> None:
    acme = orgs["acme"]
    one, _ = recruiter_session(acme, aws)
    two, _ = recruiter_session(acme, aws, ["Buckets hold colliding keys.", "def reverse(items): return []"])
    for sid in (one, two):
        acme.post(f"{P}/session/{sid}/release-report", json={"share": "scores"})
    a, b = share(acme, one), share(acme, two)
    assert NOBODY.get(f"/api/shared-reports/{a['token']}").json()["report"]["session_id"] == one
    assert NOBODY.get(f"/api/shared-reports/{b['token']}").json()["report"]["session_id"] == two

    calls: list[str] = []
    db = wiring._store()._db
    real = db._make_api_call
    monkeypatch.setattr(db, "_make_api_call", lambda op, params: calls.append(op) or real(op, params))
    guessed = a["token"][:-1] + ("A" if a["token"][-1] != "A" else "B")
    assert NOBODY.get(f"/api/shared-reports/{guessed}").status_code == 404
    assert calls == ["GetItem"]  # one keyed read of the hash: never a scan or a query of the table
    calls.clear()
    for garbage in ("x", "../" * 20, "%00", "a" * 500, one):
        assert NOBODY.get(f"/api/shared-reports/{garbage}").status_code == 404
    assert calls == []  # not a token's shape: refused before any read


def test_the_page_escapes_everything_and_runs_nothing(orgs, aws) -> None:
    acme = orgs["acme"]
    sid, _ = recruiter_session(
        acme, aws, [HOSTILE, "def reverse(items):\n    return '<img src=x onerror=alert(1)>'\n"]
    )
    acme.post(f"{P}/session/{sid}/release-report", json={"share": "scores"})
    link = share(acme, sid)
    r = NOBODY.get(f"/r/{link['token']}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    page = r.text
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert html.unescape(page).count("<script>alert('x')</script>") == 1  # once, as text
    assert "“quoted” é 中文 😀" in page  # HTML is UTF-8: nothing needs replacing
    assert page.count("<pre>") == 2 and "Zoë" not in page and "zoe@example.com" not in page


def test_the_sample_events_are_served(orgs, aws) -> None:
    for name in ("report_share", "shared_report"):
        result = invoke(name, json.loads((ROOT / "events" / f"{name}.json").read_text()))
        assert result["statusCode"] in (401, 404), result  # the sample key and token do not exist here
        assert json.loads(result["body"])["detail"]
