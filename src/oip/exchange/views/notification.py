"""The notification page (TLP banner above and below, the stages, the thread, the clocks) and
its acknowledge button.

`reads.open_item` decides with the access rule: 404 when the person may not know the item
exists, 403 with the rule's reason when they may know but not read, the header alone when
they may read metadata only (the OIP administrator), and an error page (500, audited as an
`integrity_error` by the read) when stored bytes fail their check.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from oip.exchange import actions, reads
from oip.exchange.auth import exchange_login_required
from oip.exchange.exercise_reads import exercise_refs
from oip.exchange.views.common import clock_badges, error_page, organisation_names, tlp_banner
from oip.liaison.templates import shipped
from oip.site import clock

#: From AMBER up an export declares its purpose and onward recipients (§6.4).
EXPORT_PURPOSE_LEVELS = frozenset({"amber", "amber+strict", "red"})
INTEGRITY = (
    "The stored item failed its integrity check, so it is not shown. The failure is recorded "
    "in the audit log; the platform's operators have been told."
)


def refusal_page(request: HttpRequest, error: Exception) -> HttpResponse:
    """The page for a refusal of the exchange's reads and actions."""
    if isinstance(error, reads.Refused):
        return error_page(
            request, 403, "The access rule does not let you do this.", reason=error.reason
        )
    if isinstance(error, reads.IntegrityFailure):
        return error_page(request, 500, INTEGRITY)
    return error_page(request, 404, "There is no such notification in your exchange.")


def payload_view(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Top-level fields as label and text; nested values as indented JSON."""
    fields = []
    for name, value in payload.items():
        nested = isinstance(value, dict | list)
        text = json.dumps(value, indent=2, ensure_ascii=False) if nested else value
        if isinstance(value, bool):
            text = "yes" if value else "no"
        fields.append({"name": name.replace("_", " "), "text": text, "nested": nested})
    return fields


@require_http_methods(["GET", "HEAD"])
@exchange_login_required
def notification(request: HttpRequest, notification_id: str) -> HttpResponse:
    """One notification as the access rule lets the person see it."""
    try:
        opened = reads.open_item(request.user, notification_id)
    except (reads.NotFound, reads.Refused, reads.IntegrityFailure) as error:
        return refusal_page(request, error)
    item = opened.notification
    actor = reads.actor_for(request.user, clock.now())
    names = organisation_names(
        [str(item.originator_org_id)]
        + [s.submitted_org for s in opened.submissions]
        + [e.actor_org for e in opened.thread]
    )
    content = opened.decision.level == "content"
    own = actor.org == str(item.originator_org_id)
    stages = shipped().get(item.template).stages.values()
    follow_ups = [
        (
            s.title,
            reverse("exchange:next-stage" if own else "exchange:respond", args=[item.id, s.id]),
        )
        for s in stages
        if content and (s.kind in {"stage", "request"} if own else s.kind == "response")
    ]
    acknowledged = any(e.kind == "acknowledged" and e.actor_org == actor.org for e in opened.thread)
    context = {
        "title": opened.title or f"{item.template} (metadata)",
        "nav": "inbox",
        "item": item,
        "opened": opened,
        "content": content,
        "banner": tlp_banner(item.tlp),
        "exercise": exercise_refs([str(item.id)]).get(str(item.id)),
        "originator": names.get(str(item.originator_org_id), "unknown organisation"),
        "submissions": [
            {
                "s": s,
                "org": names.get(s.submitted_org, ""),
                "fields": payload_view(s.payload),
            }
            for s in opened.submissions
        ],
        "thread": [{"e": e, "org": names.get(e.actor_org, "")} for e in opened.thread],
        "clocks": clock_badges(opened.clocks),
        "may_acknowledge": content
        and actor.org != str(item.originator_org_id)
        and not acknowledged,
        "acknowledged": acknowledged,
        "follow_ups": follow_ups,
        "own": own,
        # RED is view only (§6.4); the export itself decides again (and records the egress).
        "may_export": content and item.tlp != "red",
        "export_needs_purpose": item.tlp in EXPORT_PURPOSE_LEVELS,
    }
    return render(request, "exchange/notification.html", context)


@require_POST
@exchange_login_required
def acknowledge(request: HttpRequest, notification_id: str) -> HttpResponse:
    """Acknowledge receipt for the person's organisation, then show the notification."""
    try:
        actions.acknowledge(request.user, notification_id)
    except (reads.NotFound, reads.Refused, reads.IntegrityFailure) as error:
        return refusal_page(request, error)
    target = reverse("exchange:notification", args=[notification_id])
    return HttpResponseRedirect(target, status=303)
