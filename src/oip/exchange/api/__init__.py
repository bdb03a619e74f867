"""The exchange's API under /api/v1/exchange/ (EXCHANGE.md §10): thin over the named actions.

Operations: `GET templates` (public), `POST notifications`, `GET notifications/{id}`,
`POST notifications/{id}/stages/{stage}`, `.../ack`, `.../responses`, `.../requests`,
`.../withdraw`, `GET inbox?area=&state=open|all` (with an `ETag`: `If-None-Match` gives 304),
`GET access?country=&area=`, and the reachability tests' answer (`api.reachability`).

Every operation but `GET templates` (the blank forms, public) needs `Authorization: Bearer
<token>` (`TokenAuth`: the token's organisation acts) or a session that passed the second
factor (`VerifiedSessionAuth`: the person's organisation acts); otherwise 401. Each handler
parses, calls one action or read of `oip.exchange.actions` / `oip.exchange.reads`, and maps
its errors:

- `PayloadInvalid` -> 422 `{"detail": [{"pointer": "/aware_at", "message": "..."}]}`: pointers
  into the payload for what the template's schema refuses, `/template`, `/tlp`,
  `/addressees/0`, ... for the request's own fields; nothing is stored.
- `Refused` -> 403 `{"reason": "above_tier_cap"}` (the access rule's word);
- `NotFound` -> 404 `{"detail": "Not Found"}` (also when the caller may not know the item);
- `IntegrityFailure` -> 500 `{"detail": "integrity_error"}` (audited by the read; no bytes).

Request bodies are read here rather than by django-ninja's schema validation, so that every
422 of these endpoints has the one shape above; the OpenAPI schema still documents them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.cache import patch_cache_control
from ninja import Router

from oip.catalogue.fetch import current_catalogue
from oip.exchange import actions, exceptional, reads
from oip.exchange.api import exports, reachability, recalls
from oip.exchange.api.shapes import (
    NOTIFICATION_BODY,
    PAYLOAD_BODY,
    REQUEST_BODY,
    RESPONSE_BODY,
    AccessOut,
    AckOut,
    CreatedOut,
    DetailOut,
    InboxItemOut,
    NotificationOut,
    ProblemsOut,
    ReasonOut,
    SubmittedOut,
    access_out,
    inbox_item_out,
    notification_out,
)
from oip.exchange.auth import Caller, TokenAuth, VerifiedSessionAuth
from oip.exchange.exercise_reads import exercise_refs
from oip.liaison.access import capabilities
from oip.liaison.templates import PayloadError, export_data, shipped
from oip.site import clock

router = Router(tags=["exchange"], auth=[TokenAuth(), VerifiedSessionAuth()])
router.add_router("", reachability.router)
router.add_router("", exports.router)
router.add_router("", recalls.router)

ERRORS: dict[int, Any] = {403: ReasonOut, 404: DetailOut, 422: ProblemsOut}
AUDIENCES = ("addressed", "community")
STATES = ("open", "all")


def _json(status: int, body: Any) -> JsonResponse:
    return JsonResponse(body, status=status, safe=False)


def problems(errors: list[PayloadError]) -> JsonResponse:
    """The 422 answer: every problem at its JSON pointer."""
    detail = [{"pointer": e.pointer, "message": e.message} for e in errors]
    return _json(422, {"detail": detail})


def mapped(handler: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
    """Map the exchange's errors to their answers (see the module's docstring)."""

    @wraps(handler)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        try:
            return handler(request, *args, **kwargs)
        except reads.PayloadInvalid as invalid:
            return problems(invalid.errors)
        except reads.Refused as refused:
            return _json(403, {"reason": refused.reason})
        except reads.NotFound:
            return _json(404, {"detail": "Not Found"})
        except reads.IntegrityFailure:
            return _json(500, {"detail": "integrity_error"})

    return answer


def caller_of(request: HttpRequest) -> Caller:
    caller: Caller = request.auth  # type: ignore[attr-defined]
    return caller


def json_body(request: HttpRequest) -> dict[str, Any]:
    """The request's JSON object; PayloadInvalid at "" when it is not one."""
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise reads.PayloadInvalid([PayloadError("", "the body must be a JSON object")])
    return data


def text_field(
    body: dict[str, Any], name: str, errors: list[PayloadError], default: Any = None
) -> Any:
    value = body.get(name, default)
    if value is None and default is None:
        errors.append(PayloadError(f"/{name}", "required"))
    elif value is not None and not isinstance(value, str):
        errors.append(PayloadError(f"/{name}", "must be a string"))
    return value


def list_field(body: dict[str, Any], name: str, errors: list[PayloadError]) -> list[str]:
    value = body.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.append(PayloadError(f"/{name}", "must be a list of strings"))
        return []
    return value


def payload_field(body: dict[str, Any], errors: list[PayloadError]) -> dict[str, Any]:
    value = body.get("payload")
    if not isinstance(value, dict):
        errors.append(PayloadError("/payload", "required: a JSON object"))
        return {}
    return value


@router.get("templates", auth=None, response={200: dict[str, Any]}, summary="Blank forms")
def templates(request: HttpRequest) -> dict[str, Any]:
    """Every shipped template with its stages' JSON Schemas, clocks and example payloads."""
    return export_data(shipped())


@router.post(
    "notifications",
    response={201: CreatedOut, **ERRORS},
    openapi_extra=NOTIFICATION_BODY,
    summary="Send a notification (its first stage)",
)
@mapped
def send(request: HttpRequest) -> JsonResponse:
    caller = caller_of(request)
    body = json_body(request)
    errors: list[PayloadError] = []
    template_id = text_field(body, "template", errors)
    area = text_field(body, "area", errors)
    tlp = text_field(body, "tlp", errors)
    audience = text_field(body, "audience", errors, "addressed")
    stage = text_field(body, "stage", errors, "")
    title = text_field(body, "title", errors, "")
    exercise = body.get("exercise")
    if exercise is not None and not isinstance(exercise, str):
        errors.append(PayloadError("/exercise", "must be a string (an exercise id) or null"))
    addressees = list_field(body, "addressees", errors)
    named = list_field(body, "named_recipients", errors)
    payload = payload_field(body, errors)
    exceptional_body = exceptional.parse_exceptional(body.get("exceptional"), errors)
    form = shipped().templates.get(template_id) if isinstance(template_id, str) else None
    if template_id is not None and form is None:
        errors.append(PayloadError("/template", f"unknown template {template_id!r}"))
    if errors or form is None:
        raise reads.PayloadInvalid(errors)
    stage = stage or form.opening_stage()
    # Never derived from the payload: a title below AMBER+STRICT is stored in clear.
    title = title.strip() or f"{form.title} ({stage})"
    if exceptional_body is not None:
        # An EU liaison manager's addressing above the cap (§6.5.1): `oip.exchange.exceptional`.
        notification = exceptional.send_exceptional(
            caller.user,
            justification=exceptional_body[0],
            expires_at=exceptional_body[1],
            template=form.id,
            area=area,
            tlp=tlp,
            audience=audience,
            addressees=addressees,
            stage=stage,
            payload=payload,
            title=title,
            named_recipients=named,
            org=caller.organisation,
        )
        return _json(201, {"id": str(notification.id)})
    notification = actions.send(
        caller.user,
        template=form.id,
        area=area,
        tlp=tlp,
        audience=audience,
        addressees=addressees,
        stage=stage,
        payload=payload,
        title=title,
        exercise=exercise,
        named_recipients=named,
        org=caller.organisation,
    )
    return _json(201, {"id": str(notification.id)})


@router.get(
    "notifications/{notification_id}",
    response={200: NotificationOut, **ERRORS},
    summary="Open a notification (content or metadata, as the access rule decides)",
)
@mapped
def open_notification(request: HttpRequest, notification_id: str) -> JsonResponse:
    caller = caller_of(request)
    opened = reads.open_item(caller.user, notification_id, org=caller.organisation)
    return _json(200, notification_out(opened))


@router.post(
    "notifications/{notification_id}/stages/{stage}",
    response={201: SubmittedOut, **ERRORS},
    openapi_extra=PAYLOAD_BODY,
    summary="Submit a further stage (or a new revision of one)",
)
@mapped
def submit_stage(request: HttpRequest, notification_id: str, stage: str) -> JsonResponse:
    caller = caller_of(request)
    errors: list[PayloadError] = []
    payload = payload_field(json_body(request), errors)
    if errors:
        raise reads.PayloadInvalid(errors)
    submission = actions.submit_stage(
        caller.user, notification_id, stage=stage, payload=payload, org=caller.organisation
    )
    return _json(201, created(submission))


@router.post(
    "notifications/{notification_id}/ack",
    response={200: AckOut, **ERRORS},
    summary="Acknowledge receipt (once per organisation; again is the same answer)",
)
@mapped
def acknowledge(request: HttpRequest, notification_id: str) -> JsonResponse:
    caller = caller_of(request)
    event = actions.acknowledge(caller.user, notification_id, org=caller.organisation)
    return _json(200, event_out(event))


@router.post(
    "notifications/{notification_id}/responses",
    response={201: SubmittedOut, **ERRORS},
    openapi_extra=RESPONSE_BODY,
    summary="Respond (a response stage of the template)",
)
@mapped
def respond(request: HttpRequest, notification_id: str) -> JsonResponse:
    caller = caller_of(request)
    body = json_body(request)
    errors: list[PayloadError] = []
    stage = text_field(body, "stage", errors)
    payload = payload_field(body, errors)
    if errors:
        raise reads.PayloadInvalid(errors)
    submission = actions.respond(
        caller.user, notification_id, stage=stage, payload=payload, org=caller.organisation
    )
    return _json(201, created(submission))


@router.post(
    "notifications/{notification_id}/requests",
    response={201: AckOut, **ERRORS},
    openapi_extra=REQUEST_BODY,
    summary="Request a stage from the sender within a time (starts its clock)",
)
@mapped
def request_info(request: HttpRequest, notification_id: str) -> JsonResponse:
    caller = caller_of(request)
    body = json_body(request)
    errors: list[PayloadError] = []
    stage = text_field(body, "stage", errors)
    within = text_field(body, "within", errors)
    if errors:
        raise reads.PayloadInvalid(errors)
    event = actions.request_info(
        caller.user, notification_id, stage=stage, within=within, org=caller.organisation
    )
    return _json(201, event_out(event))


@router.post(
    "notifications/{notification_id}/withdraw",
    response={200: AckOut, **ERRORS},
    summary="Withdraw one's own organisation's notification (again: the same answer)",
)
@mapped
def withdraw(request: HttpRequest, notification_id: str) -> JsonResponse:
    caller = caller_of(request)
    body = json_body(request)
    errors: list[PayloadError] = []
    reason = text_field(body, "reason", errors, "")
    if errors:
        raise reads.PayloadInvalid(errors)
    event = actions.withdraw(caller.user, notification_id, reason=reason, org=caller.organisation)
    return _json(200, event_out(event))


def event_out(event: Any) -> dict[str, Any]:
    return {"id": str(event.notification_id), "kind": event.kind, "at": event.at.isoformat()}


def created(submission: Any) -> dict[str, Any]:
    return {
        "id": str(submission.notification_id),
        "stage": submission.stage,
        "kind": submission.kind,
        "revision": submission.revision,
        "at": submission.submitted_at.isoformat(),
    }


@router.get(
    "inbox",
    response={200: list[InboxItemOut], **ERRORS},
    summary="The items the caller may see, most urgent first, with their clock states",
)
@mapped
def inbox(
    request: HttpRequest, area: str | None = None, state: str = "open", exercise: str = ""
) -> JsonResponse:
    """`exercise`: empty for every item, `none` for real items only, an exercise id for its
    items only (§6.14)."""
    caller = caller_of(request)
    errors: list[PayloadError] = []
    if area is not None and area not in {a.id for a in current_catalogue().areas}:
        errors.append(PayloadError("/area", f"unknown area {area!r}"))
    if state not in STATES:
        errors.append(PayloadError("/state", "one of open, all"))
    if errors:
        raise reads.PayloadInvalid(errors)
    rows = reads.inbox(caller.user, area=area, state=state, org=caller.organisation)
    drills = exercise_refs(row.id for row in rows)
    if exercise:
        rows = [r for r in rows if (drills[r.id]["id"] if r.id in drills else "none") == exercise]
    answer = _json(200, [inbox_item_out(row, drills.get(row.id)) for row in rows])
    # Clients poll the inbox: an unchanged one is answered 304 without a body (§6.14).
    tag = '"' + hashlib.sha256(answer.content).hexdigest()[:32] + '"'
    if tag in {t.strip() for t in request.headers.get("If-None-Match", "").split(",")}:
        answer = JsonResponse({}, status=304)
        answer.content = b""
    answer["ETag"] = tag
    patch_cache_control(answer, private=True, no_cache=True)
    return answer


@router.get(
    "access",
    response={200: AccessOut, **ERRORS},
    summary="What a country may send and receive in an area now (tier, status, caps)",
)
@mapped
def access(request: HttpRequest, country: str, area: str) -> JsonResponse:
    catalogue = current_catalogue()
    errors: list[PayloadError] = []
    code = country.upper()
    if code not in {c.code for c in catalogue.countries}:
        errors.append(PayloadError("/country", f"unknown country {country!r}"))
    if area not in {a.id for a in catalogue.areas}:
        errors.append(PayloadError("/area", f"unknown area {area!r}"))
    if errors:
        raise reads.PayloadInvalid(errors)
    today = clock.today()
    found = capabilities(code, area, reads.standing_for(code, area, today), reads.policy())
    return _json(200, access_out(found))
