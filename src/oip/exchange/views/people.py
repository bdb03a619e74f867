"""The contact-point roster and the access page.

- `roster`: the contact points in force now of the person's own organisation and of the EU
  bodies of the same areas ("EU counterparts") — never other countries' (community rosters
  stay hidden from members, EXCHANGE.md §6.12).
- `access`: what the person's country may receive in each of their areas now, in
  `oip.liaison.access.capabilities`' words ("tier 2 in cyber: you receive up to AMBER"); for
  an EU body (and the operator), the same for every country in their areas.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from oip.catalogue.fetch import current_catalogue
from oip.exchange import reads
from oip.exchange.auth import exchange_login_required
from oip.exchange.models import ContactPoint
from oip.liaison.access import Capabilities, capabilities
from oip.liaison.types import Actor
from oip.site import clock


def roster_for(actor: Actor, now: dt.datetime) -> list[ContactPoint]:
    """The contact points in force at `now` the actor may see (see the module's docstring)."""
    if not actor.membership_valid or not actor.org:
        return []
    areas = sorted(actor.areas)
    rows = (
        ContactPoint.objects.filter(
            Q(valid_from__lte=now),
            Q(valid_to__isnull=True) | Q(valid_to__gt=now),
            Q(organisation_id=actor.org) | Q(organisation__kind="eu_body", area__in=areas),
        )
        .select_related("organisation")
        .order_by("organisation__short_name", "area", "function", "-valid_from")
    )
    latest: dict[tuple[str, str, str], ContactPoint] = {}
    for row in rows:
        latest.setdefault((str(row.organisation_id), row.area, row.function), row)
    return list(latest.values())


def access_for(actor: Actor, day: dt.date) -> list[Capabilities]:
    """What each country in the actor's view may receive in each of the actor's areas."""
    catalogue = current_catalogue()
    if actor.org_kind == "operator":
        areas = [a.id for a in catalogue.areas]
    elif actor.membership_valid:
        areas = sorted(actor.areas)
    else:
        return []
    countries = [actor.country] if actor.country else [c.code for c in catalogue.countries]
    standing = reads.memo_standing()
    rules = reads.policy()
    return [
        capabilities(country, area, standing(country, area, day), rules)
        for area in areas
        for country in countries
    ]


@require_http_methods(["GET", "HEAD"])
@exchange_login_required
def roster(request: HttpRequest) -> HttpResponse:
    """Contact points of one's own organisation and of the EU counterparts."""
    now = clock.now()
    actor = reads.actor_for(request.user, now)
    context: dict[str, Any] = {
        "title": "Contact points",
        "nav": "roster",
        "rows": roster_for(actor, now),
    }
    return render(request, "exchange/roster.html", context)


@require_http_methods(["GET", "HEAD"])
@exchange_login_required
def access(request: HttpRequest) -> HttpResponse:
    """What one's country may receive now, area by area."""
    now = clock.now()
    actor = reads.actor_for(request.user, now)
    context: dict[str, Any] = {
        "title": "Your access",
        "nav": "access",
        "national": bool(actor.country),
        "rows": access_for(actor, now.date()),
    }
    return render(request, "exchange/access.html", context)
