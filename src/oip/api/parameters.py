"""Query parameters of the API: their types, the one date rule, and the refusal of the unknown.

Dates follow `oip.site.dates`, as on the pages and in the CLI: `as_of`, `since` and `until`
are YYYY-MM-DD from 2000-01-01 to today; `known_at` is an ISO date and time, or a date alone
meaning the end of that day (UTC). Any other value is a 422 whose message is the rule's own
explanation. Identifiers carry the catalogue's patterns, so a malformed one is a 422 and an
unknown well-formed one a 404 (see `check_selection`).

`refuse_unknown_parameters` is applied to every operation of the API: a query parameter the
operation does not declare, or a declared one given twice, is refused with a 422 in the shape
of the API's other validation errors, instead of being silently ignored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import BeforeValidator, ValidationInfo
from pydantic_core import PydanticCustomError

from oip.catalogue.fetch import current_catalogue
from oip.catalogue.schema import CountryCode, Identifier
from oip.site import dates

MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000


def _read_day(value: Any, info: ValidationInfo) -> dt.date:
    name = info.field_name or "date"
    try:
        day = value if isinstance(value, dt.date) else dates.parse_date(str(value), name=name)
        return dates.check_as_of(day, name=name)
    except dates.DateRefused as refused:
        raise PydanticCustomError("date_refused", str(refused)) from None


def _read_moment(value: Any, info: ValidationInfo) -> dt.datetime:
    name = info.field_name or "known_at"
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    try:
        moment = dates.parse_known_at(text, name=name)
        # The store compares instants in UTC; a moment that has none is not a real instant.
        return moment.astimezone(dt.UTC)
    except dates.DateRefused as refused:
        raise PydanticCustomError("date_refused", str(refused)) from None
    except OverflowError:
        raise PydanticCustomError(
            "date_refused", f"{name} {text[:40]} is too late to be an instant in UTC."
        ) from None


Day = Annotated[
    dt.date,
    BeforeValidator(_read_day),
    Field(description=f"{dates.RULE}; other dates are refused (422)."),
]
Moment = Annotated[
    dt.datetime,
    BeforeValidator(_read_moment),
    Field(
        description="count only what was recorded by this instant (ISO 8601; naive means UTC; "
        "a date alone means the end of that day, UTC)."
    ),
]


class AsOf(Schema):
    as_of: Day | None = None
    known_at: Moment | None = None


class Selection(AsOf):
    country: CountryCode | None = None
    area: Identifier | None = None


class Page(Schema):
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"rows per page, 1..{MAX_LIMIT}")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"rows to skip, 0..{MAX_OFFSET}")


def check_selection(country: str | None, area: str | None) -> None:
    """Raise a 404 naming a country or an area the loaded catalogue does not know."""
    catalogue = current_catalogue()
    if country is not None and country not in catalogue.country_codes():
        raise HttpError(404, f"unknown country {country!r}")
    if area is not None and area not in {a.id for a in catalogue.areas}:
        raise HttpError(404, f"unknown area {area!r}")


def refuse_unknown_parameters(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap an operation's handler so undeclared or repeated query parameters are a 422.

    Applied with ninja's `mode="operation"` (around the handler, after the declared parameters
    were validated): it receives them by name, as plain values or as a `Schema` of several.
    """

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **values: Any) -> Any:
        declared: set[str] = set()
        lists: set[str] = set()
        for name, value in values.items():
            if isinstance(value, Schema):
                fields = type(value).model_fields
                declared.update(fields)
                lists.update(f for f in fields if isinstance(getattr(value, f), list | tuple))
            else:
                declared.add(name)
        problems = []
        for name in request.GET:
            if name not in declared:
                accepted = ", ".join(sorted(declared)) or "none"
                message = f"unknown query parameter; this endpoint accepts: {accepted}"
            elif name not in lists and len(request.GET.getlist(name)) > 1:
                message = "given more than once; give it once"
            else:
                continue
            problems.append({"type": "parameter_refused", "loc": ["query", name], "msg": message})
        if problems:
            raise ValidationError(problems)
        return view(request, *args, **values)

    return checked
