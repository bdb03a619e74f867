"""Write the liaison exchange's holiday calendars (2026-2028) as YAML. Dev-only.

Uses the `holidays` library (dev dependency; never imported by the product) for the six
countries, checks Kosovo's list against the holidays the law names (the library's `XK` has been
incomplete in the past), and writes the European Commission's staff holidays (Brussels) from
Easter dates. Run from the repository root:

    .venv/bin/python tools/seed_calendars.py

The product reads only the written files (`src/oip/liaison/data/calendars/*.yaml`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import holidays
import yaml
from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter

YEARS = (2026, 2027, 2028)
VERSION = "2026.1"
OUT = Path(__file__).resolve().parent.parent / "src" / "oip" / "liaison" / "data" / "calendars"

COUNTRIES = {
    "al": ("AL", "Albania", "Europe/Tirane"),
    "ba": ("BA", "Bosnia and Herzegovina (state level)", "Europe/Sarajevo"),
    "xk": ("XK", "Kosovo", "Europe/Belgrade"),
    "me": ("ME", "Montenegro", "Europe/Podgorica"),
    "mk": ("MK", "North Macedonia", "Europe/Skopje"),
    "rs": ("RS", "Serbia", "Europe/Belgrade"),
}

KOSOVO_CHECK = (
    "Checked by hand for 2026-2028 against Kosovo's Law No. 03/L-064 on Official Holidays "
    "(as amended): 1-2 January, 7 January (Orthodox Christmas), 17 February (Independence "
    "Day), 9 April (Constitution Day), Catholic Easter (Sunday, observed Monday), Orthodox "
    "Easter (Sunday, observed Monday), 1 May, 9 May (Europe Day), Eid al-Fitr, Eid al-Adha, "
    "25 December; a holiday on a Sunday (or Saturday) moves to the next working day. The "
    "Eid dates are the library's astronomical estimates and must be confirmed by the "
    "government's annual decision."
)


def _kosovo_required(year: int) -> dict[dt.date, str]:
    """The Kosovo holidays the brief names, computed independently of the library."""
    return {
        dt.date(year, 1, 1): "New Year's Day",
        dt.date(year, 1, 2): "New Year's Day",
        dt.date(year, 1, 7): "Orthodox Christmas Day",
        dt.date(year, 2, 17): "Independence Day",
        dt.date(year, 4, 9): "Constitution Day",
        dt.date(year, 5, 1): "International Labour Day",
        dt.date(year, 5, 9): "Europe Day",
        dt.date(year, 12, 25): "Catholic Christmas Day",
        easter(year, EASTER_WESTERN) + dt.timedelta(days=1): "Catholic Easter Monday",
        easter(year, EASTER_ORTHODOX) + dt.timedelta(days=1): "Orthodox Easter Monday",
    }


def country_days(code: str) -> dict[dt.date, str]:
    days: dict[dt.date, str] = {}
    for year in YEARS:
        for day, name in holidays.country_holidays(code, years=year).items():
            days[day] = str(name)
        if code == "XK":
            for day, name in _kosovo_required(year).items():
                days.setdefault(day, name)
            names = " ".join(n for d, n in days.items() if d.year == year)
            if "Eid al-Fitr" not in names or "Eid al-Adha" not in names:
                raise SystemExit(f"XK {year}: an Eid is missing")
    return days


def eu_institutions_days() -> dict[dt.date, str]:
    """The European Commission's public holidays for staff in Brussels."""
    days: dict[dt.date, str] = {}
    for year in YEARS:
        sunday = easter(year, EASTER_WESTERN)
        ascension = sunday + dt.timedelta(days=39)
        fixed = {
            dt.date(year, 1, 1): "New Year's Day",
            dt.date(year, 1, 2): "Day after New Year's Day",
            sunday - dt.timedelta(days=3): "Maundy Thursday",
            sunday - dt.timedelta(days=2): "Good Friday",
            sunday + dt.timedelta(days=1): "Easter Monday",
            dt.date(year, 5, 1): "Labour Day",
            dt.date(year, 5, 9): "Anniversary of the Schuman Declaration (Europe Day)",
            ascension: "Ascension Day",
            ascension + dt.timedelta(days=1): "Friday after Ascension Day",
            sunday + dt.timedelta(days=50): "Whit Monday",
            dt.date(year, 7, 21): "Belgian National Day",
            dt.date(year, 8, 15): "Assumption",
            dt.date(year, 11, 1): "All Saints' Day",
            dt.date(year, 11, 2): "All Souls' Day",
        }
        for day in range(24, 32):
            fixed[dt.date(year, 12, day)] = "End-of-year closure (24-31 December)"
        days.update(fixed)
    return days


def document(
    cid: str, title: str, timezone: str, source: str, days: dict[dt.date, str]
) -> dict[str, object]:
    return {
        "id": cid,
        "version": VERSION,
        "title": title,
        "timezone": timezone,
        "workweek": [1, 2, 3, 4, 5],
        "business_hours": {"start": "09:00", "end": "17:00"},
        "source": source,
        "holidays": [{"date": d.isoformat(), "name": days[d]} for d in sorted(days)],
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    docs: list[dict[str, object]] = []
    for cid, (code, name, tz) in COUNTRIES.items():
        source = (
            f"python-holidays {holidays.__version__}, country {code}, years 2026-2028 "
            "(public holidays; observed days included)."
        )
        if code == "XK":
            source += " " + KOSOVO_CHECK
        docs.append(document(cid, f"{name}: public holidays", tz, source, country_days(code)))
    docs.append(
        document(
            "eu-institutions",
            "EU institutions (European Commission staff, Brussels): public holidays",
            "Europe/Brussels",
            "European Commission, public holidays for staff in Brussels (Staff Regulations "
            "Art. 61; the Commission's annual list): New Year 1-2 Jan, Maundy Thursday, Good "
            "Friday, Easter Monday, 1 May, 9 May, Ascension and the Friday after, Whit Monday, "
            "21 July, 15 August, 1 and 2 November, 24-31 December. Dates computed from "
            "Western Easter for 2026-2028.",
            eu_institutions_days(),
        )
    )
    for doc in docs:
        path = OUT / f"{doc['id']}.yaml"
        text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
        path.write_text("# Written by tools/seed_calendars.py; edit there, not here.\n" + text)
        print(path)


if __name__ == "__main__":
    main()
