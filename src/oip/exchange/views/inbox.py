"""The inbox page: the items the person may see, most urgent first, with clock badges.

`reads.inbox` decides every item with the access rule and sorts by urgency; this view only
adds organisation names and the filter form (`area`, `state`=open|all). An unknown filter value
is ignored in favour of the default (the form offers only known values).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from oip.catalogue.fetch import current_catalogue
from oip.exchange import reads
from oip.exchange.auth import exchange_login_required
from oip.exchange.exercise_reads import exercise_refs
from oip.exchange.fetch import actor_for
from oip.exchange.reminders import reminders_for
from oip.exchange.views.common import clock_badges, organisation_names, tlp_banner
from oip.site import clock

STATES = (("open", "Open items"), ("all", "All items"))


@require_http_methods(["GET", "HEAD"])
@exchange_login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The signed-in person's inbox."""
    areas = [(a.id, a.title) for a in current_catalogue().areas]
    area = request.GET.get("area") or None
    if area not in {a for a, _ in areas}:
        area = None
    state = request.GET.get("state", "open")
    if state not in dict(STATES):
        state = "open"
    found = reads.inbox(request.user, area=area, state=state)
    names = organisation_names(row.originator_org for row in found)
    drills = exercise_refs(row.id for row in found)
    rows = [
        {
            "row": row,
            "banner": tlp_banner(row.tlp),
            "originator": names.get(row.originator_org, "unknown organisation"),
            "clocks": clock_badges(row.clocks),
            "exercise": drills.get(row.id),
        }
        for row in found
    ]
    now = clock.now()
    actor = actor_for(request.user, now)
    # The operator is not on any clock: reminders are for the organisation's own people.
    reminders = reminders_for(actor.org, now) if actor.org_kind != "operator" else []
    context = {
        "title": "Inbox",
        "reminders": reminders,
        "nav": "inbox",
        "rows": rows,
        "areas": areas,
        "area": area or "",
        "states": STATES,
        "state": state,
    }
    return render(request, "exchange/inbox.html", context)
