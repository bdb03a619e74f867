"""A further stage of one's own notification, or a response to one received: the form of that
stage's JSON Schema (`oip.exchange.schema_form`), sent through `actions.submit_stage` or
`actions.respond`.

`/exchange/n/<id>/stage/<stage>/` (originator: anyone else gets 403 `not_originator`) and `/exchange/n/<id>/respond/<stage>/`
(recipient). The notification is opened first (`reads.open_item`), so a person who may not read
it gets the same 404 / 403 as on its page; a stage the template does not have is a 404; payload
problems are answered 422 beside their fields, and nothing is stored.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from oip.exchange import actions, reads
from oip.exchange.auth import exchange_login_required
from oip.exchange.exercise_reads import exercise_refs
from oip.exchange.schema_form import fields, read, with_errors
from oip.exchange.views.common import error_page, tlp_banner
from oip.exchange.views.notification import refusal_page
from oip.liaison.templates import shipped
from oip.site import clock

PAYLOAD_PREFIX = "p:"
KINDS = {"stage": frozenset({"stage", "request"}), "respond": frozenset({"response"})}


def _follow_up(request: HttpRequest, notification_id: str, stage: str, what: str) -> HttpResponse:
    try:
        opened = reads.open_item(request.user, notification_id)
    except (reads.NotFound, reads.Refused, reads.IntegrityFailure) as error:
        return refusal_page(request, error)
    if opened.decision.level != "content":
        return error_page(
            request, 403, "You see this notification's metadata only.", reason="metadata_only"
        )
    actor = reads.actor_for(request.user, clock.now())
    if what == "stage" and actor.org != str(opened.notification.originator_org_id):
        return error_page(
            request, 403, "Only the sending organisation submits stages.", reason="not_originator"
        )
    form = shipped().get(opened.notification.template)
    spec = form.stages.get(stage)
    if spec is None or spec.kind not in KINDS[what]:
        return error_page(request, 404, f"{form.title} has no such stage to {what}: {stage}.")
    body = fields(spec.schema)
    problems: list[tuple[str, str]] = []
    if request.method == "POST":
        posted = {
            k.removeprefix(PAYLOAD_PREFIX): request.POST.getlist(k)
            for k in request.POST
            if k.startswith(PAYLOAD_PREFIX)
        }
        payload, body, problems = read(body, posted)
        if problems:
            seen = {pointer for pointer, _ in problems}
            problems += [
                (e.pointer, e.message)
                for e in form.validate(stage, payload)
                if e.pointer not in seen
            ]
        else:
            try:
                if what == "respond":
                    actions.respond(request.user, notification_id, stage=stage, payload=payload)
                else:
                    actions.submit_stage(
                        request.user, notification_id, stage=stage, payload=payload
                    )
            except reads.PayloadInvalid as invalid:
                problems = [(e.pointer, e.message) for e in invalid.errors]
            except (reads.NotFound, reads.Refused) as error:
                return refusal_page(request, error)
            else:
                target = reverse("exchange:notification", args=[notification_id])
                return HttpResponseRedirect(target, status=303)
    body, general = with_errors(body, problems)
    context: dict[str, Any] = {
        "title": f"{spec.title}: {opened.title}",
        "nav": "inbox",
        "item": opened.notification,
        "item_title": opened.title,
        "banner": tlp_banner(opened.notification.tlp),
        "exercise": exercise_refs([str(opened.notification.id)]).get(str(opened.notification.id)),
        "stage": spec,
        "body": body,
        "general": general,
        "prefix": PAYLOAD_PREFIX,
        "action": request.path,
    }
    return render(request, "exchange/follow_up.html", context, status=422 if problems else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@exchange_login_required
def next_stage(request: HttpRequest, notification_id: str, stage: str) -> HttpResponse:
    """A further stage (or a new revision of one) of one's own organisation's notification."""
    return _follow_up(request, notification_id, stage, "stage")


@require_http_methods(["GET", "HEAD", "POST"])
@exchange_login_required
def respond(request: HttpRequest, notification_id: str, stage: str) -> HttpResponse:
    """A response to a notification one may read."""
    return _follow_up(request, notification_id, stage, "respond")
