"""The notification page (TLP banner above and below, the stages, the thread, the clocks) and
its acknowledge button.

`reads.open_item` decides with the access rule: 404 when the person may not know the item
exists, 403 with the rule's reason when they may know but not read, the header alone when
they may read metadata only (the OIP administrator), and an error page (500, audited as an
`integrity_error` by the read) when stored bytes fail their check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from oip.exchange import actions, reads
from oip.exchange.auth import exchange_login_required
from oip.exchange.exercise_reads import exercise_refs
from oip.exchange.schema_form import humanise, label, resolve
from oip.exchange.views.common import clock_badges, error_page, organisation_names, tlp_banner
from oip.liaison.templates import Template, shipped
from oip.site import clock

#: From AMBER up an export declares its purpose and onward recipients (§6.4).
EXPORT_PURPOSE_LEVELS = frozenset({"amber", "amber+strict", "red"})
#: A list of plain values is one comma-separated line up to so many items and characters.
INLINE_ITEMS = 8
INLINE_CHARS = 120
#: A list of flat objects is a table up to so many columns (a nested list beyond).
TABLE_COLUMNS = 8
GROUPED_FROM = 10_000
Node = dict[str, Any]
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


def payload_view(
    payload: Mapping[str, Any], schema: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """A payload as a document: `{"name", "label", "value"}` per field, in the order of the
    schema's `properties` (fields the schema does not name follow in payload order), labelled
    with the property's `title` or its humanised id (`schema_form.label`).

    Each `value` is a node for `exchange/_payload_value.html`, by `kind`:
    `text` (`text`, `multiline`), `time` (`text` as "30 Nov 2026, 12:43 UTC" or "30 Sep 2026",
    `datetime` the raw ISO value: for `format: date-time` / `date`), `inline` (`items`, a short
    list of plain values shown comma-separated), `bullets` (`items`: a long list, or a list of
    objects that do not fit a table), `fields` (`fields`: an object as a nested definition
    list) and `table` (`caption`, `columns`, `rows` of nodes or None: a list of flat objects).
    Values stay as sent (enumeration and taxonomy ids are the shared vocabulary); booleans
    read yes / no, and whole numbers from 10,000 up are grouped by thousands.
    """
    root = schema or {}
    return _fields(payload, root, root)


def _fields(
    value: Mapping[str, Any], spec: Mapping[str, Any], root: Mapping[str, Any]
) -> list[dict[str, Any]]:
    declared = spec.get("properties")
    properties: Mapping[str, Any] = declared if isinstance(declared, Mapping) else {}
    order = [k for k in properties if k in value] + [k for k in value if k not in properties]
    found = []
    for name in order:
        inner = resolve(properties.get(name, {}), root)
        found.append(
            {
                "name": name,
                "label": label(name, inner),
                "value": _node(value[name], inner, root, label(name, inner)),
            }
        )
    return found


def _plain(value: Any) -> bool:
    return not isinstance(value, Mapping | list)


def _node(value: Any, spec: Mapping[str, Any], root: Mapping[str, Any], caption: str) -> Node:
    if isinstance(value, Mapping):
        return {"kind": "fields", "fields": _fields(value, spec, root)}
    if not isinstance(value, list):
        return _scalar(value, spec)
    items = resolve(spec.get("items", {}), root)
    if all(_plain(v) for v in value):
        nodes = [_scalar(v, items) for v in value]
        texts = [str(v) for v in value]
        short = (
            len(value) <= INLINE_ITEMS
            and sum(len(t) for t in texts) <= INLINE_CHARS
            and not any("," in t or "\n" in t for t in texts)
        )
        if not value:
            return {"kind": "text", "text": "none", "multiline": False}
        return {"kind": "inline" if short else "bullets", "items": nodes}
    if all(isinstance(v, Mapping) and all(_flat(x) for x in v.values()) for v in value):
        found = items.get("properties")
        properties: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        declared = list(properties)
        seen = {k for v in value for k in v}
        names = [k for k in declared if k in seen]
        names += [k for v in value for k in v if k not in names]
        names = list(dict.fromkeys(names))
        if len(names) <= TABLE_COLUMNS:
            specs = {n: resolve(properties.get(n, {}), root) for n in names}
            return {
                "kind": "table",
                "caption": caption,
                "columns": [label(n, specs[n]) for n in names],
                "rows": [
                    [_node(v[n], specs[n], root, caption) if n in v else None for n in names]
                    for v in value
                ],
            }
    return {"kind": "bullets", "items": [_node(v, items, root, caption) for v in value]}


def _flat(value: Any) -> bool:
    """A value that fits a table cell: plain, or a list of plain values."""
    return _plain(value) or (isinstance(value, list) and all(_plain(v) for v in value))


def _scalar(value: Any, spec: Mapping[str, Any]) -> Node:
    if isinstance(value, bool):
        return {"kind": "text", "text": "yes" if value else "no", "multiline": False}
    if value is None:
        return {"kind": "text", "text": "none", "multiline": False}
    if isinstance(value, int | float):
        whole = isinstance(value, int) or value.is_integer()
        number = int(value) if whole else value
        text = f"{number:,}" if whole and abs(number) >= GROUPED_FROM else str(number)
        return {"kind": "text", "text": text, "multiline": False}
    text = str(value)
    moment = _moment(text, spec.get("format"))
    if moment is not None:
        return {"kind": "time", "text": moment, "datetime": text}
    return {"kind": "text", "text": text, "multiline": "\n" in text}


def _moment(text: str, form: Any) -> str | None:
    """A `date-time` as "30 Nov 2026, 12:43 UTC", a `date` as "30 Sep 2026"; None else."""
    try:
        if form == "date-time":
            at = dt.datetime.fromisoformat(text)
            if at.tzinfo is None:
                return None
            at = at.astimezone(dt.UTC)
            return f"{at.day} {at:%b %Y, %H:%M} UTC"
        if form == "date":
            day = dt.date.fromisoformat(text)
            return f"{day.day} {day:%b %Y}"
    except ValueError:
        return None
    return None


def stage_title(template: Template, stage: str) -> str:
    """The stage's title in `template`, else its id humanised (a stage no longer shipped)."""
    spec = template.stages.get(stage)
    return spec.title if spec is not None else humanise(stage)


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
    form = shipped().get(item.template)
    stages = form.stages.values()
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
                "title": stage_title(form, s.stage),
                "fields": payload_view(
                    s.payload,
                    form.stages[s.stage].schema if s.stage in form.stages else None,
                ),
            }
            for s in opened.submissions
        ],
        "thread": [
            {
                "e": e,
                "org": names.get(e.actor_org, ""),
                "stage": stage_title(form, e.stage) if e.stage else "",
            }
            for e in opened.thread
        ],
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
