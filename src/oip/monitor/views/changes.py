"""The change list — changes of standing and evidence events — as a page and as Atom, both
narrowed by `?kind=standing|evidence`, `?country=`, `?area=` and `?since=`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from oip.catalogue.fetch import current_catalogue
from oip.monitor import events
from oip.monitor.pages.changes import EVENT_CATEGORIES, Event, EventCategory, EvidenceEvent
from oip.monitor.views.common import BadDate, error_page, frame, monitor_page, parse_as_of
from oip.site import dates

FEED_ITEMS = 50


class BadFilter(ValueError):
    """A filter of the change list names nothing; `title` and the message say why."""

    def __init__(self, title: str, message: str) -> None:
        super().__init__(message)
        self.title = title


@dataclass(frozen=True)
class Filters:
    """The change list's filters (None: not narrowed)."""

    category: EventCategory | None
    country: str | None
    area: str | None
    since: dt.date | None


def filters(request: HttpRequest) -> Filters:
    """Return the filters of `request`; BadFilter for an unknown kind, country or area or a
    malformed `since`."""
    catalogue = current_catalogue()
    kind = request.GET.get("kind") or None
    country = request.GET.get("country") or None
    area = request.GET.get("area") or None
    since_raw = request.GET.get("since") or None
    if kind is not None and kind not in EVENT_CATEGORIES:
        allowed = ", ".join(EVENT_CATEGORIES)
        raise BadFilter("Unknown kind", f"There is no kind “{kind}”: use one of {allowed}.")
    if country is not None and country not in catalogue.country_codes():
        raise BadFilter("Unknown country", f"There is no country “{country}”.")
    if area is not None and area not in {a.id for a in catalogue.areas}:
        raise BadFilter("Unknown area", f"There is no area “{area}”.")
    try:
        since = dates.parse_date(since_raw, name="since") if since_raw else None
    except dates.DateRefused as refused:
        raise BadFilter("That date cannot be used", str(refused)) from None
    return Filters(kind, country, area, since)


@monitor_page
def changes(request: HttpRequest, as_of: dt.date) -> HttpResponse:
    """Every change of standing and the latest evidence events up to `as_of`, newest first;
    the filters narrow them (an unknown one is a 400 with the reason)."""
    try:
        chosen = filters(request)
    except BadFilter as bad:
        return error_page(request, 400, bad.title, str(bad))
    page = events.changes(
        as_of,
        category=chosen.category,
        since=chosen.since,
        country=chosen.country,
        area=chosen.area,
    )
    return render(request, "monitor/changes.html", frame(request, as_of, nav="changes", data=page))


class ChangesAtom(Atom1Feed):
    """Atom whose `updated` is the newest entry's date, or the earliest date OIP shows when
    there is no entry — never the time of the request (a feed reader would see news daily)."""

    def latest_post_date(self) -> dt.datetime:
        if self.items:
            return super().latest_post_date()
        return dt.datetime.combine(dates.EARLIEST, dt.time.min, tzinfo=dt.UTC)


class ChangesFeed(Feed):  # type: ignore[type-arg]
    """The change list as Atom, newest first (the FEED_ITEMS latest up to `as_of`)."""

    feed_type = ChangesAtom
    title = "OIP: changes of standing and new evidence"
    subtitle = (
        "Each Western Balkan country's tier per policy area: advances, notices, falls, "
        "suspensions and restorations, and the dated, sourced evidence they come from."
    )
    author_name = "Operational Integration Platform"

    def __init__(self, as_of: dt.date, chosen: Filters) -> None:
        # One feed object per request: the date and filters are checked before it is made.
        super().__init__()
        self.chosen = (as_of, chosen)

    def get_object(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> tuple[dt.date, Filters]:
        return self.chosen

    def link(self, obj: tuple[dt.date, Filters]) -> str:
        return reverse("monitor:changes")

    def items(self, obj: tuple[dt.date, Filters]) -> tuple[Event, ...]:
        as_of, chosen = obj
        return events.changes(
            as_of,
            category=chosen.category,
            since=chosen.since,
            country=chosen.country,
            area=chosen.area,
            limit=FEED_ITEMS,
        ).events

    def item_title(self, item: Event) -> str:
        if item.standing is not None:
            c = item.standing
            return (
                f"{c.country_name}, {c.area_short}: {c.kind_words} "
                f"({c.tier_before_words} → {c.tier_after_words})"
            )
        e = _evidence(item)
        return f"{e.country_name}, {e.area_short}: {e.kind_words} ({e.status_words})"

    def item_description(self, item: Event) -> str:
        if item.standing is not None:
            c = item.standing
            causes = "; ".join(b.statement for b in c.cause) or "no benchmark named"
            return (
                f"On {c.on.isoformat()}, {c.country_name}'s standing in "
                f"{c.area_title} {c.kind_words}: {c.tier_before_words} → "
                f"{c.tier_after_words}. Because of: {causes}."
            )
        e = _evidence(item)
        correction = (
            f" This corrects the observation of {e.supersedes_observed_on.isoformat()}, which"
            " no longer counts from now on (a reading with an earlier knowledge time keeps it)."
            if e.supersedes_observed_on is not None
            else ""
        )
        return (
            f"On {e.on.isoformat()}, OIP recorded that in {e.country_name} “{e.statement}” "
            f"({e.benchmark}) was {e.status_words} as observed on {e.observed_on.isoformat()}."
            + correction
        )

    def item_link(self, item: Event) -> str:
        if item.standing is not None:
            c = item.standing
            url = reverse("monitor:country", args=[c.country])
            return f"{url}?as_of={c.on.isoformat()}#area-{c.area}"
        e = _evidence(item)
        return f"{reverse('monitor:target', args=[e.target])}?as_of={e.observed_on.isoformat()}"

    def item_guid(self, item: Event) -> str:
        if item.standing is not None:
            c = item.standing
            return (
                f"tag:oip,{c.on.isoformat()}:{c.country}/{c.area}/"
                f"{c.kind}/{c.tier_before}-{c.tier_after}"
            )
        e = _evidence(item)
        return f"tag:oip,{e.on.isoformat()}:evidence/{e.kind}/{e.observation}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Event) -> dt.datetime:
        if item.evidence is not None:
            return item.evidence.at
        return dt.datetime.combine(item.on, dt.time.min, tzinfo=dt.UTC)

    def item_updateddate(self, item: Event) -> dt.datetime:
        return self.item_pubdate(item)


def _evidence(item: Event) -> EvidenceEvent:
    assert item.evidence is not None  # an event is a change of standing or an evidence event
    return item.evidence


def changes_feed(request: HttpRequest) -> HttpResponse:
    """The Atom feed; a bad `as_of` or filter is a plain-text 400 (feed readers show it)."""
    try:
        as_of = parse_as_of(request)
        chosen = filters(request)
    except (BadDate, BadFilter) as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    return ChangesFeed(as_of, chosen)(request)
