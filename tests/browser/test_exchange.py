"""The exchange's pages in a real Chromium, driven with the keyboard alone: the second factor
set up and used at sign-in, a `cyber-incident` early warning composed (a wrong value answered
beside its field and in a summary that leads to it, 422, the input kept; a right one sent), the
notification page with its TLP banners, clocks and thread, the recipient's acknowledgement and
response, the inbox in urgency order with clock badges, every control reachable with a visible
focus, no sideways scrolling on a 375 px phone, and axe-core clean on every page (no violation
of any impact).

The live server and its people come from `exchange_setup` (set up by the administrator's
commands); further items are sent through the API with a bearer token. Screenshots of the inbox,
compose and notification pages go to the test's temporary directory, or to `$OIP_SCREENSHOTS`
when set (`OIP_SCREENSHOTS=docs/screenshots` refreshes the committed ones).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp

from oip.exchange.schema_form import fields
from oip.liaison.templates import shipped
from tests.browser import exchange_setup
from tests.browser.conftest import Page
from tests.browser.exchange_setup import PASSWORD, Exchange

CYBER = shipped().get("cyber-incident")
EARLY = CYBER.stages["early_warning"].examples[0]
KINDS = {f.name: f.kind for f in fields(CYBER.stages["early_warning"].schema)}
WRONG_AWARE_AT = "28 March 2026, 22:00"


@dataclass
class Person:
    """A person who set up the second factor in the browser: the signed-in session and the key."""

    username: str
    state: dict[str, Any]
    key: bytes


@pytest.fixture(scope="session")
def exchange(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exchange]:
    served = exchange_setup.start(tmp_path_factory.mktemp("oip-exchange"))
    yield served
    served.server.stop()


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wanted = os.environ.get("OIP_SCREENSHOTS")
    folder = Path(wanted) if wanted else tmp_path_factory.mktemp("exchange-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --- the keyboard ---------------------------------------------------------------------------


def focused(p: Any, selector: str) -> bool:
    return bool(p.evaluate("s => document.activeElement.matches(s)", selector))


def tab_to(p: Any, selector: str, limit: int = 120) -> None:
    """Press Tab until the control matching `selector` has the focus."""
    for _ in range(limit):
        p.keyboard.press("Tab")
        if focused(p, selector):
            return
    raise AssertionError(f"Tab never reaches {selector}")


def press_and_load(p: Any, key: str = "Enter") -> Any:
    """Press `key` and return the response of the page it leads to."""
    with p.expect_navigation() as navigation:
        p.keyboard.press(key)
    return navigation.value


def sign_in(p: Any, username: str, code: str, password: str = PASSWORD) -> Any:
    """Type the username, password and code on the login page and press Enter."""
    tab_to(p, "#id_username")
    p.keyboard.press("Control+A")  # what a refused attempt left there is typed over
    p.keyboard.type(username)
    p.keyboard.press("Tab")
    assert focused(p, "#id_password")
    p.keyboard.type(password)
    p.keyboard.press("Tab")
    assert focused(p, "#id_code")
    p.keyboard.type(code)
    return press_and_load(p)


def code_of(key: bytes, drift: int = 0) -> str:
    """The six-digit code of `key` now (drift 1: the next 30-second step's, accepted too)."""
    return f"{totp(key, drift=drift):06d}"


# --- axe-core -------------------------------------------------------------------------------


def violations(p: Any, axe_source: str) -> list[str]:
    """axe-core's violations on the page as it is, of any impact."""
    p.evaluate(axe_source)  # evaluate is not subject to the page's CSP; a script tag would be
    result = p.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]


# --- people and items -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def setup_findings() -> dict[str, list[str]]:
    """axe-core's findings on the set-up and backup-code pages, seen once per person."""
    return {}


@pytest.fixture(scope="session")
def people(
    exchange: Exchange, chromium: Any, axe_source: str, setup_findings: dict[str, list[str]]
) -> dict[str, Person]:
    """Each person signs in with the password alone and sets up the TOTP device by keyboard."""
    found = {}
    for username, _, _ in exchange_setup.PEOPLE:
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        p = context.new_page()
        p.goto(exchange.url + "/exchange/")
        answer = sign_in(p, username, "")
        assert (answer.status, p.url) == (200, exchange.url + "/exchange/2fa/setup/")
        setup_findings[f"setup ({username})"] = violations(p, axe_source)
        secret = p.locator("code.secret").inner_text().replace(" ", "")
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        tab_to(p, "#id_code")
        p.keyboard.type(code_of(key))
        answer = press_and_load(p)
        assert answer.status == 200
        assert p.locator("h1").inner_text() == "Your backup codes"
        setup_findings[f"backup codes ({username})"] = violations(p, axe_source)
        found[username] = Person(username, context.storage_state(), key)
        context.close()
    return found


@pytest.fixture
def as_person(chromium: Any, people: dict[str, Person]) -> Iterator[Any]:
    """`as_person(username)`: a Page signed in as that person (their session from set-up)."""
    contexts = []

    def open_as(username: str) -> Page:
        context = chromium.new_context(
            viewport={"width": 1280, "height": 900}, storage_state=people[username].state
        )
        contexts.append(context)
        return Page(context.new_page())

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def officer_token(exchange: Exchange) -> str:
    return exchange_setup.token(exchange, "enisa-officer")


def send(exchange: Exchange, bearer: str, title: str, aware_at: dt.datetime) -> str:
    """ENISA's AMBER community early warning (the template's example, `aware_at` changed)."""
    moment = aware_at.astimezone(dt.UTC).replace(microsecond=0)
    payload = {**EARLY, "aware_at": moment.isoformat().replace("+00:00", "Z")}
    payload.pop("detected_at", None)
    body: dict[str, Any] = {
        "template": "cyber-incident",
        "area": "cyber",
        "tlp": "amber",
        "audience": "community",
        "addressees": [],
        "stage": "early_warning",
        "payload": payload,
        "title": title,
        "exercise": None,
    }
    created = exchange_setup.post_json(exchange, "/api/v1/exchange/notifications", bearer, body)
    return str(created["id"])


# --- tests ----------------------------------------------------------------------------------


def test_sign_in_with_password_and_totp_by_keyboard(
    exchange: Exchange, chromium: Any, people: dict[str, Person], axe_source: str
) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = Page(context.new_page())
    p = page.visit(exchange.url + "/exchange/")
    assert p.url == exchange.url + "/exchange/login/"
    refused = sign_in(p, "enisa-officer", "000000", password="wrong " + PASSWORD)
    assert (refused.status, p.url) == (200, exchange.url + "/exchange/login/")
    assert p.get_by_role("alert").inner_text() == (
        "Sign-in failed: check the username, the password and the code."
    )
    assert p.input_value("#id_username") == "enisa-officer"
    assert p.input_value("#id_password") == ""
    assert violations(p, axe_source) == []
    # the device accepted this step's code at set-up; the next step's is accepted once
    answer = sign_in(p, "enisa-officer", code_of(people["enisa-officer"].key, drift=1))
    assert (answer.status, p.url) == (200, exchange.url + "/exchange/inbox/")
    assert p.locator("h1").inner_text() == "Inbox"
    assert p.get_by_role("button", name="Sign out enisa-officer").is_visible()
    assert page.problems == []
    context.close()


def chosen(p: Any, selector: str) -> list[str]:
    """The values chosen in a multiple select."""
    values: list[str] = p.evaluate(
        "s => [...document.querySelector(s).selectedOptions].map(o => o.value)", selector
    )
    return values


def type_value(p: Any, kind: str, value: Any) -> None:
    """Type `value` into the focused control of `kind` as a person would."""
    if kind in ("select", "multiselect"):
        chosen = value if isinstance(value, list) else [value]
        assert len(chosen) == 1, "one choice by typing its name"
        p.keyboard.type(chosen[0])  # a select jumps to the option whose name is typed
    elif kind == "list":
        p.keyboard.type("\n".join(value))
    elif kind == "json":
        p.keyboard.type(json.dumps(value))
    else:
        p.keyboard.type(str(value))


def test_compose_by_keyboard(
    exchange: Exchange, as_person: Any, shots: Path, axe_source: str
) -> None:
    page = as_person("enisa-officer")
    p = page.visit(exchange.url + "/exchange/inbox/")
    tab_to(p, "nav a[href='/exchange/compose/']")
    press_and_load(p)
    assert violations(p, axe_source) == []
    tab_to(p, "a[href='/exchange/compose/?template=cyber-incident']")
    assert press_and_load(p).status == 200
    assert p.locator("h1").inner_text() == f"New notification: {CYBER.title}"
    tab_to(p, "#f-title")
    p.keyboard.type("Ransomware at a water utility")
    tab_to(p, "#f-audience")
    p.keyboard.type("community")
    for name, value in EARLY.items():
        tab_to(p, f"#f-{name}")
        type_value(p, KINDS[name], WRONG_AWARE_AT if name == "aware_at" else value)
        if KINDS[name] == "select":
            assert p.input_value(f"#f-{name}") == value
        if name == "significance":
            assert chosen(p, "#f-significance") == EARLY["significance"]
            # as its hint says, Ctrl+arrow then Ctrl+Space adds a choice (and takes it back)
            p.keyboard.press("Control+ArrowDown")
            p.keyboard.press("Control+Space")
            assert chosen(p, "#f-significance") == ["art3-1e", "art4"]
            p.keyboard.press("Control+Space")
            assert chosen(p, "#f-significance") == EARLY["significance"]
    tab_to(p, ".compose-form button[type=submit]")
    wrong = press_and_load(p)
    assert wrong.status == 422
    error = p.locator("#f-aware_at-error")
    assert error.inner_text() == f"'{WRONG_AWARE_AT}' is not a 'date-time'"
    # beside its field, announced with it, and what was typed is kept
    assert p.locator(".field:has(#f-aware_at) #f-aware_at-error").count() == 1
    assert "f-aware_at-error" in (p.get_attribute("#f-aware_at", "aria-describedby") or "")
    assert p.get_attribute("#f-aware_at", "aria-invalid") == "true"
    assert p.input_value("#f-aware_at") == WRONG_AWARE_AT
    assert p.input_value("#f-title") == "Ransomware at a water utility"
    assert p.input_value("#f-summary") == EARLY["summary"]
    assert p.input_value("#f-audience") == "community"
    assert p.locator(".field-error").count() == 1
    assert violations(p, axe_source) == []
    p.screenshot(path=str(shots / "exchange-compose.png"), full_page=True)
    # above the form, the refusal names the field and leads to it
    assert p.locator("#form-errors li").all_inner_texts() == [
        f"Aware at: '{WRONG_AWARE_AT}' is not a 'date-time'"
    ]
    tab_to(p, "#form-errors a[href='#f-aware_at']")
    p.keyboard.press("Enter")
    assert focused(p, "#f-aware_at")
    p.keyboard.press("Control+A")
    p.keyboard.type(EARLY["aware_at"])
    sent = press_and_load(p)  # Enter in a text input sends the form
    assert sent.status == 200
    assert re.fullmatch(re.escape(exchange.url) + r"/exchange/n/[0-9a-f-]{36}/", p.url)
    assert p.locator("h1").inner_text() == "Ransomware at a water utility"
    assert p.locator(".tlp-banner .tlp-label").all_inner_texts() == ["TLP:AMBER", "TLP:AMBER"]
    assert page.problems == [
        f"HTTP 422: {exchange.url}/exchange/compose/",
        "console: Failed to load resource: the server responded with a status of 422 "
        "(Unprocessable Entity)",
    ]


def test_notification_page_and_acknowledgement_by_keyboard(
    exchange: Exchange, as_person: Any, officer_token: str, shots: Path, axe_source: str
) -> None:
    sent = send(exchange, officer_token, "Phishing wave at a bank", dt.datetime.now(dt.UTC))
    page = as_person("al-cp")
    p = page.visit(f"{exchange.url}/exchange/n/{sent}/")
    assert p.locator("h1").inner_text() == "Phishing wave at a bank"
    # the marking above everything the page shows of the item, and again below it
    banners = p.locator(".tlp-banner")
    assert banners.locator(".tlp-label").all_inner_texts() == ["TLP:AMBER", "TLP:AMBER"]
    assert p.evaluate(
        "() => { const [top, bottom] = document.querySelectorAll('.tlp-banner');"
        " const main = document.querySelector('main');"
        " return [!!(top.compareDocumentPosition(main) & Node.DOCUMENT_POSITION_FOLLOWING),"
        " !!(bottom.compareDocumentPosition(main) & Node.DOCUMENT_POSITION_PRECEDING)]; }"
    ) == [True, True]
    assert banners.first.bounding_box()["y"] < p.locator("h1").bounding_box()["y"]
    clocks = p.locator("section[aria-labelledby=clocks-h] .clock")
    assert [c.split(":")[0] for c in clocks.all_inner_texts()] == [
        d.id.replace("_", " ") for d in CYBER.clocks()
    ]
    ack = p.locator("section[aria-labelledby=clocks-h] .clock", has_text=re.compile("^ack: "))
    assert ack.get_attribute("class") in ("clock clock-running", "clock clock-paused")
    assert p.locator("ol.thread li").count() >= 1
    assert p.locator("article", has_text=EARLY["rsit_type"]).count() == 1
    # the payload reads as a document: the stage's title, labels in the schema's order, times
    early = p.locator("article", has_text=EARLY["rsit_type"])
    assert early.locator("h3").inner_text().startswith("Early warning — stage, revision 1, by ")
    assert early.locator(":scope > dl > dt").all_inner_texts()[:3] == [
        "Aware at",
        "Reporting role",
        "Affected sector",
    ]
    assert early.locator("dt", has_text="RSIT class").count() == 1
    assert re.fullmatch(
        r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC",
        early.locator("dd time").first.inner_text(),
    )
    tab_to(p, "form[action$='/ack/'] button")
    assert p.evaluate("document.activeElement.textContent") == "Acknowledge receipt"
    done = press_and_load(p)
    assert (done.status, p.url) == (200, f"{exchange.url}/exchange/n/{sent}/")
    assert p.get_by_role("status").filter(has_text="acknowledged").inner_text() == (
        "Your organisation has acknowledged receipt."
    )
    assert ack.get_attribute("class") == "clock clock-met"
    assert ack.inner_text().startswith("ack: met, done ")
    assert p.locator("ol.thread li", has_text=" — acknowledged").count() == 1
    assert p.locator("form[action$='/ack/']").count() == 0
    assert violations(p, axe_source) == []
    p.screenshot(path=str(shots / "exchange-notification.png"), full_page=True)
    assert page.problems == []


def test_respond_by_keyboard_with_a_refusal_that_leads_to_its_field(
    exchange: Exchange, as_person: Any, officer_token: str, axe_source: str
) -> None:
    sent = send(exchange, officer_token, "Feedback wanted", dt.datetime.now(dt.UTC))
    feedback = CYBER.stages["initial_feedback"].examples[0]["feedback"]
    page = as_person("al-cp")
    p = page.visit(f"{exchange.url}/exchange/n/{sent}/")
    tab_to(p, f"a[href='/exchange/n/{sent}/respond/initial_feedback/']")
    assert press_and_load(p).status == 200
    assert p.locator("h1").inner_text() == CYBER.stages["initial_feedback"].title
    assert p.locator(".tlp-banner .tlp-label").all_inner_texts() == ["TLP:AMBER", "TLP:AMBER"]
    tab_to(p, ".compose-form button[type=submit]")
    assert press_and_load(p).status == 422
    missing = CYBER.validate("initial_feedback", {})
    assert [(e.pointer, e.message) for e in missing] == [("/feedback", "required")]
    assert p.locator("#form-errors li").all_inner_texts() == ["Feedback: required"]
    assert p.locator("#f-feedback-error").inner_text() == "required"
    assert violations(p, axe_source) == []
    tab_to(p, "#form-errors a[href='#f-feedback']")
    p.keyboard.press("Enter")
    assert focused(p, "#f-feedback")
    p.keyboard.type(feedback)
    tab_to(p, ".compose-form button[type=submit]")
    done = press_and_load(p)
    assert (done.status, p.url) == (200, f"{exchange.url}/exchange/n/{sent}/")
    title = CYBER.stages["initial_feedback"].title
    response = p.locator("article", has_text=title)
    assert response.locator("h3").inner_text().startswith(f"{title} — response, revision 1, by ")
    assert feedback in response.inner_text()
    assert page.problems == [
        f"HTTP 422: {exchange.url}/exchange/n/{sent}/respond/initial_feedback/",
        "console: Failed to load resource: the server responded with a status of 422 "
        "(Unprocessable Entity)",
    ]


def test_inbox_lists_items_in_urgency_order_with_clock_badges(
    exchange: Exchange, as_person: Any, officer_token: str, shots: Path, axe_source: str
) -> None:
    """Sent oldest-awareness first; the inbox shows the longest overdue first, then the rest by
    their nearest due instant (never simply newest first)."""
    now = dt.datetime.now(dt.UTC)
    titles = {
        "Overdue by days": now - dt.timedelta(hours=200),
        "Overdue by a day": now - dt.timedelta(hours=100),
        "Aware an hour ago": now - dt.timedelta(hours=1),
    }
    for title, aware_at in titles.items():
        send(exchange, officer_token, title, aware_at)
    page = as_person("al-cp")
    p = page.visit(exchange.url + "/exchange/inbox/")
    rows = p.locator("table.inbox-table tbody tr")
    listed = [t.split("\n")[0] for t in rows.locator("td:nth-child(2) a").all_inner_texts()]
    assert [t for t in listed if t in titles] == list(titles)
    for title in titles:
        row = rows.filter(has=p.get_by_role("link", name=title, exact=True))
        badges = row.locator(".clock").all_inner_texts()
        # the clocks not started yet (intermediate, final...) are left to the notification page
        assert [b.split(":")[0] for b in badges] == [
            "ack",
            "early-warning",
            "notification",
            "initial-feedback",
        ]
        overdue = row.locator(".clock-overdue", has_text="notification: ").count()
        assert overdue == (0 if title == "Aware an hour ago" else 1)
    # every row in order: overdue ones first, then by their nearest due instant
    keys = p.evaluate(
        "() => [...document.querySelectorAll('table.inbox-table tbody tr')].map(tr => {"
        " const due = [...tr.querySelectorAll('.clock-running time, .clock-paused time,"
        " .clock-overdue time')].map(t => Date.parse(t.getAttribute('datetime')));"
        " return [tr.querySelector('.clock-overdue') ? 0 : due.length ? 1 : 2,"
        " due.length ? Math.min(...due) : 0]; })"
    )
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)
    running = [k[1] for k in keys if k[0] == 1]
    assert running == sorted(running)
    assert violations(p, axe_source) == []
    p.screenshot(path=str(shots / "exchange-inbox.png"), full_page=True)
    assert page.problems == []


@pytest.mark.parametrize(
    ("who", "path"),
    [
        (None, "/exchange/login/"),
        ("al-cp", "/exchange/inbox/"),
        ("enisa-officer", "/exchange/compose/"),
        ("enisa-officer", "/exchange/compose/?template=cyber-incident"),
        ("al-cp", "/exchange/n/{item}/"),
        ("enisa-officer", "/exchange/n/{item}/"),
        ("al-cp", "/exchange/access/"),
        ("enisa-officer", "/exchange/access/"),
        ("al-cp", "/exchange/contact-points/"),
        ("enisa-officer", "/exchange/contact-points/"),
    ],
)
def test_axe_finds_no_violation(
    exchange: Exchange,
    chromium: Any,
    as_person: Any,
    officer_token: str,
    axe_source: str,
    who: str | None,
    path: str,
) -> None:
    if who is None:
        context = chromium.new_context()
        page = Page(context.new_page())
    else:
        page = as_person(who)
    if "{item}" in path:
        item = send(exchange, officer_token, "Axe check", dt.datetime.now(dt.UTC))
        path = path.format(item=item)
    p = page.visit(exchange.url + path)
    assert violations(p, axe_source) == []
    assert page.problems == []
    if who is None:
        context.close()


def test_axe_finds_no_violation_on_second_factor_pages(
    people: dict[str, Person], setup_findings: dict[str, list[str]]
) -> None:
    assert setup_findings == {
        f"{page} ({username})": [] for username in people for page in ("setup", "backup codes")
    }


@pytest.mark.parametrize(
    "path",
    ["/exchange/inbox/", "/exchange/compose/?template=cyber-incident", "/exchange/n/{item}/"],
)
def test_readable_on_a_375px_phone(
    exchange: Exchange, chromium: Any, people: dict[str, Person], officer_token: str, path: str
) -> None:
    if "{item}" in path:
        path = path.format(
            item=send(exchange, officer_token, "Phone check", dt.datetime.now(dt.UTC))
        )
    context = chromium.new_context(
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        storage_state=people["al-cp"].state,
    )
    phone = Page(context.new_page())
    p = phone.visit(exchange.url + path)
    assert p.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.problems == []
    context.close()


FOCUSABLE = """() => Array.from(document.querySelectorAll(
  'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex="0"]'))
  .filter(e => { const r = e.getBoundingClientRect();
                 return r.width > 0 || r.height > 0 || e.classList.contains('skip-link'); })
  .map(e => e.outerHTML.slice(0, 120))"""


@pytest.mark.parametrize(
    "path",
    [
        "/exchange/login/",
        "/exchange/inbox/",
        "/exchange/compose/?template=cyber-incident",
        "/exchange/n/{item}/",
    ],
)
def test_keyboard_reaches_every_control_with_visible_focus(
    exchange: Exchange, as_person: Any, chromium: Any, officer_token: str, path: str
) -> None:
    if path == "/exchange/login/":
        page = Page(chromium.new_context().new_page())
    else:
        page = as_person("al-cp")
    if "{item}" in path:
        path = path.format(
            item=send(exchange, officer_token, "Focus check", dt.datetime.now(dt.UTC))
        )
    p = page.visit(exchange.url + path)
    wanted = set(p.evaluate(FOCUSABLE))
    reached: set[str] = set()
    invisible: set[str] = set()
    for _ in range(300):
        p.keyboard.press("Tab")
        html, outline = p.evaluate(
            "() => { const e = document.activeElement; if (e === document.body) return ['', ''];"
            " return [e.outerHTML.slice(0, 120), getComputedStyle(e).outlineStyle]; }"
        )
        if not html:  # past the last control, focus leaves the document for the browser's UI
            break
        reached.add(html)
        if outline == "none":
            invisible.add(html)
    assert wanted - reached == set()
    assert invisible == set()
    if path == "/exchange/login/":
        page.page.context.close()
