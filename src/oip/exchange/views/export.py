"""The export button's target: `GET /exchange/n/<id>/export/?purpose=...&onward=...` (§6.12).

Downloads the JSON export of `oip.exchange.exports.export_item` (an attachment, never cached)
and so writes its egress record; the same refusals as the notification page (404, 403 with the
rule's reason), and 422 on the error page when a purpose is missing from AMBER up.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from oip.exchange import reads
from oip.exchange.auth import exchange_login_required
from oip.exchange.exports import export_item
from oip.exchange.views.common import error_page
from oip.exchange.views.notification import refusal_page


@require_GET
@exchange_login_required
def export(request: HttpRequest, notification_id: str) -> HttpResponse:
    """Export the notification for the signed-in person (JSON download)."""
    try:
        exported = export_item(
            request.user,
            notification_id,
            purpose=request.GET.get("purpose", ""),
            onward=[o for o in request.GET.get("onward", "").split(",") if o.strip()],
        )
    except reads.PayloadInvalid as invalid:
        return error_page(
            request, 422, "; ".join(e.message for e in invalid.errors) or "Not exported."
        )
    except (reads.NotFound, reads.Refused, reads.IntegrityFailure) as error:
        return refusal_page(request, error)
    answer = HttpResponse(
        json.dumps(exported.document, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    answer["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    answer["Cache-Control"] = "private, no-store"
    answer["X-Content-Type-Options"] = "nosniff"
    return answer
