"""The summary page's content, from hand-made report rows: exact words and counts."""

from __future__ import annotations

from typing import Any

from oip.reports.summary import InPlace, ToAct, country_summary, region_summary, standing_words
from oip.reports.values import AreaStanding, ChangeRow, Evidence


def ev(benchmark: str, target: str, status: str, who: str = "country") -> Evidence:
    return Evidence(
        benchmark=benchmark,
        statement=f"{benchmark} holds",
        target=target,
        target_title=f"Target {target}",
        tier=1,
        status=status,
        status_label=status,
        status_mark="",
        who=who,
        who_label=who,
        observed_on="2026-01-01",
        reference=1,
    )


def area(area: str, assessed: bool = True, **fields: Any) -> AreaStanding:
    base: dict[str, Any] = {
        "area": area,
        "area_title": area.title(),
        "area_short": area,
        "assessed": assessed,
        "mark": "0" if assessed else "?",
        "words": "no tier yet" if assessed else "not assessed",
        "css": "tier-0",
        "tier": 0,
        "tier_name": "no tier yet",
        "raw_tier": 0,
        "status": "stable",
        "status_label": "stable",
        "status_mark": "",
        "since": None,
        "notice_until": None,
        "next_tier": 1,
        "next_tier_name": "incremental",
        "holding": (),
        "missing": (),
        "missing_words": "3 benchmarks: 1 for X, 2 for the EU",
        "suspended_by": (),
    }
    return AreaStanding(**{**base, **fields})


def change(on: str, name: str = "X") -> ChangeRow:
    return ChangeRow(
        on, "X", name, "eppo", "Eppo", "advanced", "advanced", 0, 1, "no tier yet", "tier 1", ()
    )


WA = ev("wa.signed", "wa", "met")
CP = ev("cp.designated", "cp", "met")
GAP = ev("cp.reachable", "cp", "not_met", who="eu")

EPPO = area(
    "eppo",
    in_place=(WA, CP),
    achieved=("wa",),
    missing_assessed=(GAP,),
    not_assessed=(("Target lo", 2),),
    not_assessed_count=2,
)
FIMI = area("fimi", assessed=False)


def test_country_summary_in_place_missing_changed() -> None:
    changes = [change(f"2026-0{m}-01") for m in range(1, 8)]
    s = country_summary([EPPO, FIMI], changes)
    assert s.in_place == (InPlace("Eppo", "wa", "Target wa", 1, (), (WA,)),)
    assert s.met_elsewhere == 1  # cp.designated, in a target not achieved
    assert s.to_act == (
        ToAct(
            "Eppo",
            "for tier 1 (incremental): 3 benchmarks: 1 for X, 2 for the EU; 2 of them not assessed",
            1,
            2,
            "no tier yet",  # no score: none is made up
        ),
    )
    assert s.not_assessed_areas == ("Fimi",)
    assert s.changes == 7
    assert [c.on for c in s.latest_changes] == [f"2026-0{m}-01" for m in (7, 6, 5, 4, 3)]


def test_region_summary_sums_over_the_six_and_names_who_has_what() -> None:
    plain = area("eppo", missing_assessed=(ev("cp.reachable", "cp", "not_met", "joint"),))
    grid = [
        ("AL", "Albania", (EPPO, FIMI)),
        ("BA", "Bosnia", (plain, FIMI)),
        ("XK", "Kosovo", (area("eppo", assessed=False), FIMI)),
    ]
    s = region_summary(grid, [])
    assert s.in_place == (InPlace("Eppo", "wa", "Target wa", 1, ("Albania",), (WA,)),)
    assert s.met_elsewhere == 1
    assert s.to_act == (
        ToAct(
            "Eppo",
            "— 2 benchmarks with evidence not satisfied across the six: 1 for the EU, "
            "1 for the EU and the countries together; 2 more not assessed",
            2,
            2,
        ),
    )
    assert s.not_assessed_areas == ("Eppo (Kosovo)", "Fimi (all six)")
    assert (s.changes, s.latest_changes) == (0, ())


def test_country_summary_puts_the_score_beside_the_tier() -> None:
    scored = area(
        "eppo",
        tier=2,
        score=50.0,
        change_12m=-2.5,
        benchmarks=13,
        with_evidence=6,
        score_words="50 of 100 · 6 of 13 assessed",
        change_words="\u2212" + "2.5 in 12 months",
    )
    [to_act] = country_summary([scored, FIMI], []).to_act
    assert to_act.standing == "tier 2 · score 50 · 6/13 assessed"
    assert standing_words(FIMI) == "not assessed"
    assert (
        standing_words(
            area(
                "cyber",
                score=4.7,
                benchmarks=36,
                with_evidence=2,
                score_words="4.7 of 100 · 2 of 36 assessed",
            )
        )
        == "no tier yet · score 4.7 · 2/36 assessed"
    )
    # assessed without a score (every benchmark presumed or not applicable): no number
    assert standing_words(area("ra", score=None)) == "no tier yet"
