"""Recalls, attestations and designations in the API (EXCHANGE.md §6.9, §6.10.2, §6.14).

- `GET recalls` → the recalls addressed to the caller's organisation (a national one) or sent
  by it (an EU body): `[{"id", "organisation", "items", "attest_by", "sent_at", "clock",
  "attested_at"}]`, oldest first; ids and dates only, never content.
- `POST recalls/{id}/attestation` `{"deleted_by", "deleted_at", "copies_deleted"?, "note"?}` →
  201 `{"id", "stage", "kind", "revision", "at"}`: the attestation response, which stops the
  clock (`oip.exchange.recalls.attest`); 404 / 403 `{reason}` / 422 like any response.
- `GET designations` → the caller's confirm queue (a liaison manager of the named body).
- `POST designations/{contact_point}/confirm` `{"notified_on": "YYYY-MM-DD"}` → 200
  `{"created": 0|1}`; 403 `{reason}`, 404, 422 `{"detail": [{pointer, message}]}`.
Mounted by `oip.exchange.api` (`router.add_router`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import asdict
from functools import wraps
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema

from oip.exchange import reads
from oip.exchange.auth import TokenAuth, VerifiedSessionAuth
from oip.exchange.clocking import item_clocks
from oip.exchange.designations import confirm_designation, designation_queue
from oip.exchange.models import ExchangeEvent, Notification
from oip.exchange.recalls import TEMPLATE, attest
from oip.liaison.templates import PayloadError
from oip.site import clock

router = Router(tags=["exchange"], auth=[TokenAuth(), VerifiedSessionAuth()])


class ReasonOut(Schema):
    reason: str


class DetailOut(Schema):
    detail: Any


ERRORS: dict[int, Any] = {403: ReasonOut, 404: DetailOut, 422: DetailOut}


def _mapped(handler: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
    @wraps(handler)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        try:
            return handler(request, *args, **kwargs)
        except reads.PayloadInvalid as invalid:
            detail = [{"pointer": e.pointer, "message": e.message} for e in invalid.errors]
            return JsonResponse({"detail": detail}, status=422)
        except reads.Refused as refused:
            return JsonResponse({"reason": refused.reason}, status=403)
        except reads.NotFound:
            return JsonResponse({"detail": "Not Found"}, status=404)

    return answer


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise reads.PayloadInvalid([PayloadError("", "the body must be a JSON object")])
    return data


def _instant(value: Any, pointer: str, errors: list[PayloadError]) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        errors.append(PayloadError(pointer, "an ISO 8601 date-time"))
        return clock.now()
    if moment.tzinfo is None:
        errors.append(PayloadError(pointer, "with a time zone"))
        return clock.now()
    return moment


@router.get("recalls", response={200: list[dict[str, Any]], **ERRORS}, summary="Recalls")
@_mapped
def recalls(request: HttpRequest) -> JsonResponse:
    caller = request.auth  # type: ignore[attr-defined]
    now = clock.now()
    actor = reads.actor_for(caller.user, now, caller.organisation)
    if not actor.membership_valid or not actor.org:
        return JsonResponse([], status=200, safe=False)
    found = []
    events = ExchangeEvent.objects.filter(
        kind="recalled", notification__template=TEMPLATE
    ).order_by("seq")
    for event in events.select_related("notification", "notification__originator_org"):
        data = event.data if isinstance(event.data, dict) else {}
        recipient = str(data.get("organisation", ""))
        if actor.org not in (recipient, str(event.actor_org_id)):
            continue
        notification: Notification = event.notification
        rows = list(notification.events.order_by("seq"))
        state = next(
            (
                c
                for c in item_clocks(notification, rows, recipient, now)
                if c.clock == "attestation"
            ),
            None,
        )
        attested = next((e.at for e in rows if e.kind == "attested"), None)
        found.append(
            {
                "id": str(notification.id),
                "organisation": recipient,
                "items": list(data.get("items", [])),
                "attest_by": data.get("attest_by"),
                "sent_at": event.at.isoformat(),
                "clock": state.status if state is not None else None,
                "attested_at": attested.isoformat() if attested is not None else None,
            }
        )
    return JsonResponse(found, status=200, safe=False)


@router.post(
    "recalls/{recall_id}/attestation",
    response={201: dict[str, Any], **ERRORS},
    summary="Attest that copies outside the platform were deleted (stops the recall's clock)",
)
@_mapped
def attestation(request: HttpRequest, recall_id: str) -> JsonResponse:
    caller = request.auth  # type: ignore[attr-defined]
    body = _body(request)
    errors: list[PayloadError] = []
    deleted_by = body.get("deleted_by")
    if not isinstance(deleted_by, str) or not deleted_by.strip():
        errors.append(PayloadError("/deleted_by", "required"))
    deleted_at = _instant(body.get("deleted_at"), "/deleted_at", errors)
    copies = body.get("copies_deleted", True)
    if not isinstance(copies, bool):
        errors.append(PayloadError("/copies_deleted", "true or false"))
    note = body.get("note", "")
    if not isinstance(note, str):
        errors.append(PayloadError("/note", "must be a string"))
    if errors:
        raise reads.PayloadInvalid(errors)
    if reads.notification_or_404(recall_id).template != TEMPLATE:
        raise reads.NotFound(recall_id)
    submission = attest(
        caller.user,
        recall_id,
        deleted_by=str(deleted_by),
        deleted_at=deleted_at,
        copies_deleted=bool(copies),
        note=str(note),
        org=caller.organisation,
    )
    return JsonResponse(
        {
            "id": str(submission.notification_id),
            "stage": submission.stage,
            "kind": submission.kind,
            "revision": submission.revision,
            "at": submission.submitted_at.isoformat(),
        },
        status=201,
    )


@router.get("designations", response={200: list[dict[str, Any]], **ERRORS}, summary="Queue")
@_mapped
def designations(request: HttpRequest) -> JsonResponse:
    caller = request.auth  # type: ignore[attr-defined]
    rows = [
        asdict(p) | {"designated_on": p.designated_on.isoformat()}
        for p in designation_queue(caller.user, org=caller.organisation)
    ]
    return JsonResponse(rows, status=200, safe=False)


@router.post(
    "designations/{contact_point}/confirm",
    response={200: dict[str, Any], **ERRORS},
    summary="Confirm a contact point's designation was notified on a date (records met)",
)
@_mapped
def confirm(request: HttpRequest, contact_point: str) -> JsonResponse:
    caller = request.auth  # type: ignore[attr-defined]
    body = _body(request)
    try:
        day = dt.date.fromisoformat(str(body.get("notified_on")))
    except ValueError:
        raise reads.PayloadInvalid([PayloadError("/notified_on", "a date YYYY-MM-DD")]) from None
    report = confirm_designation(caller.user, contact_point, day, org=caller.organisation)
    return JsonResponse({"created": report.created}, status=200)
