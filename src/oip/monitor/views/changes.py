"""The change feed: as a page (filterable by country, area and start date) and as Atom."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from oip.catalogue.fetch import current_catalogue
from oip.monitor import reads
from oip.monitor.pages.values import ChangeRow
from oip.monitor.views.common import BadDate, error_page, frame, monitor_page, parse_as_of
from oip.site import dates

FEED_ITEMS = 50


@monitor_page
def changes(request: HttpRequest, as_of: dt.date) -> HttpResponse:
    """Every change of standing up to `as_of`, newest first; `?country=`, `?area=`, `?since=`
    narrow it (an unknown one is a 400 with the reason)."""
    catalogue = current_catalogue()
    country = request.GET.get("country") or None
    area = request.GET.get("area") or None
    since_raw = request.GET.get("since") or None
    if country is not None and country not in catalogue.country_codes():
        return error_page(request, 400, "Unknown country", f"There is no country “{country}”.")
    if area is not None and area not in {a.id for a in catalogue.areas}:
        return error_page(request, 400, "Unknown area", f"There is no area “{area}”.")
    try:
        since = dates.parse_date(since_raw, name="since") if since_raw else None
    except dates.DateRefused as refused:
        return error_page(request, 400, "That date cannot be used", str(refused))
    page = reads.changes(as_of, since=since, country=country, area=area)
    return render(request, "monitor/changes.html", frame(request, as_of, nav="changes", data=page))


class ChangesFeed(Feed):  # type: ignore[type-arg]
    """The changes of standing as Atom, newest first (the FEED_ITEMS latest up to `as_of`)."""

    feed_type = Atom1Feed
    title = "OIP: changes of standing"
    subtitle = (
        "Each Western Balkan country's tier per policy area: advances, notices, falls, "
        "suspensions and restorations, from dated and sourced evidence."
    )
    author_name = "Operational Integration Platform"

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dt.date:
        return parse_as_of(request)

    def link(self, as_of: dt.date) -> str:
        return reverse("monitor:changes")

    def items(self, as_of: dt.date) -> tuple[ChangeRow, ...]:
        return reads.changes(as_of, limit=FEED_ITEMS).changes

    def item_title(self, item: ChangeRow) -> str:
        return (
            f"{item.country_name}, {item.area_short}: {item.kind_words} "
            f"({item.tier_before_words} → {item.tier_after_words})"
        )

    def item_description(self, item: ChangeRow) -> str:
        causes = "; ".join(c.statement for c in item.cause) or "no benchmark named"
        return (
            f"On {item.on.isoformat()}, {item.country_name}'s standing in "
            f"{item.area_title} {item.kind_words}: {item.tier_before_words} → "
            f"{item.tier_after_words}. Because of: {causes}."
        )

    def item_link(self, item: ChangeRow) -> str:
        url = reverse("monitor:country", args=[item.country])
        return f"{url}?as_of={item.on.isoformat()}#area-{item.area}"

    def item_guid(self, item: ChangeRow) -> str:
        return (
            f"tag:oip,{item.on.isoformat()}:{item.country}/{item.area}/"
            f"{item.kind}/{item.tier_before}-{item.tier_after}"
        )

    item_guid_is_permalink = False

    def item_pubdate(self, item: ChangeRow) -> dt.datetime:
        return dt.datetime.combine(item.on, dt.time.min, tzinfo=dt.UTC)

    def item_updateddate(self, item: ChangeRow) -> dt.datetime:
        return self.item_pubdate(item)


_feed = ChangesFeed()


def changes_feed(request: HttpRequest) -> HttpResponse:
    """The Atom feed; a bad `as_of` is a plain-text 400 (feed readers show the text)."""
    try:
        parse_as_of(request)
    except BadDate as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    return _feed(request)
