"""Versioned holiday calendars and business-time arithmetic for the liaison clocks.

Pure: no Django. One YAML file per calendar in `oip/liaison/data/calendars/` (AL, BA, XK, ME,
MK, RS, `eu-institutions`), each `{id, version, title, timezone, workweek, business_hours,
source, holidays: [{date, name}]}`, plus two built-in calendars that need no file:

- `24x7`: every instant counts (business days are calendar days, business hours all hours);
- `calendar-days`: the same arithmetic, named for clocks the law counts in calendar days.

Both built-ins work in UTC. Business time is measured on the local wall clock of the calendar's
zone, so a business day is a whole local day whatever its length on a DST change, and
`add_business_days` keeps the local time of day.

`load_calendars()` returns `Calendars` or raises `CalendarError` listing every defect as
``file:line: field: message`` (e.g. ``xk.yaml:14: holidays[2].date: not a date (YYYY-MM-DD)``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from oip.liaison.problems import DataFileError, Problem

__all__ = [
    "BUILT_IN",
    "Calendar",
    "CalendarError",
    "Calendars",
    "Problem",
    "UnknownCalendar",
    "default_calendars",
    "load_calendars",
]

UTC = dt.UTC
DAY_SECONDS = 86_400
BUILT_IN = ("24x7", "calendar-days")
# Business-day counts are tabulated for these years (about 1 ms per calendar, once).
_TABLE_FIRST = dt.date(2020, 1, 1).toordinal()
_TABLE_END = dt.date(2041, 1, 1).toordinal()
_KEYS = ("id", "version", "title", "timezone", "workweek", "business_hours", "source", "holidays")


class CalendarError(DataFileError):
    """The calendar files are invalid; `problems` lists every defect found."""


class UnknownCalendar(KeyError):
    """A clock names a calendar id that no file defines."""


@dataclass(frozen=True, slots=True, eq=False)
class Calendar:
    """A working calendar: zone, working weekdays (ISO 1 = Monday), business hours (seconds
    after local midnight, end exclusive of the next day) and holidays.

    `continuous` calendars (`24x7`, `calendar-days`) count every instant, so their arithmetic
    is plain `timedelta` addition. Per-day results are cached on the instance.
    """

    id: str
    version: str
    title: str
    timezone: str
    workweek: frozenset[int]
    opens: int
    closes: int
    holidays: Mapping[dt.date, str]
    source: str
    content_hash: str
    continuous: bool = False
    zone: dt.tzinfo = field(default=UTC, repr=False)
    _nth_cache: dict[tuple[int, int], dt.date] = field(default_factory=dict, repr=False)
    _day_cache: dict[int, bool] = field(default_factory=dict, repr=False)
    _prefix: list[int] = field(default_factory=list, repr=False)
    # Due instants computed by `oip.liaison.clocks`, keyed by (start, within text).
    due_cache: dict[tuple[dt.datetime, str], tuple[dt.datetime, float]] = field(
        default_factory=dict, repr=False
    )

    def is_business_day(self, day: dt.date) -> bool:
        """True when `day` is a working weekday and not a holiday of this calendar."""
        ordinal = day.toordinal()
        known = self._day_cache.get(ordinal)
        if known is None:
            known = self.continuous or (
                day.isoweekday() in self.workweek and day not in self.holidays
            )
            self._day_cache[ordinal] = known
        return known

    def business_day_after(self, day: dt.date, n: int) -> dt.date:
        """The `n`-th business day after `day` (`day` itself never counts; n >= 1)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        key = (day.toordinal(), n)
        found = self._nth_cache.get(key)
        if found is None:
            found, left = day, n
            while left:
                found += dt.timedelta(days=1)
                if self.is_business_day(found):
                    left -= 1
            self._nth_cache[key] = found
        return found

    def _local(self, instant: dt.datetime) -> dt.datetime:
        return instant.astimezone(self.zone).replace(tzinfo=None)

    def _aware(self, wall: dt.datetime) -> dt.datetime:
        return wall.replace(tzinfo=self.zone).astimezone(UTC)

    def add_business_days(self, start: dt.datetime, n: int) -> dt.datetime:
        """The same local time of day on the `n`-th business day after `start`'s local date.

        A start on a weekend or holiday counts from the next business day (Saturday 10:00
        plus one business day is Monday 10:00). The result always falls on a business day.
        """
        if self.continuous:
            return start + dt.timedelta(days=n)
        wall = self._local(start)
        day = self.business_day_after(wall.date(), n)
        return self._aware(dt.datetime.combine(day, wall.time()))

    def add_business_hours(self, start: dt.datetime, hours: dt.timedelta) -> dt.datetime:
        """`start` plus `hours` counted only inside business hours of business days.

        A start outside business hours begins at the next opening; a result that uses a day's
        last second is that day's closing time, not the next opening.
        """
        if self.continuous:
            return start + hours
        wall = self._local(start)
        day = wall.date()
        at = wall.hour * 3600 + wall.minute * 60 + wall.second + wall.microsecond / 1e6
        left = hours.total_seconds()
        while True:
            if self.is_business_day(day) and at < self.closes:
                begin = max(at, self.opens)
                room = self.closes - begin
                if left <= room:
                    moment = dt.datetime.combine(day, dt.time()) + dt.timedelta(
                        seconds=begin + left
                    )
                    return self._aware(moment)
                left -= room
            day += dt.timedelta(days=1)
            at = 0.0

    def business_elapsed(
        self, start: dt.datetime, end: dt.datetime, *, hours: bool = False
    ) -> dt.timedelta:
        """Business time between two instants (zero if `end` <= `start`).

        With `hours=False`, the local wall-clock time that falls on business days (a whole
        business day counts 24 h); with `hours=True`, only the time inside business hours.
        """
        if end <= start:
            return dt.timedelta(0)
        if self.continuous:
            return end - start
        zone = self.zone
        a, b = start.astimezone(zone), end.astimezone(zone)
        lo, hi = (self.opens, self.closes) if hours else (0, DAY_SECONDS)
        a_day, b_day = a.date(), b.date()
        a_sec = a.hour * 3600 + a.minute * 60 + a.second + a.microsecond / 1e6
        b_sec = b.hour * 3600 + b.minute * 60 + b.second + b.microsecond / 1e6
        if a_day == b_day:
            if not self.is_business_day(a_day):
                return dt.timedelta(0)
            return dt.timedelta(seconds=max(0.0, min(b_sec, hi) - max(a_sec, lo)))
        total = 0.0
        if self.is_business_day(a_day):
            total += max(0.0, hi - max(a_sec, lo))
        if self.is_business_day(b_day):
            total += max(0.0, min(b_sec, hi) - lo)
        total += (hi - lo) * self._count(a_day.toordinal() + 1, b_day.toordinal())
        return dt.timedelta(seconds=total)

    def _count(self, first: int, end: int) -> int:
        """Business days with ordinals in [first, end), from a prefix table built once."""
        prefix = self._prefix
        if not prefix:
            running = 0
            prefix.append(0)
            for ordinal in range(_TABLE_FIRST, _TABLE_END):
                running += self.is_business_day(dt.date.fromordinal(ordinal))
                prefix.append(running)
        if first >= _TABLE_FIRST and end <= _TABLE_END:
            return prefix[end - _TABLE_FIRST] - prefix[first - _TABLE_FIRST]
        return sum(self.is_business_day(dt.date.fromordinal(o)) for o in range(first, end))


def _built_in(cid: str, title: str) -> Calendar:
    return Calendar(
        id=cid,
        version="builtin",
        title=title,
        timezone="UTC",
        workweek=frozenset(range(1, 8)),
        opens=0,
        closes=DAY_SECONDS,
        holidays={},
        source="built in",
        content_hash=hashlib.sha256(cid.encode()).hexdigest(),
        continuous=True,
    )


class Calendars(Mapping[str, Calendar]):
    """Every calendar by id (the files plus `24x7` and `calendar-days`); `version` lists each
    file's id@version, `content_hash` covers all of them."""

    def __init__(self, calendars: Mapping[str, Calendar]) -> None:
        self._by_id = dict(calendars)
        for cid, title in (("24x7", "Around the clock"), ("calendar-days", "Calendar days")):
            self._by_id.setdefault(cid, _built_in(cid, title))
        files = sorted((c for c in self._by_id.values() if not c.continuous), key=lambda c: c.id)
        self.version = ",".join(f"{c.id}@{c.version}" for c in files)
        joined = "".join(c.content_hash for c in files)
        self.content_hash = hashlib.sha256(joined.encode()).hexdigest()

    def __getitem__(self, cid: str) -> Calendar:
        found = self._by_id.get(cid)
        if found is not None:
            return found
        try:
            return self._by_id[cid.lower()]
        except KeyError:
            raise UnknownCalendar(cid) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)


def default_directory() -> Path:
    """The calendars shipped inside the package."""
    return Path(str(resources.files("oip.liaison") / "data" / "calendars"))


# -- YAML with line numbers -------------------------------------------------------------------


def _plain(node: yaml.Node, path: str, lines: dict[str, int]) -> Any:
    """The node as plain data (every scalar a string), recording each path's 1-based line."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key, value in node.value:
            name = str(key.value)
            out[name] = _plain(value, f"{path}.{name}" if path else name, lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v, f"{path}[{i}]", lines) for i, v in enumerate(node.value)]
    return str(node.value)


def _clock_seconds(text: Any) -> int | None:
    try:
        hour, minute = str(text).split(":")
        seconds = int(hour) * 3600 + int(minute) * 60
    except ValueError:
        return None
    return seconds if 0 <= seconds <= DAY_SECONDS and len(str(minute)) == 2 else None


def _read(path: Path) -> tuple[Calendar | None, list[Problem]]:
    name = path.name
    problems: list[Problem] = []
    lines: dict[str, int] = {}

    def problem(where: str, message: str) -> None:
        line = lines.get(where) or lines.get(where.split(".")[0].split("[")[0], 1)
        problems.append(Problem(name, line, where, message))

    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return None, [Problem(name, mark.line + 1 if mark else 1, "-", f"invalid YAML: {error}")]
    data = _plain(node, "", lines) if node is not None else None
    if not isinstance(data, dict):
        return None, [Problem(name, 1, "-", "must be a mapping")]
    for key in data:
        if key not in _KEYS:
            problem(key, "unknown field")
    for key in _KEYS:
        if key not in data:
            problems.append(Problem(name, 1, key, "required"))
        elif key not in ("workweek", "business_hours", "holidays") and not str(data[key]).strip():
            problem(key, "must not be empty")
    if problems:
        return None, problems
    if data["id"] != path.stem:
        problem("id", f"must be the file's name ({path.stem!r})")
    try:
        zone: dt.tzinfo = ZoneInfo(data["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        problem("timezone", f"unknown time zone {data['timezone']!r}")
        zone = UTC
    workweek = data["workweek"]
    days: set[int] = set()
    if not isinstance(workweek, list) or not workweek:
        problem("workweek", "must be a non-empty list of ISO weekdays 1-7")
    else:
        for i, value in enumerate(workweek):
            if not str(value).isdigit() or not 1 <= int(value) <= 7 or int(value) in days:
                problem(f"workweek[{i}]", "must be a distinct ISO weekday 1-7")
            else:
                days.add(int(value))
    hours = data["business_hours"]
    opens = closes = None
    if not isinstance(hours, dict) or set(hours) != {"start", "end"}:
        problem("business_hours", "must be {start, end}")
    else:
        opens, closes = _clock_seconds(hours["start"]), _clock_seconds(hours["end"])
        if opens is None:
            problem("business_hours.start", "not a time (HH:MM)")
        if closes is None:
            problem("business_hours.end", "not a time (HH:MM)")
        if opens is not None and closes is not None and opens >= closes:
            problem("business_hours.end", "must be after start")
    holidays: dict[dt.date, str] = {}
    if not isinstance(data["holidays"], list):
        problem("holidays", "must be a list of {date, name}")
    else:
        for i, entry in enumerate(data["holidays"]):
            at = f"holidays[{i}]"
            if not isinstance(entry, dict) or set(entry) != {"date", "name"}:
                problem(at, "must be {date, name}")
                continue
            try:
                day = dt.date.fromisoformat(entry["date"])
            except ValueError:
                problem(f"{at}.date", "not a date (YYYY-MM-DD)")
                continue
            if day in holidays:
                problem(f"{at}.date", f"{day} listed twice")
            if not entry["name"].strip():
                problem(f"{at}.name", "must not be empty")
            holidays[day] = entry["name"]
    if problems or opens is None or closes is None:
        return None, problems
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    calendar = Calendar(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        timezone=data["timezone"],
        workweek=frozenset(days),
        opens=opens,
        closes=closes,
        holidays=holidays,
        source=data["source"],
        content_hash=hashlib.sha256(canonical).hexdigest(),
        zone=zone,
    )
    return calendar, []


def load_calendars(directory: Path | str | None = None) -> Calendars:
    """Read every `*.yaml` calendar in `directory` (default: the shipped ones).

    Raises `CalendarError` with every defect of every file, or when a file claims a built-in id.
    """
    folder = Path(directory) if directory is not None else default_directory()
    found: dict[str, Calendar] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yaml")):
        calendar, defects = _read(path)
        problems.extend(defects)
        if calendar is not None:
            if calendar.id in BUILT_IN:
                problems.append(Problem(path.name, 1, "id", "is a built-in calendar"))
            found[calendar.id] = calendar
    if problems:
        raise CalendarError(problems)
    return Calendars(found)


_DEFAULT: list[Calendars] = []


def default_calendars() -> Calendars:
    """The shipped calendars, read once per process (the files never change at run time)."""
    if not _DEFAULT:
        _DEFAULT.append(load_calendars())
    return _DEFAULT[0]
