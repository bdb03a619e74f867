"""The exchange's pages for every persona: anonymous, the right contact point (AL), another
country's (BA), an EU officer of another area, the administrator (metadata only); TLP banners
above and below content; a denied request changes nothing; 422 messages beside their fields."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from oip.accounts.models import Membership, Organisation
from oip.exchange import actions, reads
from oip.exchange.models import (
    ContactPoint,
    Delivery,
    ExchangeEvent,
    Notification,
    Outbox,
    Submission,
)
from oip.exchange.schema_form import fields
from oip.exchange.tick import tick
from oip.liaison.templates import shipped
from tests.exchange.conftest import NOW
from tests.exchange.verified import verify
from tests.personas import SINCE, Persona

pytestmark = pytest.mark.django_db
CYBER = shipped().get("cyber-incident")
EARLY = CYBER.stages["early_warning"].examples[0]
MARKER = EARLY["rsit_type"]


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


def session(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    verify(Persona(client, user))
    return client


@pytest.fixture
def people(
    frozen: dt.datetime,
    cyber_evidence: None,
    enisa_officer: Any,
    al_officer: Any,
    ba_officer: Any,
    operator_user: Any,
    eeas: Organisation,
) -> dict[str, Client]:
    fimi_officer = get_user_model().objects.create_user("eeas-officer")
    Membership.objects.create(
        user=fimi_officer,
        organisation=eeas,
        role="officer",
        areas=["fimi"],
        clearance="amber+strict",
        valid_from=SINCE,
    )
    return {
        "anonymous": Client(),
        "sender": session(enisa_officer),
        "al": session(al_officer),
        "ba": session(ba_officer),
        "other_area": session(fimi_officer),
        "administrator": session(operator_user),
    }


@pytest.fixture
def sent(people: dict[str, Client], enisa_officer: Any) -> str:
    notification = actions.send(
        enisa_officer,
        template="cyber-incident",
        area="cyber",
        tlp="amber",
        audience="community",
        addressees=[],
        stage="early_warning",
        payload=EARLY,
        title="Ransomware at a water utility",
    )
    return str(notification.id)


def rows() -> tuple[int, int, int, int]:
    return (
        Notification.objects.count(),
        Submission.objects.count(),
        Delivery.objects.count(),
        ExchangeEvent.objects.count(),
    )


def banners(html: str) -> list[str]:
    return re.findall(r'<div class="tlp-banner ([a-z-]+)"', html)


PAGES = ["/exchange/inbox/", "/exchange/compose/", "/exchange/contact-points/", "/exchange/access/"]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_is_sent_to_sign_in(people: dict[str, Client], path: str) -> None:
    response = people["anonymous"].get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/exchange/login/?next=")
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("who", ["sender", "al", "ba", "other_area", "administrator"])
def test_every_page_is_private_and_script_free(
    people: dict[str, Client], path: str, who: str
) -> None:
    response = people[who].get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    assert "<script" not in html
    assert " style=" not in html


# --- the notification page ------------------------------------------------------------------


def test_notification_page_per_persona(people: dict[str, Client], sent: str) -> None:
    path = f"/exchange/n/{sent}/"
    before = rows()
    denied = {who: people[who].get(path).status_code for who in ("anonymous", "ba", "other_area")}
    assert denied == {"anonymous": 302, "ba": 404, "other_area": 404}
    assert rows() == before
    answers = {who: client.get(path) for who, client in people.items()}
    assert {who: r.status_code for who, r in answers.items()} == {
        "anonymous": 302,
        "sender": 200,
        "al": 200,
        "ba": 404,
        "other_area": 404,
        "administrator": 200,
    }
    al = answers["al"].content.decode()
    assert banners(al) == ["tlp-amber", "tlp-amber"]
    assert al.index('class="tlp-banner') < al.index("<main") < al.rindex('class="tlp-banner')
    assert "<h1>Ransomware at a water utility</h1>" in al
    assert MARKER in al
    assert "Acknowledge receipt" in al
    admin = answers["administrator"].content.decode()
    assert "metadata only (operator_no_content)" in admin
    assert MARKER not in admin
    assert "Ransomware" not in admin
    assert "Acknowledge receipt" not in admin
    assert MARKER not in answers["ba"].content.decode()
    assert "Acknowledge receipt" not in answers["sender"].content.decode()


def test_acknowledge_from_the_page(people: dict[str, Client], sent: str) -> None:
    path = f"/exchange/n/{sent}/ack/"
    before = rows()
    assert people["ba"].post(path).status_code == 404
    assert people["other_area"].post(path).status_code == 404
    refused = people["administrator"].post(path)
    assert refused.status_code == 403
    assert "<code>role</code>" in refused.content.decode()
    assert people["al"].get(path).status_code == 405
    assert rows() == before
    done = people["al"].post(path)
    assert (done.status_code, done["Location"]) == (303, f"/exchange/n/{sent}/")
    assert rows()[3] == before[3] + 1
    page = people["al"].get(f"/exchange/n/{sent}/").content.decode()
    assert "Your organisation has acknowledged receipt." in page
    assert "Acknowledge receipt</button>" not in page


def test_unknown_notification_is_404(people: dict[str, Client]) -> None:
    assert people["al"].get("/exchange/n/nonsense/").status_code == 404
    missing = "/exchange/n/00000000-0000-4000-8000-000000000000/"
    assert people["al"].get(missing).status_code == 404


# --- the inbox ------------------------------------------------------------------------------


def test_inbox_lists_what_each_may_see_in_urgency_order(
    people: dict[str, Client], sent: str, al_officer: Any, ba_officer: Any, enisa_officer: Any
) -> None:
    second = actions.send(
        enisa_officer,
        template="cyber-incident",
        area="cyber",
        tlp="green",
        audience="community",
        addressees=[],
        stage="early_warning",
        payload=EARLY,
        title="Phishing wave",
    )
    links = {
        who: re.findall(
            r'href="/exchange/n/([0-9a-f-]+)/"', client.get("/exchange/inbox/").content.decode()
        )
        for who, client in people.items()
        if who != "anonymous"
    }
    expected = [row.id for row in reads.inbox(al_officer)]
    assert sorted(expected) == sorted([sent, str(second.id)])
    assert links["al"] == expected
    # BA (tier 1) receives the GREEN community item, not the AMBER one.
    assert links["ba"] == [row.id for row in reads.inbox(ba_officer)] == [str(second.id)]
    assert links["other_area"] == []
    page = people["al"].get("/exchange/inbox/").content.decode()
    assert "Ransomware at a water utility" in page
    assert 'class="clock clock-' in page


def test_inbox_filters(people: dict[str, Client], sent: str) -> None:
    assert sent not in people["al"].get("/exchange/inbox/?area=fimi").content.decode()
    assert sent in people["al"].get("/exchange/inbox/?area=cyber&state=all").content.decode()
    # unknown values fall back to the defaults
    assert sent in people["al"].get("/exchange/inbox/?area=moon&state=x").content.decode()


# --- compose --------------------------------------------------------------------------------


KINDS = {f.name: f.kind for f in fields(CYBER.stages["early_warning"].schema)}


def form_value(kind: str, value: Any) -> Any:
    """What a person types or chooses for `value` in an input of `kind`."""
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "list":
        return "\n".join(value)
    if kind == "json":
        return json.dumps(value)
    return value


def filled(payload: dict[str, Any], **header: Any) -> dict[str, Any]:
    data = {"template": "cyber-incident", "title": "Phishing wave", "tlp": "amber"}
    data |= {"audience": "community"} | header
    for name, value in payload.items():
        data[f"p:{name}"] = form_value(KINDS[name], value)
    return data


def test_compose_lists_the_templates_of_ones_areas(people: dict[str, Client]) -> None:
    page = people["al"].get("/exchange/compose/").content.decode()
    assert 'href="/exchange/compose/?template=cyber-incident"' in page
    assert "template=fimi-alert" not in page
    assert people["al"].get("/exchange/compose/?template=fimi-alert").status_code == 404


def test_compose_form_has_one_input_per_top_level_property(people: dict[str, Client]) -> None:
    page = people["sender"].get("/exchange/compose/?template=cyber-incident").content.decode()
    properties = list(CYBER.stages["early_warning"].schema["properties"])
    names = re.findall(r'name="p:([^"]+)"', page)
    assert names == properties
    for name in properties:
        assert f'<label for="f-{name}">' in page


def test_compose_sends_and_shows_the_notification(people: dict[str, Client]) -> None:
    before = rows()
    response = people["sender"].post("/exchange/compose/", filled(EARLY))
    assert response.status_code == 303, response.content.decode()[:3000]
    created = Notification.objects.get()
    assert response["Location"] == f"/exchange/n/{created.id}/"
    assert (created.title_clear, created.tlp, created.audience) == (
        "Phishing wave",
        "amber",
        "community",
    )
    opened = reads.open_item(created.created_by, created.id)
    assert opened.submissions[0].payload == EARLY
    assert rows()[0] == before[0] + 1


def test_compose_shows_422_messages_by_field_and_stores_nothing(people: dict[str, Client]) -> None:
    payload = {k: v for k, v in EARLY.items() if k != "aware_at"}
    data = filled(payload, title="")
    data["p:suspected_malicious"] = "perhaps"
    before = rows()
    response = people["sender"].post("/exchange/compose/", data)
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="f-aware_at-error"' in page
    assert 'id="f-title-error"' in page
    assert 'aria-invalid="true"' in page
    assert rows() == before


def test_compose_refused_to_those_who_may_not_send_stores_nothing(
    people: dict[str, Client],
) -> None:
    """The administrator has no area (no form to choose); another area's officer no cyber."""
    before = rows()
    for who in ("administrator", "other_area"):
        response = people[who].post("/exchange/compose/", filled(EARLY))
        assert response.status_code == 404
    assert rows() == before


# --- roster and access ----------------------------------------------------------------------


def designate(org: Organisation, function: str = "primary") -> ContactPoint:
    return ContactPoint.objects.create(
        organisation=org,
        area="cyber",
        function=function,
        designated_on=SINCE.date(),
        valid_from=SINCE,
        recorded_at=SINCE,
    )


def test_roster_shows_own_organisation_and_eu_counterparts_only(
    people: dict[str, Client], enisa: Organisation, al_csirt: Organisation, ba_csirt: Organisation
) -> None:
    for org in (enisa, al_csirt, ba_csirt):
        designate(org)
    pages = {
        w: c.get("/exchange/contact-points/").content.decode()
        for w, c in people.items()
        if w != "anonymous"
    }
    assert ("(CSIRT-AL)" in pages["al"], "(ENISA)" in pages["al"], "(CSIRT-BA)" in pages["al"]) == (
        True,
        True,
        False,
    )
    assert ("(CSIRT-BA)" in pages["ba"], "(CSIRT-AL)" in pages["ba"]) == (True, False)
    assert ("(ENISA)" in pages["other_area"], "(CSIRT-AL)" in pages["other_area"]) == (False, False)


def test_access_page_says_what_the_country_receives(people: dict[str, Client]) -> None:
    al = people["al"].get("/exchange/access/").content.decode()
    assert "<li>tier 2 in cyber: you receive up to AMBER</li>" in al
    enisa = people["sender"].get("/exchange/access/").content.decode()
    assert "<strong>AL</strong> — tier 2 in cyber: you receive up to AMBER" in enisa
    assert enisa.count("<li><strong>") == 6


# --- further stages and responses -----------------------------------------------------------

FEEDBACK = CYBER.stages["initial_feedback"].examples[0]
FEEDBACK_KINDS = {f.name: f.kind for f in fields(CYBER.stages["initial_feedback"].schema)}


def test_notification_page_offers_responses_to_recipients_and_stages_to_the_sender(
    people: dict[str, Client], sent: str
) -> None:
    al = people["al"].get(f"/exchange/n/{sent}/").content.decode()
    assert f'href="/exchange/n/{sent}/respond/initial_feedback/"' in al
    assert "/stage/" not in al
    sender = people["sender"].get(f"/exchange/n/{sent}/").content.decode()
    assert f'href="/exchange/n/{sent}/stage/notification/"' in sender
    assert "/respond/" not in sender


def test_respond_from_the_page(people: dict[str, Client], sent: str) -> None:
    path = f"/exchange/n/{sent}/respond/initial_feedback/"
    data = {f"p:{k}": form_value(FEEDBACK_KINDS[k], v) for k, v in FEEDBACK.items()}
    people["al"].get(f"/exchange/n/{sent}/")  # the first read records `opened`
    before = rows()
    assert people["ba"].post(path, data).status_code == 404
    assert people["administrator"].post(path, data).status_code == 403
    assert people["al"].get(f"/exchange/n/{sent}/respond/early_warning/").status_code == 404
    page = people["al"].get(path)
    assert page.status_code == 200
    assert banners(page.content.decode()) == ["tlp-amber", "tlp-amber"]
    assert rows() == before
    done = people["al"].post(path, data)
    assert (done.status_code, done["Location"]) == (303, f"/exchange/n/{sent}/")
    opened = reads.open_item(Notification.objects.get().created_by, sent)
    assert [(s.stage, s.kind, s.payload) for s in opened.submissions][-1] == (
        "initial_feedback",
        "response",
        FEEDBACK,
    )


def test_further_stage_with_problems_is_422_by_field(people: dict[str, Client], sent: str) -> None:
    before = rows()
    response = people["sender"].post(f"/exchange/n/{sent}/stage/notification/", {})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'class="field-error"' in html
    assert 'aria-invalid="true"' in html
    assert rows() == before
    people["al"].get(f"/exchange/n/{sent}/")  # the first read records `opened`
    before = rows()
    for method in ("get", "post"):
        refused = getattr(people["al"], method)(f"/exchange/n/{sent}/stage/notification/")
        assert refused.status_code == 403
        assert "<code>not_originator</code>" in refused.content.decode()
    assert rows() == before


def test_inbox_shows_the_organisations_reminders_as_links_without_titles(
    people: dict[str, Client], sent: str, al_officer: Any
) -> None:
    """Reminders in the app: the tick's outbox rows for the reader's organisation, each a link
    to the item with its clock and level, never its title or content; nobody else sees them."""
    assert "Reminders" not in people["al"].get("/exchange/inbox/").content.decode()
    report = tick(NOW + dt.timedelta(hours=3))
    assert report.written > 0
    al_org = reads.actor_for(al_officer, NOW).org
    mine = Outbox.objects.filter(recipient__startswith=f"{al_org}:")
    assert mine.exists()
    page = people["al"].get("/exchange/inbox/").content.decode()
    section = page[page.index('<section class="reminders"') : page.index("</section>")]
    listed = re.findall(r'href="/exchange/n/([0-9a-f-]+)/"', section)
    own_roles = {"contact_point_on_duty", "deputy_contact_point", "org_admin"}
    expected = [r for r in mine if r.recipient.split(":", 1)[1] in own_roles]
    assert len(listed) == len(expected) > 0
    assert set(listed) == {sent}
    assert "Ransomware at a water utility" not in section
    assert MARKER not in section
    # ENISA has reminders of its own (the EU side's initial-feedback clock); these three none.
    for who in ("ba", "other_area", "administrator"):
        assert (
            '<section class="reminders"' not in people[who].get("/exchange/inbox/").content.decode()
        )
