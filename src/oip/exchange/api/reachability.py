"""`POST /api/v1/exchange/reachability-tests/{id}/answer` `{"code": "..."}` (EXCHANGE.md §10).

The contact point echoes the challenge code: 200 `{"result": "met"|"not_met", "answered_at"}`;
404 when there is no such test, its challenge has not gone out, or the caller is no member of
the tested organisation; 422 `{"detail": "wrong_code"}` when the code differs (nothing
recorded); 403 `{"reason": ...}` when the access rule refuses the echo. Helper E's exchange
router mounts this one (`router.add_router("", reachability.router)`).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from oip.exchange.auth import TokenAuth, VerifiedSessionAuth
from oip.exchange.reachability import WrongCode, answer
from oip.exchange.reads import NotFound, Refused

router = Router(tags=["exchange"], auth=[TokenAuth(), VerifiedSessionAuth()])


class AnswerIn(Schema):
    code: str


class AnswerOut(Schema):
    result: str
    answered_at: dt.datetime | None


class RefusedOut(Schema):
    reason: str


class DetailOut(Schema):
    detail: str


@router.post(
    "reachability-tests/{test_id}/answer",
    response={200: AnswerOut, 403: RefusedOut, 404: DetailOut, 422: DetailOut},
)
def answer_test(request: HttpRequest, test_id: str, body: AnswerIn) -> Status[dict[str, object]]:
    caller = request.auth  # type: ignore[attr-defined]
    try:
        test = answer(caller.user, test_id, body.code, org=caller.organisation)
    except NotFound:
        return Status(404, {"detail": "not_found"})
    except WrongCode:
        return Status(422, {"detail": "wrong_code"})
    except Refused as refused:
        return Status(403, {"reason": refused.reason})
    if test.answered_at is None:  # pragma: no cover - answer() always records or raises
        raise HttpError(500, "answer not recorded")
    return Status(200, {"result": test.result, "answered_at": test.answered_at})
