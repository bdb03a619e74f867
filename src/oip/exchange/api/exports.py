"""`GET /api/v1/exchange/notifications/{id}/export?format=json&purpose=...&onward=...` (§6.14).

200: the export document (`oip.exchange.exports`), as an attachment, `Cache-Control: no-store`;
every answer writes an `EgressRecord`. 404 `{"detail": "Not Found"}` when the caller may not
know the item; 403 `{"reason": "export_forbidden" | "role" | "withdrawn_suspension" | ...}`;
422 `{"detail": [{"pointer": "/purpose", "message": ...}]}` (a purpose is required from AMBER
up; `format` is `json` only here). Mounted by `oip.exchange.api` (`router.add_router`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.cache import patch_cache_control
from ninja import Query, Router, Schema

from oip.exchange import reads
from oip.exchange.auth import TokenAuth, VerifiedSessionAuth
from oip.exchange.exports import export_item

router = Router(tags=["exchange"], auth=[TokenAuth(), VerifiedSessionAuth()])


class ExportQuery(Schema):
    format: str = "json"
    purpose: str = ""
    onward: list[str] = []


class ReasonOut(Schema):
    reason: str


class DetailOut(Schema):
    detail: Any


@router.get(
    "notifications/{notification_id}/export",
    response={200: dict[str, Any], 403: ReasonOut, 404: DetailOut, 422: DetailOut},
    summary="Export a notification (JSON; watermarked, recorded in the egress ledger)",
)
def export(request: HttpRequest, notification_id: str, query: Query[ExportQuery]) -> JsonResponse:
    caller = request.auth  # type: ignore[attr-defined]
    try:
        exported = export_item(
            caller.user,
            notification_id,
            format=query.format,
            purpose=query.purpose,
            onward=query.onward,
            org=caller.organisation,
        )
    except reads.PayloadInvalid as invalid:
        detail = [{"pointer": e.pointer, "message": e.message} for e in invalid.errors]
        return JsonResponse({"detail": detail}, status=422)
    except reads.Refused as refused:
        return JsonResponse({"reason": refused.reason}, status=403)
    except reads.NotFound:
        return JsonResponse({"detail": "Not Found"}, status=404)
    except reads.IntegrityFailure:
        return JsonResponse({"detail": "integrity_error"}, status=500)
    answer = JsonResponse(exported.document, status=200)
    answer["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    patch_cache_control(answer, private=True, no_store=True)
    return answer
