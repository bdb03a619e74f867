"""What the exchange's pages share: TLP wording, organisation names, the error page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oip.accounts.models import Organisation

#: TLP 2.0's own short definitions (FIRST), shown in the banners above and below content.
TLP_MEANING = {
    "clear": "Disclosure is not limited.",
    "green": "Limited disclosure, restricted to the community.",
    "amber": "Limited disclosure, restricted to participants' organisations and their clients "
    "on a need-to-know basis.",
    "amber+strict": "Limited disclosure, restricted to participants' organisations only.",
    "red": "For the eyes and ears of individual recipients only, no further disclosure.",
}


def tlp_banner(tlp: str) -> dict[str, str]:
    """The banner's context: the label as TLP 2.0 writes it, its CSS class and its meaning."""
    return {
        "label": f"TLP:{tlp.upper()}",
        "css": "tlp-" + tlp.replace("+", "-"),
        "meaning": TLP_MEANING.get(tlp, ""),
    }


def organisation_names(ids: Iterable[str]) -> dict[str, str]:
    """Short names of the organisations whose ids (UUID text) are given, in one query."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = Organisation.objects.filter(pk__in=wanted).values_list("pk", "short_name")
    return {str(pk): name for pk, name in rows}


ERROR_TITLES = {
    403: "You may not see this",
    404: "Not found",
    500: "This item cannot be shown",
}


def error_page(request: HttpRequest, status: int, message: str, **extra: Any) -> HttpResponse:
    """The exchange's error page (never a traceback), with `status`."""
    context = {"title": ERROR_TITLES.get(status, "Error"), "message": message, **extra}
    return render(request, "exchange/error.html", context, status=status)


CLOCK_WORDS = {
    "not_started": "not started",
    "running": "running",
    "paused": "paused",
    "met": "met",
    "late": "late",
    "overdue": "overdue",
}


def clock_badges(states: Iterable[Any]) -> list[dict[str, Any]]:
    """Clock states as the badges show them: name, status word, due and stop instants."""
    return [
        {
            "clock": s.clock.replace("_", " "),
            "status": s.status,
            "word": CLOCK_WORDS.get(s.status, s.status),
            "due_at": s.due_at if s.status in {"running", "paused", "overdue"} else None,
            "stopped_at": s.stopped_at,
        }
        for s in states
    ]
