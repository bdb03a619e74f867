"""The compose page: a new notification on a template, its form drawn from the opening stage's
JSON Schema (`oip.exchange.schema_form`), sent through `actions.send`.

Without `?template=` the page lists the templates of the person's areas. The header (marking,
audience, addressees, named recipients for RED, title) comes first, then one input per
top-level property of the stage's schema. A refusal of the payload is answered 422 with every
message beside the field its JSON pointer names (the rest above the form); a refusal by the
access rule is a 403 page; a sent notification is shown (303 to its page).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from oip.accounts.models import Organisation
from oip.exchange import actions, reads
from oip.exchange.auth import exchange_login_required
from oip.exchange.schema_form import FormField, fields, read, with_errors
from oip.exchange.views.common import error_page
from oip.liaison.templates import Template, shipped
from oip.site import clock

AUDIENCES = ("addressed", "community")
#: Inputs of the payload are named `p:<property>`, apart from the header's own inputs.
PAYLOAD_PREFIX = "p:"


def _addressable(area: str, own: str, day: dt.date) -> tuple[str, ...]:
    """Short names of the organisations of `area` valid on `day`, other than one's own."""
    rows = Organisation.objects.filter(
        Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )
    if own:
        rows = rows.exclude(pk=own)
    return tuple(sorted(o.short_name for o in rows if area in o.areas))


def header_fields(form: Template, actor_org: str, day: dt.date) -> list[FormField]:
    """The notification's own fields, before the payload's."""
    return [
        FormField("title", "Title", "text", True, "Short; never personal data.", value=""),
        FormField(
            "tlp",
            "TLP marking",
            "select",
            True,
            "Who may read it (TLP 2.0).",
            tuple(form.tlp_allowed),
            value=form.tlp_default,
        ),
        FormField(
            "audience",
            "Audience",
            "select",
            True,
            "Addressed: the organisations you choose. Community: the area's community within "
            "each country's cap.",
            AUDIENCES,
            value="addressed",
        ),
        FormField(
            "addressees",
            "Addressees",
            "multiselect",
            False,
            "For an addressed notification.",
            _addressable(form.area, actor_org, day),
        ),
        FormField(
            "named_recipients",
            "Named recipients",
            "text",
            False,
            "Usernames, comma-separated: required for TLP:RED.",
        ),
    ]


def _choices(person: Any) -> list[Template]:
    actor = reads.actor_for(person, clock.now())
    return [
        t
        for t in sorted(shipped().templates.values(), key=lambda t: t.title)
        if t.area in actor.areas
    ]


@require_http_methods(["GET", "HEAD", "POST"])
@exchange_login_required
def compose(request: HttpRequest) -> HttpResponse:
    """Choose a template, fill its opening stage, send."""
    template_id = request.POST.get("template") or request.GET.get("template") or ""
    available = {t.id: t for t in _choices(request.user)}
    if template_id not in available:
        choose = {"title": "New notification", "nav": "compose", "templates": available.values()}
        status = 404 if template_id else 200
        return render(request, "exchange/compose_choose.html", choose, status=status)
    form = available[template_id]
    stage = form.opening_stage()
    now = clock.now()
    actor = reads.actor_for(request.user, now)
    header = header_fields(form, actor.org, now.date())
    body = fields(form.stages[stage].schema)
    problems: list[tuple[str, str]] = []
    if request.method == "POST":
        posted = {k: request.POST.getlist(k) for k in request.POST}
        head, header, problems = read(header, posted)
        payload, body, payload_problems = read(
            body,
            {
                k.removeprefix(PAYLOAD_PREFIX): v
                for k, v in posted.items()
                if k.startswith(PAYLOAD_PREFIX)
            },
        )
        problems += payload_problems
        if not head.get("title"):
            problems.append(("/title", "required"))
        if problems:
            # Show every problem at once: the schema's too, where the input itself was fine.
            seen = {pointer for pointer, _ in problems}
            problems += [
                (e.pointer, e.message)
                for e in form.validate(stage, payload)
                if e.pointer not in seen
            ]
        else:
            named = [n.strip() for n in str(head.get("named_recipients", "")).split(",")]
            try:
                sent = actions.send(
                    request.user,
                    template=form.id,
                    area=form.area,
                    tlp=str(head.get("tlp", form.tlp_default)),
                    audience=str(head.get("audience", "addressed")),
                    addressees=list(head.get("addressees", [])),
                    stage=stage,
                    payload=payload,
                    title=str(head["title"]),
                    named_recipients=[n for n in named if n],
                    now=now,
                )
            except reads.PayloadInvalid as invalid:
                problems = [(e.pointer, e.message) for e in invalid.errors]
            except reads.Refused as refused:
                return error_page(
                    request,
                    403,
                    "The access rule does not let you send this.",
                    reason=refused.reason,
                )
            else:
                target = reverse("exchange:notification", args=[sent.id])
                return HttpResponseRedirect(target, status=303)
    body, rest = with_errors(body, problems)
    header, general = with_errors(header, rest)
    context: dict[str, Any] = {
        "title": f"New notification: {form.title}",
        "nav": "compose",
        "form": form,
        "stage": form.stages[stage],
        "header": header,
        "body": body,
        "general": general,
        "prefix": PAYLOAD_PREFIX,
    }
    return render(request, "exchange/compose.html", context, status=422 if problems else 200)
