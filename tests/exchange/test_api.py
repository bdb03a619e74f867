"""The exchange's API (§10) for every persona: anonymous, the right contact point (AL), another
country's (BA), an EU officer of another area, the administrator (metadata only); a denied
request changes nothing; 422 names JSON pointers and stores nothing."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from oip.accounts.models import ApiToken, Membership, Organisation
from oip.exchange.models import Delivery, ExchangeEvent, Notification, Submission
from oip.liaison.templates import shipped
from tests.exchange.verified import verify
from tests.personas import SINCE, Persona

pytestmark = pytest.mark.django_db
BASE = "/api/v1/exchange/"
DAY = dt.timedelta(days=1)
CYBER = shipped().get("cyber-incident")
EARLY = CYBER.stages["early_warning"].examples[0]
FEEDBACK = CYBER.stages["initial_feedback"].examples[0]
NOTIFICATION = CYBER.stages["notification"].examples[0]


@dataclass
class Api:
    """An API client: a bearer token, a verified session, or nothing."""

    client: Client
    token: str | None = None

    def _headers(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str) -> Any:
        return self.client.get(BASE + path, **self._headers())

    def post(self, path: str, body: Any = None, raw: bytes | None = None) -> Any:
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(
            BASE + path, data=data, content_type="application/json", **self._headers()
        )


def with_token(user: Any, org: Organisation) -> Api:
    text, _ = ApiToken.issue(user, org, DAY)
    return Api(Client(), text)


@pytest.fixture
def eeas(db: None) -> Organisation:
    return Organisation.objects.create(
        name="EEAS Strategic Communications",
        short_name="EEAS-STRATCOM",
        kind="eu_body",
        body="eeas-stratcom",
        areas=["fimi"],
        valid_from=SINCE.date(),
    )


@pytest.fixture
def people(
    frozen: dt.datetime,
    cyber_evidence: None,
    enisa: Organisation,
    al_csirt: Organisation,
    ba_csirt: Organisation,
    eeas: Organisation,
    enisa_officer: Any,
    al_officer: Any,
    ba_officer: Any,
    operator_user: Any,
) -> dict[str, Api]:
    fimi_officer = get_user_model().objects.create_user("eeas-officer")
    Membership.objects.create(
        user=fimi_officer,
        organisation=eeas,
        role="officer",
        areas=["fimi"],
        clearance="amber+strict",
        valid_from=SINCE,
    )
    administrator = Client()
    administrator.force_login(operator_user)
    verify(Persona(administrator, operator_user))
    return {
        "anonymous": Api(Client()),
        "sender": with_token(enisa_officer, enisa),
        "al": with_token(al_officer, al_csirt),
        "ba": with_token(ba_officer, ba_csirt),
        "other_area": with_token(fimi_officer, eeas),
        "administrator": Api(administrator),
    }


def alert(**change: Any) -> dict[str, Any]:
    body = {
        "template": "cyber-incident",
        "area": "cyber",
        "tlp": "amber",
        "audience": "community",
        "addressees": [],
        "stage": "early_warning",
        "payload": EARLY,
        "exercise": None,
    }
    return body | change


def rows() -> tuple[int, int, int, int]:
    return (
        Notification.objects.count(),
        Submission.objects.count(),
        Delivery.objects.count(),
        ExchangeEvent.objects.count(),
    )


@pytest.fixture
def sent(people: dict[str, Api]) -> str:
    response = people["sender"].post("notifications", alert())
    assert response.status_code == 201, response.content
    return str(response.json()["id"])


# --- send -----------------------------------------------------------------------------------


def test_send_answers_201_with_the_id(people: dict[str, Api]) -> None:
    before = rows()
    response = people["sender"].post("notifications", alert())
    assert response.status_code == 201
    assert list(response.json()) == ["id"]
    notification = Notification.objects.get()
    assert response.json() == {"id": str(notification.id)}
    assert (notification.template, notification.tlp, notification.audience) == (
        "cyber-incident",
        "amber",
        "community",
    )
    assert notification.title_clear == "Cross-border cyber incident notification (early_warning)"
    assert rows()[:2] == (before[0] + 1, before[1] + 1)


def test_send_with_a_payload_that_does_not_fit_is_422_with_pointers_and_stores_nothing(
    people: dict[str, Api],
) -> None:
    payload = {k: v for k, v in EARLY.items() if k != "aware_at"} | {"nonsense": 1}
    before = rows()
    response = people["sender"].post("notifications", alert(payload=payload, tlp="purple"))
    assert response.status_code == 422
    pointers = [d["pointer"] for d in response.json()["detail"]]
    assert "/aware_at" in pointers
    assert "/nonsense" in pointers
    assert "/tlp" in pointers
    assert all(set(d) == {"pointer", "message"} for d in response.json()["detail"])
    assert rows() == before


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"not json", [{"pointer": "", "message": "the body must be a JSON object"}]),
        (b"[1, 2]", [{"pointer": "", "message": "the body must be a JSON object"}]),
        (
            json.dumps({"area": "cyber", "tlp": "amber", "payload": {}}).encode(),
            [{"pointer": "/template", "message": "required"}],
        ),
        (
            json.dumps(alert(template="nope")).encode(),
            [{"pointer": "/template", "message": "unknown template 'nope'"}],
        ),
        (
            json.dumps(alert(payload=[1])).encode(),
            [{"pointer": "/payload", "message": "required: a JSON object"}],
        ),
        (
            json.dumps(alert(addressees="CSIRT-AL")).encode(),
            [{"pointer": "/addressees", "message": "must be a list of strings"}],
        ),
    ],
)
def test_malformed_requests_are_422_naming_the_field(
    people: dict[str, Api], body: bytes, expected: list[dict[str, str]]
) -> None:
    before = rows()
    response = people["sender"].post("notifications", raw=body)
    assert (response.status_code, response.json()) == (422, {"detail": expected})
    assert rows() == before


@pytest.mark.parametrize("who", ["anonymous", "administrator"])
def test_who_may_not_send(people: dict[str, Api], who: str) -> None:
    before = rows()
    response = people[who].post("notifications", alert())
    expected = {"anonymous": 401, "administrator": 403}[who]
    assert response.status_code == expected
    if who == "administrator":
        assert response.json() == {"reason": "role"}
    assert rows() == before


def test_session_post_needs_the_csrf_token(people: dict[str, Api], operator_user: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(operator_user)
    verify(Persona(strict, operator_user))
    response = strict.post(BASE + "notifications", data="{}", content_type="application/json")
    assert response.status_code == 403
    assert rows() == (0, 0, 0, 0)


# --- read -----------------------------------------------------------------------------------


def test_each_persona_reading_an_amber_community_alert(people: dict[str, Api], sent: str) -> None:
    answers = {who: api.get(f"notifications/{sent}") for who, api in people.items()}
    assert {who: r.status_code for who, r in answers.items()} == {
        "anonymous": 401,
        "sender": 200,
        "al": 200,
        "ba": 404,
        "other_area": 404,
        "administrator": 200,
    }
    content = answers["al"].json()
    assert (content["level"], content["reason"], content["tlp"]) == (
        "content",
        "within_cap",
        "amber",
    )
    assert content["title"] == "Cross-border cyber incident notification (early_warning)"
    assert [(s["stage"], s["revision"], s["payload"]) for s in content["submissions"]] == [
        ("early_warning", 1, EARLY)
    ]
    metadata = answers["administrator"].json()
    assert (metadata["level"], metadata["reason"]) == ("metadata", "operator_no_content")
    assert (metadata["title"], metadata["submissions"], metadata["thread"]) == (None, [], [])
    assert answers["ba"].json() == {"detail": "Not Found"}


def test_unknown_or_malformed_ids_are_404(people: dict[str, Api]) -> None:
    assert people["al"].get("notifications/not-a-uuid").status_code == 404
    missing = people["al"].get("notifications/00000000-0000-4000-8000-000000000000")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not Found"})


def test_expired_token_is_401(people: dict[str, Api], sent: str, frozen: dt.datetime) -> None:
    with time_machine.travel(frozen + DAY, tick=False):
        assert people["al"].get(f"notifications/{sent}").status_code == 401


# --- acknowledge, stages, responses ---------------------------------------------------------


def test_acknowledge_by_each_persona(people: dict[str, Api], sent: str) -> None:
    before = rows()
    denied = {who: people[who].post(f"notifications/{sent}/ack") for who in ("ba", "other_area")}
    assert {w: (r.status_code, r.json()) for w, r in denied.items()} == {
        "ba": (404, {"detail": "Not Found"}),
        "other_area": (404, {"detail": "Not Found"}),
    }
    admin = people["administrator"].post(f"notifications/{sent}/ack")
    assert (admin.status_code, admin.json()) == (403, {"reason": "role"})
    assert people["anonymous"].post(f"notifications/{sent}/ack").status_code == 401
    assert rows() == before
    done = people["al"].post(f"notifications/{sent}/ack")
    assert done.status_code == 200
    assert done.json()["id"] == sent
    assert done.json()["kind"] == "acknowledged"
    assert rows()[3] == before[3] + 1


def test_further_stage_by_the_sender_and_refusals(people: dict[str, Api], sent: str) -> None:
    """Only the originator submits stages: others are refused `not_originator` (actions.py)."""
    before = rows()
    other = people["ba"].post(
        f"notifications/{sent}/stages/notification", {"payload": NOTIFICATION}
    )
    assert (other.status_code, other.json()) == (403, {"reason": "not_originator"})
    bad = people["sender"].post(f"notifications/{sent}/stages/notification", {"payload": {}})
    assert bad.status_code == 422
    assert all(d["pointer"].startswith("/") for d in bad.json()["detail"])
    assert rows() == before
    done = people["sender"].post(
        f"notifications/{sent}/stages/notification", {"payload": NOTIFICATION}
    )
    assert done.status_code == 201
    assert (done.json()["id"], done.json()["stage"], done.json()["revision"]) == (
        sent,
        "notification",
        1,
    )


def test_response_by_the_right_contact_point(people: dict[str, Api], sent: str) -> None:
    before = rows()
    assert (
        people["ba"]
        .post(f"notifications/{sent}/responses", {"stage": "initial_feedback", "payload": FEEDBACK})
        .status_code
        == 404
    )
    missing = people["al"].post(f"notifications/{sent}/responses", {"payload": FEEDBACK})
    assert missing.json() == {"detail": [{"pointer": "/stage", "message": "required"}]}
    assert rows() == before
    done = people["al"].post(
        f"notifications/{sent}/responses", {"stage": "initial_feedback", "payload": FEEDBACK}
    )
    assert done.status_code == 201
    assert (done.json()["stage"], done.json()["kind"]) == ("initial_feedback", "response")


# --- inbox, access, templates ---------------------------------------------------------------


def test_inbox_per_persona(people: dict[str, Api], sent: str) -> None:
    answers = {who: api.get("inbox") for who, api in people.items()}
    assert answers["anonymous"].status_code == 401
    ids = {who: [i["id"] for i in r.json()] for who, r in answers.items() if who != "anonymous"}
    # Nothing is open for the administrator: no clock runs for the operator (metadata only).
    assert ids == {
        "sender": [sent],
        "al": [sent],
        "ba": [],
        "other_area": [],
        "administrator": [],
    }
    item = answers["al"].json()[0]
    assert (item["level"], item["open"], item["title"]) == (
        "content",
        True,
        "Cross-border cyber incident notification (early_warning)",
    )
    everything = people["administrator"].get("inbox?state=all").json()
    assert [(i["id"], i["level"], i["title"], i["clocks"]) for i in everything] == [
        (sent, "metadata", None, [])
    ]


def test_inbox_filters_and_refuses_unknown_values(people: dict[str, Api], sent: str) -> None:
    assert people["al"].get("inbox?area=fimi").json() == []
    assert [i["id"] for i in people["al"].get("inbox?area=cyber&state=all").json()] == [sent]
    bad = people["al"].get("inbox?area=moon&state=closed")
    assert (bad.status_code, bad.json()) == (
        422,
        {
            "detail": [
                {"pointer": "/area", "message": "unknown area 'moon'"},
                {"pointer": "/state", "message": "one of open, all"},
            ]
        },
    )
    assert people["al"].get("inbox?colour=red").status_code == 422


def test_access_says_what_a_country_receives(people: dict[str, Api]) -> None:
    response = people["al"].get("access?country=AL&area=cyber")
    assert response.status_code == 200
    body = response.json()
    assert (body["country"], body["area"], body["tier"], body["status"]) == (
        "AL",
        "cyber",
        2,
        "stable",
    )
    assert body["sentence"] == "tier 2 in cyber: you receive up to AMBER"
    assert people["anonymous"].get("access?country=AL&area=cyber").status_code == 401
    bad = people["al"].get("access?country=FR&area=cyber")
    assert (bad.status_code, bad.json()) == (
        422,
        {"detail": [{"pointer": "/country", "message": "unknown country 'FR'"}]},
    )


def test_templates_are_public_blank_forms(people: dict[str, Api]) -> None:
    response = people["anonymous"].get("templates")
    assert response.status_code == 200
    ids = [t["id"] for t in response.json()["templates"]]
    assert ids == sorted(
        [
            "aml-exchange",
            "customs-risk",
            "cyber-incident",
            "eppo-referral",
            "fdi-notification",
            "fimi-alert",
            "handling-breach",
            "reachability-test",
            "recall",
        ]
    )


def test_request_and_withdraw(people: dict[str, Api], sent: str) -> None:
    before = rows()
    other = people["ba"].post(
        f"notifications/{sent}/requests", {"stage": "intermediate", "within": "P3D"}
    )
    assert other.status_code == 404
    bad = people["al"].post(f"notifications/{sent}/requests", {"stage": "intermediate"})
    assert bad.json() == {"detail": [{"pointer": "/within", "message": "required"}]}
    not_theirs = people["al"].post(f"notifications/{sent}/withdraw", {"reason": "mine now"})
    assert (not_theirs.status_code, not_theirs.json()) == (403, {"reason": "not_originator"})
    assert rows() == before
    asked = people["al"].post(
        f"notifications/{sent}/requests", {"stage": "intermediate", "within": "P3D"}
    )
    assert (asked.status_code, asked.json()["kind"]) == (201, "requested")
    gone = people["sender"].post(f"notifications/{sent}/withdraw", {"reason": "sent in error"})
    assert (gone.status_code, gone.json()["kind"]) == (200, "withdrawn")
    again = people["sender"].post(f"notifications/{sent}/withdraw", {})
    assert again.json() == gone.json()
    refused = people["al"].post(f"notifications/{sent}/ack")
    assert (refused.status_code, refused.json()) == (403, {"reason": "withdrawn_by_originator"})


def test_an_unchanged_inbox_is_304(people: dict[str, Api], sent: str) -> None:
    first = people["al"].get("inbox")
    tag = first["ETag"]
    assert first["Cache-Control"] == "private, no-cache"
    again = people["al"].client.get(
        BASE + "inbox", HTTP_AUTHORIZATION=f"Bearer {people['al'].token}", HTTP_IF_NONE_MATCH=tag
    )
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", tag)
    people["al"].post(f"notifications/{sent}/ack")
    changed = people["al"].client.get(
        BASE + "inbox", HTTP_AUTHORIZATION=f"Bearer {people['al'].token}", HTTP_IF_NONE_MATCH=tag
    )
    assert changed.status_code == 200
    assert changed["ETag"] != tag


# --- every persona on every endpoint --------------------------------------------------------

READS = ["templates", "inbox", "access?country=AL&area=cyber", "notifications/{id}"]
READ_STATUS = {
    "anonymous": [200, 401, 401, 401],
    "sender": [200, 200, 200, 200],
    "al": [200, 200, 200, 200],
    "ba": [200, 200, 200, 404],
    "other_area": [200, 200, 200, 404],
    "administrator": [200, 200, 200, 200],
}
WRITES = {
    "notifications/{id}/ack": {},
    "notifications/{id}/responses": {"stage": "initial_feedback", "payload": FEEDBACK},
    "notifications/{id}/stages/notification": {"payload": NOTIFICATION},
    "notifications/{id}/requests": {"stage": "intermediate", "within": "P3D"},
    "notifications/{id}/withdraw": {"reason": "no"},
}
WRITE_STATUS = {
    "anonymous": [401, 401, 401, 401, 401],
    "ba": [404, 404, 403, 404, 403],
    "other_area": [404, 404, 403, 404, 403],
    "administrator": [403, 403, 403, 403, 403],
}


@pytest.mark.parametrize("who", sorted(READ_STATUS))
def test_every_persona_on_every_read(people: dict[str, Api], sent: str, who: str) -> None:
    codes = [people[who].get(path.format(id=sent)).status_code for path in READS]
    assert codes == READ_STATUS[who]


@pytest.mark.parametrize("who", sorted(WRITE_STATUS))
def test_every_denied_write_changes_nothing(people: dict[str, Api], sent: str, who: str) -> None:
    before = rows()
    answers = [people[who].post(path.format(id=sent), body) for path, body in WRITES.items()]
    assert [a.status_code for a in answers] == WRITE_STATUS[who]
    for answer in answers:
        if answer.status_code == 403:
            assert list(answer.json()) == ["reason"]
    assert rows() == before
