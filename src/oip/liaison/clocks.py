"""Response-time clocks: where each deadline of a notification stands at a given moment.

Pure: no Django. The rules of time (EXCHANGE.md §6.6.1), written once:

- every instant is UTC; hours- and minutes-based durations (`PT24H`, `PT30M`) are absolute, so a
  DST change does not move "24 hours";
- day, week, month and year durations (`P35D`, `P2W`, `P1M`) are nominal: the same local time in
  the calendar's zone that many days or months later, months clamped to the month's last day
  (31 January + P1M = 28 or 29 February);
- business durations (`B10D`, `B4H`) use the calendar's working days and hours
  (`oip.liaison.calendars`).

`clock_state` reads only immutable events and `now`; with `known_at` it ignores every event
recorded after that moment, so "was AL late on 3 May, on what we knew then?" has one answer.
Pause is not implemented: no status is ever `paused`.
"""

from __future__ import annotations

import calendar as _gregorian
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

from oip.liaison.calendars import Calendar, Calendars
from oip.liaison.types import ClockDef, ClockState, Event, Party

__all__ = ["ClockError", "Within", "clock_state", "due_at", "parse_within", "resolve_calendar"]

WithinKind = Literal["duration", "business_days", "business_hours"]

_ISO = re.compile(
    r"P(?:(?P<Y>\d+)Y)?(?:(?P<M>\d+)M)?(?:(?P<W>\d+)W)?(?:(?P<D>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?"
)
_BUSINESS = re.compile(r"B(?P<n>\d+)(?P<unit>[DH])")
_SUBMITTED = frozenset({"submitted", "responded"})
_NO_COUNTRIES: Mapping[Party, str] = MappingProxyType({})


class ClockError(ValueError):
    """A clock definition the function cannot evaluate: a malformed `within`, an unknown
    reference, or a name (`contact_point.ack_within`) the caller did not resolve."""


@dataclass(frozen=True, slots=True)
class Within:
    """A parsed allowed time: nominal `months` and `days`, an absolute `exact` part, or a
    number of business days / a business-hours duration."""

    text: str
    kind: WithinKind
    months: int = 0
    days: int = 0
    exact: dt.timedelta = dt.timedelta(0)
    business_days: int = 0
    business_hours: dt.timedelta = dt.timedelta(0)
    nominal: dt.timedelta = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # The allowed time as a length (a month counts 30 days; business days 24 h each), for
        # comparisons such as "clocks of at most 24 h"; computed once per parsed text.
        if self.kind == "business_days":
            length = dt.timedelta(days=self.business_days)
        elif self.kind == "business_hours":
            length = self.business_hours
        else:
            length = dt.timedelta(days=self.months * 30 + self.days) + self.exact
        object.__setattr__(self, "nominal", length)


@lru_cache(maxsize=1024)
def parse_within(text: str) -> Within:
    """Parse `PTnH`, `PTnM`, `PnD`, `PnW`, `PnM`, `PnY` (and their ISO 8601 combinations),
    `BnD` (business days) or `BnH` (business hours). Zero durations are rejected."""
    business = _BUSINESS.fullmatch(text)
    if business:
        n = int(business["n"])
        if n == 0:
            raise ClockError(f"within {text!r}: must be longer than zero")
        if business["unit"] == "D":
            return Within(text, "business_days", business_days=n)
        return Within(text, "business_hours", business_hours=dt.timedelta(hours=n))
    iso = _ISO.fullmatch(text)
    if not iso or text in ("P", "PT") or text.endswith("T"):
        raise ClockError(f"within {text!r}: not an ISO 8601 duration nor BnD/BnH")
    part = {k: int(v) if v else 0 for k, v in iso.groupdict().items()}
    within = Within(
        text,
        "duration",
        months=part["Y"] * 12 + part["M"],
        days=part["W"] * 7 + part["D"],
        exact=dt.timedelta(hours=part["h"], minutes=part["m"], seconds=part["s"]),
    )
    if within.nominal <= dt.timedelta(0):
        raise ClockError(f"within {text!r}: must be longer than zero")
    return within


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _gregorian.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def due_at(start: dt.datetime, within: Within, calendar: Calendar) -> dt.datetime:
    """The due instant of a clock started at `start` (aware) with `within` on `calendar`."""
    if within.kind == "business_days":
        return calendar.add_business_days(start, within.business_days)
    if within.kind == "business_hours":
        return calendar.add_business_hours(start, within.business_hours)
    if within.months or within.days:
        wall = start.astimezone(calendar.zone).replace(tzinfo=None)
        day = _add_months(wall.date(), within.months) + dt.timedelta(days=within.days)
        moment = dt.datetime.combine(day, wall.time(), tzinfo=calendar.zone)
        start = moment.astimezone(dt.UTC)
    return start + within.exact


def _elapsed(calendar: Calendar, within: Within, start: dt.datetime, end: dt.datetime) -> float:
    """Business seconds for business clocks, plain seconds otherwise."""
    if within.kind == "duration" or calendar.continuous:
        return (end - start).total_seconds()
    hours = within.kind == "business_hours"
    return calendar.business_elapsed(start, end, hours=hours).total_seconds()


def resolve_calendar(
    name: str, calendars: Calendars, countries: Mapping[Party, str] = _NO_COUNTRIES
) -> Calendar:
    """The calendar a clock's `calendar` names: a built-in, a calendar id or country code, or
    `sender` / `recipient`, looked up in `countries`."""
    if name == "sender" or name == "recipient":
        party: Party = "sender" if name == "sender" else "recipient"
        cid = countries.get(party)
        if cid is None:
            raise ClockError(f"calendar {name!r}: the caller gave no calendar for the {name}")
        return calendars[cid]
    return calendars[name]


_Reference = tuple[str | None, frozenset[str], str | None]


@lru_cache(maxsize=4096)
def _reference(ref: str) -> _Reference:
    """`ref` compiled once: (declared field name, event kinds, stage)."""
    head, _, rest = ref.partition(".")
    if head == "field" and rest:
        return rest, frozenset(), None
    if head == "event" and rest:
        return None, frozenset({rest}), None
    if head == "stage" and "." in rest:
        stage, _, suffix = rest.rpartition(".")
        return None, _SUBMITTED if suffix == "submitted" else frozenset({suffix}), stage
    if head == "response" and rest:
        return None, _SUBMITTED, rest
    raise ClockError(f"reference {ref!r}: not field.*, event.*, stage.*.* or response.*")


def _occurrence(
    ref: str, events: Sequence[Event], not_before: dt.datetime | None
) -> tuple[dt.datetime, Event] | None:
    """The earliest instant `ref` names among `events` (at or after `not_before`)."""
    name, kinds, stage = _reference(ref)
    best: tuple[dt.datetime, Event] | None = None
    if name is not None:
        for event in events:
            for declared, instant in event.declared:
                if declared == name and (best is None or instant < best[0]):
                    best = (instant, event)
        if best is not None and not_before is not None and best[0] < not_before:
            return None
        return best
    for event in events:
        if event.kind in kinds and (stage is None or event.stage == stage):
            if not_before is not None and event.at < not_before:
                continue
            if best is None or event.at < best[0]:
                best = (event.at, event)
    return best


_DUE_CACHE_SIZE = 200_000


def _timing(calendar: Calendar, start: dt.datetime, within: Within) -> tuple[dt.datetime, float]:
    """The due instant and the allowed time in (business) seconds, cached per calendar: an
    item's due never changes between reads, only `now` does."""
    cache = calendar.due_cache
    key = (start, within.text)
    found = cache.get(key)
    if found is None:
        due = due_at(start, within, calendar)
        found = (due, _elapsed(calendar, within, start, due))
        if len(cache) >= _DUE_CACHE_SIZE:
            cache.clear()
        cache[key] = found
    return found


def _within_for(text: str, start_event: Event, events: Sequence[Event]) -> Within:
    if text[:1] in ("P", "B"):
        return parse_within(text)
    if text == "request.within":
        if start_event.within is not None:
            return parse_within(start_event.within)
        for event in events:
            if event.kind == "requested" and event.within is not None:
                return parse_within(event.within)
        raise ClockError("within 'request.within': no requested event carries a within")
    raise ClockError(f"within {text!r}: a per-item name the caller must resolve (within=...)")


def clock_state(
    defn: ClockDef,
    events: Sequence[Event],
    now: dt.datetime,
    calendars: Calendars,
    known_at: dt.datetime | None = None,
    *,
    countries: Mapping[Party, str] = _NO_COUNTRIES,
    within: str | None = None,
) -> ClockState:
    """Where `defn` stands at `now`, from the events of one notification for one organisation.

    Events recorded after `known_at` and events (or declared instants) after `now` are
    ignored. The clock starts at the earliest `start` reference; it stops at the first `stop`
    reference at or after its start. A `restart` reference after the start and before the
    stop starts it again from there with `restart_within` (FDI: 35 days, then 20 after the
    additional information). Statuses: `not_started`, `running` (up to and including the due
    instant), `met` (stopped at or before due), `late` (stopped after due), `overdue` (running
    past due). `fraction` is elapsed / allowed time at `now` or at the stop, business time
    for business clocks. `within` overrides the definition's (the shell resolves names such
    as `contact_point.ack_within`); `countries` maps `sender` / `recipient` to calendar ids.
    """
    if known_at is None:
        seen = [e for e in events if e.at <= now]
    else:
        seen = [e for e in events if e.at <= now and e.recorded_at <= known_at]
    started = _occurrence(defn.start, seen, None)
    if started is None or started[0] > now:
        return ClockState(defn.id, defn.party, "not_started", None, None, None, 0.0, None)
    start, start_event = started
    allowed = _within_for(within if within is not None else defn.within, start_event, seen)
    stopped = _occurrence(defn.stop, seen, start)
    stop = stopped[0] if stopped is not None and stopped[0] <= now else None
    if defn.restart is not None:
        again = _occurrence(defn.restart, seen, start)
        if again is not None and again[0] <= now and (stop is None or again[0] < stop):
            start = again[0]
            allowed = _within_for(defn.restart_within or defn.within, again[1], seen)
    calendar = resolve_calendar(defn.calendar, calendars, countries)
    due, total = _timing(calendar, start, allowed)
    end = stop if stop is not None else now
    if total <= 0:
        fraction = 1.0
    elif calendar.continuous or allowed.kind == "duration":
        fraction = (end - start).total_seconds() / total
    else:
        fraction = _elapsed(calendar, allowed, start, end) / total
    if stop is not None:
        status: Literal["met", "late", "running", "overdue"] = "met" if stop <= due else "late"
        overdue_by = stop - due if stop > due else None
    elif now > due:
        status, overdue_by = "overdue", now - due
    else:
        status, overdue_by = "running", None
    return ClockState(
        defn.id, defn.party, status, start, due, stop, fraction, overdue_by, allowed.nominal
    )
