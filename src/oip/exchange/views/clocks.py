"""The clock dashboards (EXCHANGE.md §6.6, §6.11 "see live clocks and metrics"): metadata only.

- An EU body's officer or liaison manager: the clocks of the real items in the body's areas
  (its members' areas that are also the body's), counted by country × area — running,
  overdue, met, late — and the open ones listed most urgent first.
- A member of a national organisation (any role): its own organisation's clocks only.
- The OIP administrator: every real item's clocks (metadata).
- Anyone else (an auditor, a member with no valid membership): 403.

Whose clock is whose: each item's national parties — the originator, if national, on its
sender clocks; each national organisation it was delivered to on its recipient clocks — with
clock states computed on read by `oip.exchange.clocking.item_clocks`, as the inbox does.
Exercise items never appear (they are scored in their exercise). No titles, no content.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from oip.accounts.models import Organisation
from oip.exchange import reads
from oip.exchange.auth import exchange_login_required
from oip.exchange.clocking import item_clocks
from oip.exchange.models import Delivery, ExchangeEvent, Notification
from oip.exchange.views.common import CLOCK_WORDS, error_page
from oip.liaison.types import Actor
from oip.site import clock

COUNTED = ("running", "overdue", "met", "late")
EU_ROLES = frozenset({"officer", "liaison_manager"})


@dataclass(frozen=True, slots=True)
class ClockRow:
    """One clock of one party of one item (metadata only)."""

    notification: str
    template: str
    area: str
    country: str
    organisation: str
    clock: str
    status: str
    due_at: dt.datetime | None
    stopped_at: dt.datetime | None


def scope(actor: Actor) -> tuple[str, frozenset[str]] | None:
    """(`eu`, areas) / (`own`, {org id}) / (`all`, {}) for the actor, None when refused."""
    if actor.org_kind == "operator" and actor.membership_valid:
        return ("all", frozenset())
    if not actor.membership_valid or not actor.org:
        return None
    if actor.org_kind == "eu_body":
        if actor.roles & EU_ROLES:
            body = Organisation.objects.filter(pk=actor.org).values_list("areas", flat=True).first()
            return ("eu", frozenset(actor.areas) & frozenset(body or ()))
        return None
    if actor.org_kind == "national" and actor.roles - {"auditor"}:
        return ("own", frozenset({actor.org}))
    return None


def _items(kind: str, keys: frozenset[str]) -> Any:
    rows = (
        Notification.objects.filter(exercise__isnull=True)
        .select_related("originator_org")
        .prefetch_related(
            Prefetch(
                "deliveries",
                queryset=Delivery.objects.select_related("organisation"),
                to_attr="all_deliveries",
            ),
            Prefetch(
                "events", queryset=ExchangeEvent.objects.order_by("seq"), to_attr="all_events"
            ),
        )
    )
    if kind == "eu":
        return rows.filter(area__in=sorted(keys))
    if kind == "own":
        org = next(iter(keys))
        return rows.filter(Q(originator_org_id=org) | Q(deliveries__organisation_id=org)).distinct()
    return rows


def clock_rows(actor: Actor, now: dt.datetime) -> list[ClockRow] | None:
    """Every national party's clocks of the items in the actor's scope at `now`; None when
    the actor may not see the dashboard."""
    found = scope(actor)
    if found is None:
        return None
    kind, keys = found
    rows: list[ClockRow] = []
    withins: dict[tuple[str, str, str], str | None] = {}
    for n in _items(kind, keys).order_by("-created_at"):
        events = n.all_events
        if any(e.kind == "withdrawn" for e in events):
            continue
        parties: list[tuple[Organisation, str]] = []
        if n.originator_org.kind == "national":
            parties.append((n.originator_org, "sender"))
        parties += [
            (d.organisation, "recipient")
            for d in n.all_deliveries
            if d.organisation.kind == "national"
        ]
        for org, side in parties:
            if kind == "own" and str(org.pk) not in keys:
                continue
            states = item_clocks(n, events, str(org.pk), now, reader=org, withins=withins)
            rows += [
                ClockRow(
                    str(n.pk), n.template, n.area, org.country_id or "", org.short_name,
                    s.clock, s.status, s.due_at, s.stopped_at,
                )
                for s in states
                if s.party == side and s.status in (*COUNTED, "paused")
            ]  # fmt: skip
    return rows


def counts(rows: Iterable[ClockRow]) -> list[dict[str, Any]]:
    """Clocks by (country, area): running (paused included), overdue, met, late."""
    tally: Counter[tuple[str, str, str]] = Counter()
    for r in rows:
        tally[(r.country, r.area, "running" if r.status == "paused" else r.status)] += 1
    cells = sorted({(c, a) for c, a, _ in tally})
    return [{"country": c, "area": a, **{s: tally[(c, a, s)] for s in COUNTED}} for c, a in cells]


def _urgency(row: ClockRow) -> tuple[int, float]:
    due = row.due_at.timestamp() if row.due_at is not None else float("inf")
    return (0 if row.status == "overdue" else 1, due)


@require_http_methods(["GET", "HEAD"])
@exchange_login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The clocks the person may see, counted by country × area, open ones listed."""
    now = clock.now()
    actor = reads.actor_for(request.user, now)
    rows = clock_rows(actor, now)
    if rows is None:
        return error_page(request, 403, "Live clocks are for EU bodies' officers and liaison "
                          "managers, national members (their own organisation's) and the "
                          "OIP administrator.", reason="role")  # fmt: skip
    open_rows = sorted(
        (r for r in rows if r.status in {"running", "overdue", "paused"}), key=_urgency
    )
    context = {
        "title": "Clocks",
        "nav": "clocks",
        "kind": scope(actor)[0] if rows is not None else "",  # type: ignore[index]
        "counts": counts(rows),
        "open_rows": [{"r": r, "word": CLOCK_WORDS.get(r.status, r.status)} for r in open_rows],
        "now": now,
    }
    return render(request, "exchange/clocks.html", context)
