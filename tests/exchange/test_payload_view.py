"""The notification page reads a payload like a document: fields in the schema's order under
their titles or humanised ids (acronyms upper-case), lists inline or bulleted, objects as nested
definition lists, lists of objects as tables, date-times in UTC with the raw value in <time>."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import escape
from html.parser import HTMLParser
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from oip.exchange import actions
from oip.exchange.schema_form import ACRONYMS, fields, humanise, label
from oip.exchange.views.notification import payload_view
from oip.liaison.templates import shipped
from tests.exchange.verified import verify
from tests.personas import Persona

CYBER = shipped().get("cyber-incident")
FDI = shipped().get("fdi-notification")
EARLY = CYBER.stages["early_warning"]
NOTIFICATION = FDI.stages["notification"]
BLOCKS = {"dt", "dd", "li", "tr", "h3", "p"}


class Text(HTMLParser):
    """The text a reader sees, one line per definition term, value, list item and table row
    (cells joined by " | "); a label and its plain value joined by ": "."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.depth = -1  # the payload's own list is not indented
        self.current = ""
        self.cell = 0

    def flush(self) -> None:
        text = re.sub(r"\s+", " ", self.current).strip()
        if text:
            self.lines.append("  " * self.depth + text)
        self.current = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS and not (tag == "dd" and self.current.endswith(":")):
            self.flush()
        elif tag == "dd":
            self.current += " "
        if tag in {"dl", "ul", "table"}:
            self.flush()
            self.depth += 1
        if tag == "tr":
            self.cell = 0
        if tag in {"td", "th"}:
            self.current += " | " if self.cell else ""
            self.cell += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "dt":
            self.current += ":"
        if tag in {"dl", "ul", "table"}:
            self.flush()
            self.depth -= 1
        elif tag in BLOCKS - {"dt"}:
            self.flush()

    def handle_data(self, data: str) -> None:
        self.current += data


def rendered(payload: dict[str, Any], schema: dict[str, Any] | None) -> str:
    view = {"kind": "fields", "fields": payload_view(payload, schema)}
    return render_to_string("exchange/_payload_value.html", {"v": view})


def text(html: str) -> list[str]:
    parser = Text()
    parser.feed(html)
    parser.close()
    parser.flush()
    return parser.lines


def test_cyber_early_warning_reads_in_schema_order_with_labels_and_utc_times() -> None:
    payload = dict(sorted(EARLY.examples[0].items()))  # stored order must not matter
    assert text(rendered(payload, EARLY.schema)) == [
        "Aware at: 28 Mar 2026, 22:00 UTC",
        "Detected at: 28 Mar 2026, 21:40 UTC",
        "Reporting role: national_csirt",
        "Affected sector: drinking-water",
        "Affected subsector: none",
        "Entity type: other",
        "Significance: art3-1e",
        "Suspected malicious: yes",
        "Cross border impact: yes",
        "Affected countries: ME, AL",
        "RSIT class: information-content-security",
        "RSIT type: unauthorised-information-modification",
        "Summary: Ransomware encrypted the SCADA historian and billing servers of a regional "
        "water utility; supply is running on manual control. The utility's billing platform "
        "is shared with a cross-border operator.",
        "Assistance requested:",
        "  Requested: yes",
        "  Text: Decryptor availability and indicators from other CSIRTs for the same strain.",
    ]


def test_a_time_with_an_offset_is_shown_in_utc_and_kept_raw_in_its_time_element() -> None:
    html = rendered(EARLY.examples[1], EARLY.schema)
    assert '<time datetime="2026-05-04T07:15:00+02:00">4 May 2026, 05:15 UTC</time>' in html
    assert text(html)[0] == "Aware at: 4 May 2026, 05:15 UTC"


def test_fdi_notification_with_nested_ownership_objects() -> None:
    html = rendered(NOTIFICATION.examples[0], NOTIFICATION.schema)
    assert text(html) == [
        "Ownership:",
        "  Entity | Registration no | Country | Owned by | Share % | Voting % | Control type",
        "  Adriatic Transmission Services d.o.o. | | ME | Northwind Grid Europe B.V. | 49 | 49 "
        "| joint",
        "  Northwind Grid Europe B.V. | NL-77120934 | NL | Northwind Grid Holdings Ltd | 100 "
        "| 100 | sole",
        "Ultimate investor:",
        "  Name: Northwind Grid Holdings Ltd",
        "  Country: CN",
        "Participation in capital: 49",
        "State owned: yes",
        "Value EUR: 182,000,000",
        "Investor activities:",
        "  Description: Construction and operation of high-voltage transmission networks",
        "  NACE: D35.12, F42.22",
        "Target activities:",
        "  Description: Operation of the 400 kV and 110 kV transmission network and "
        "cross-border interconnectors",
        "  NACE: D35.12",
        "Countries of operation:",
        "  Investor: NL, DE, RS",
        "  Target: ME, IT",
        "Funding:",
        "  Source: state_bank_loan",
        "  Description: Acquisition loan from a state-owned development bank of the "
        "investor's country",
        "  State funding: yes",
        "Completion date: 30 Sep 2026",
        "Completion status: planned",
        "Screening status: under_screening",
        "National deadline: 15 Jul 2026",
        "Legal trigger: Law on foreign investment screening, Art. 12 (energy infrastructure "
        "above 10 % of shares)",
        "Risk factors target: critical-infrastructure, sensitive-information",
        "Target sectors: energy",
        "Investor state control: yes",
        "Investor prior security activities: unknown",
        "Investor criminal risk: no",
        "Investor factor evidence:",
        "  Investor state control:",
        "    Evidence: The ultimate investor is wholly owned by a state asset-management "
        "commission.",
        "    Confidence: high",
        "  Investor criminal risk:",
        "    Evidence: No record in the sanctions and court databases consulted.",
        "    Confidence: moderate",
        "Union interest: ten-e",
        "Union interest details: The interconnector to Italy is a project of common interest "
        "under TEN-E.",
    ]
    assert '<th scope="col">Share %</th>' in html
    assert '<div class="table-scroll" role="region" tabindex="0" aria-label="Ownership">' in html
    assert '<time datetime="2026-09-30">30 Sep 2026</time>' in html
    # no raw JSON for shapes the schema describes
    assert "{" not in html
    assert "[" not in html


def test_long_lists_are_bulleted_and_empty_ones_say_none() -> None:
    schema = FDI.stages["info_request"].schema
    questions = FDI.stages["info_request"].examples[0]["questions"]
    assert text(rendered({"questions": questions}, schema)) == [
        "Questions:",
        "  " + questions[0],
        "  " + questions[1],
    ]
    assert text(rendered({"questions": []}, schema)) == ["Questions: none"]
    many = [f"c{i}" for i in range(9)]
    assert text(rendered({"codes": many}, None)) == ["Codes:", *(f"  {c}" for c in many)]


def test_values_without_a_schema_still_read_as_a_document() -> None:
    payload = {
        "eu_body_id": "enisa",
        "at": "2026-11-30T12:43:32Z",
        "total": 12345.0,
        "ratio": 0.25,
        "nothing": None,
        "steps": [{"step": 1, "notes": ["a", "b"]}, {"step": 2, "more": {"x": "y"}}],
    }
    assert text(rendered(payload, None)) == [
        "EU body ID: enisa",
        "At: 2026-11-30T12:43:32Z",  # no schema format: not a date-time the schema declares
        "Total: 12,345",
        "Ratio: 0.25",
        "Nothing: none",
        "Steps:",  # a bulleted list (objects of different shapes), each item a nested list
        "    Step: 1",
        "    Notes: a, b",
        "    Step: 2",
        "    More:",
        "      X: y",
    ]
    assert "<li><dl" in rendered(payload, None)


def test_a_date_time_without_a_zone_or_unparsable_is_shown_as_sent() -> None:
    schema = {"properties": {"at": {"type": "string", "format": "date-time"}}}
    assert text(rendered({"at": "2026-11-30T12:43"}, schema)) == ["At: 2026-11-30T12:43"]
    assert text(rendered({"at": "soon"}, schema)) == ["At: soon"]


def test_labels_prefer_the_schema_title_and_keep_acronyms_upper_case() -> None:
    assert label("rsit_class", {"title": "Incident class (RSIT)"}) == "Incident class (RSIT)"
    assert [humanise(n) for n in ["rsit_class", "nis2_sector", "share_pct", "iban", "x-url"]] == [
        "RSIT class",
        "NIS2 sector",
        "Share %",
        "IBAN",
        "X URL",
    ]
    assert [f.label for f in fields(EARLY.schema)][9:12] == [
        "Affected countries",
        "RSIT class",
        "RSIT type",
    ]


WORD = st.sampled_from([*sorted(ACRONYMS), "class", "type", "at", "a", "x2"])


@settings(max_examples=500)
@given(st.lists(WORD, min_size=1, max_size=5))
def test_humanise_keeps_every_word_acronyms_upper_and_the_first_capitalised(
    words: list[str],
) -> None:
    shown = humanise("_".join(words)).split(" ")
    assert len(shown) == len(words)
    for word, out in zip(words, shown, strict=True):
        assert out.lower() == word
        assert out == word.upper() if word in ACRONYMS else out[1:] == word[1:]
    assert shown[0][0] == shown[0][0].upper()


KEY = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
LEAF = st.one_of(
    st.booleans(),
    st.integers(-(10**9), 10**9),
    st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="{}[]"),
        max_size=30,
    ),
)
JSON = st.recursive(
    LEAF,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEY, inner, max_size=4),
    max_leaves=12,
)


def leaves(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in leaves(v)]
    if isinstance(value, list):
        return [x for v in value for x in leaves(v)]
    return [value] if isinstance(value, str) else []


@settings(max_examples=500)
@given(st.dictionaries(KEY, JSON, max_size=5))
def test_every_field_once_in_order_and_every_text_shown_escaped(payload: dict[str, Any]) -> None:
    names = list(payload)
    order = list(reversed(names))
    schema = {"properties": {n: {"type": "string"} for n in order}}
    assert [f["name"] for f in payload_view(payload, schema)] == order
    html = rendered(payload, schema)
    for leaf in leaves(payload):
        assert escape(leaf, quote=True).replace("&#x27;", "'") in html.replace("&#x27;", "'")
    assert html.count("<dt>") >= len(names)
    # never raw JSON: no brackets but the ones the values themselves hold (none here)
    assert "{" not in html
    assert "[" not in html


@settings(max_examples=500)
@given(st.lists(st.text(st.sampled_from("ab, \n"), max_size=20), max_size=12))
def test_a_list_of_plain_values_is_one_line_only_when_short_and_without_commas(
    values: list[str],
) -> None:
    (field,) = payload_view({"v": values})
    short = len(values) <= 8 and sum(map(len, values)) <= 120
    one_line = short and not any("," in v or "\n" in v for v in values)
    expected = "text" if not values else "inline" if one_line else "bullets"
    assert field["value"]["kind"] == expected
    if values:
        assert [n["text"] for n in field["value"]["items"]] == values


@pytest.mark.django_db
def test_the_page_heads_each_stage_with_its_title_then_kind_revision_who_and_when(
    frozen: dt.datetime, cyber_evidence: None, enisa_officer: Any, al_officer: Any
) -> None:
    sent = actions.send(
        enisa_officer,
        template="cyber-incident",
        area="cyber",
        tlp="amber",
        audience="community",
        addressees=[],
        stage="early_warning",
        payload=EARLY.examples[0],
        title="Ransomware at a water utility",
    )
    client = Client()
    client.force_login(al_officer)
    verify(Persona(client, al_officer))
    page = client.get(f"/exchange/n/{sent.id}/").content.decode()
    heading = text(re.search(r"<h3>.*?</h3>", page, re.S).group(0))  # type: ignore[union-attr]
    when = f"{frozen.day} {frozen:%b %Y, %H:%M} UTC"
    assert heading == [f"Early warning — stage, revision 1, by enisa-officer of ENISA, {when}"]
    assert "<dt>RSIT class</dt><dd>information-content-security</dd>" in page
    assert re.search(r"— submitted \(Early warning\) · ENISA · enisa-officer</li>", page)
    assert json.dumps(EARLY.examples[0]["affected_countries"]) not in page
