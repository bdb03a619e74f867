"""Measured performance of the liaison exchange as observations to record (EXCHANGE.md §6.10).

Pure: no Django. The shell reads facts from the exchange's tables (reachability results, uses
of templates, clock outcomes, breach decisions), calls `observations(...)` and writes each
`ObservationToRecord` with `oip.evidence.actions.record_observation`. The output depends only
on the facts, the evidence map, the catalogue's validity periods and `now`, and is sorted, so a
rerun yields the same observations (which the store then skips by fingerprint).

Faithfulness to the benchmarks' wording ("... in the last 12 months"):
- reachability: a pass records `met` on its day; a failed test records `not_met` only when no
  `met` of the benchmark is in force (observed within its `validity_days`); a failure while a
  pass is in force records nothing (the validity period does the erasing).
- usage of sensitive templates (coarsened): `met` observed on the last day of the quarter of
  use, recorded from `lag_days` (90) after it. No use records nothing: the exchange cannot see
  uses of other channels, so absence is not evidence of `not_met`; the validity lapses instead.
- response times (C2): on each complete day, the country's response clocks resolved in the
  last `window_days`: at least `min_clocks` and a share met of at least `min_rate` is true,
  at least `min_clocks` below it false, fewer unknown. `met` is recorded on the day it becomes
  true (and renewed after `window_days` while it stays true); `not_met` on the day it is false
  with no `met` in force, once until the next `met`.
- breaches: a confirmed breach records `not_met` on the benchmarks the policy selected, a
  remedy `met`, a dismissal nothing.
- exercises (rules of kind `exercise` naming `templates` and `functions`): `met` on the day a
  country's organisation of one of `functions` first handled an item of each exercise on one
  of `templates` (a stage or response submitted, or acknowledged within its clock). Nothing
  otherwise: not playing is no evidence of `not_met`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Literal, TypeVar

from oip.liaison.evidence_map import EvidenceMap, Rule
from oip.liaison.measured import (
    BreachDecision,
    ClockOutcome,
    ExceptionalDelivery,
    Facts,
    InjectHandled,
    ObservationToRecord,
    Origin,
    ReachabilityResult,
    Source,
    TemplateUse,
    quarter_end,
    quarter_label,
    quarter_start,
)
from oip.liaison.performance import quarter_metrics

__all__ = [
    "BreachDecision",
    "ClockOutcome",
    "ExceptionalDelivery",
    "Facts",
    "InjectHandled",
    "ObservationToRecord",
    "ReachabilityResult",
    "Source",
    "TemplateUse",
    "observations",
    "quarter_end",
    "quarter_label",
    "quarter_metrics",
    "quarter_start",
]


# --- the rules -------------------------------------------------------------------------------


class _Writer:
    """Builds observations with the map's publisher and the public page's URL."""

    def __init__(self, evidence_map: EvidenceMap, public_url: str) -> None:
        self.map = evidence_map
        self.base = public_url.rstrip("/")

    def url(self, country: str, area: str, day: dt.date) -> str:
        path = f"exchange/performance/{country}/{area}/{quarter_label(day)}"
        return f"{self.base}/{path}" if self.base.startswith("http") else f"oip:{path}"

    def make(
        self,
        rule: Rule,
        country: str,
        status: Literal["met", "not_met"],
        observed_on: dt.date,
        recorded_from: dt.date,
        origin: Origin,
        origin_id: str,
        title: str,
        excerpt: str,
    ) -> ObservationToRecord:
        publisher = self.map.publisher
        if rule.mode == "confirm":
            publisher += f", confirmed by {rule.body_name}"
        source = Source(
            self.url(country, rule.area, observed_on), title, publisher, recorded_from, excerpt
        )
        return ObservationToRecord(
            observed_on,
            country,
            rule.benchmark,
            status,
            recorded_from,
            rule.id,
            origin,
            origin_id,
            source,
        )


def _in_force(last_met: dt.date | None, day: dt.date, validity: int | None) -> bool:
    """Whether a `met` observed on `last_met` still holds on `day` (the engine's rule)."""
    if last_met is None:
        return False
    return validity is None or day < last_met + dt.timedelta(days=validity)


def _minutes(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 120 else f"{minutes} min"


def _reachability(
    rule: Rule, results: Iterable[ReachabilityResult], validity: int | None, w: _Writer
) -> Iterator[ObservationToRecord]:
    by_country: dict[str, list[ReachabilityResult]] = defaultdict(list)
    for result in results:
        if result.area == rule.area and result.body in rule.bodies:
            by_country[result.country].append(result)
    window = dt.timedelta(days=rule.window_days)
    for country, items in by_country.items():
        # Total order: facts that tie on time and id (never in the store, but the rule must not
        # depend on arrival order even then) are ordered by their whole value.
        items.sort(key=lambda r: (r.decided_at, r.id, repr(r)))
        last_met: dt.date | None = None
        passed: dict[str, dt.datetime] = {}  # function -> its latest pass
        for r in items:
            day = r.decided_at.date()
            if r.origin == "test":
                title = f"Reachability test of the {country} {rule.area} liaison point ({rule.body_name})"
            else:
                title = f"Request of {rule.body_name} acknowledged by the {country} {rule.area} liaison point"
            limit = f"agreed limit {_minutes(r.limit)}"
            if r.result == "met" and r.answered_at is not None:
                passed[r.function] = r.decided_at
                needed = rule.functions or (r.function,)
                if all(f in passed and r.decided_at - passed[f] < window for f in needed):
                    verb = "Answered" if r.origin == "test" else "Acknowledged"
                    excerpt = f"{verb} in {_minutes(r.answered_at - r.sent_at)}; {limit}."
                    if rule.functions:
                        excerpt += (
                            f" Every liaison point ({', '.join(needed)}) passed within 12 months."
                        )
                    yield w.make(rule, country, "met", day, day, "test", r.id, title, excerpt)
                    last_met = day
            elif not _in_force(last_met, day, validity):
                answered = (
                    f"Answered after {_minutes(r.answered_at - r.sent_at)}"
                    if r.answered_at is not None
                    else "Not answered"
                )
                excerpt = f"{answered}; {limit}."
                yield w.make(rule, country, "not_met", day, day, "test", r.id, title, excerpt)


def _used(rule: Rule, use: TemplateUse) -> bool:
    return (
        use.area == rule.area
        and use.template in rule.templates
        and (not rule.stages or use.stage in rule.stages)
    )


def _usage(
    rule: Rule, uses: Iterable[TemplateUse], recognised: frozenset[tuple[str, str]], w: _Writer
) -> Iterator[ObservationToRecord]:
    """Coarsened: one `met` per quarter with a use (every strand within 12 months), observed on
    the quarter's last day, recorded `lag_days` after it."""
    quarters: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
    for use in uses:
        if _used(rule, use) and (not rule.requires or (use.country, rule.requires) in recognised):
            quarters[(use.country, quarter_end(use.at.date()))].add(use.strand or "")
    lag = dt.timedelta(days=w.map.lag_days if rule.coarsened else 0)
    templates = " or ".join(rule.templates)
    for (country, end), _strands in sorted(quarters.items()):
        label = quarter_label(end)
        excerpt = f"At least one {templates} exchange through the liaison exchange in {label}."
        if rule.strands:
            window_start = end - dt.timedelta(days=rule.window_days)
            seen = {
                strand
                for (other, other_end), strands in quarters.items()
                if other == country and window_start < other_end <= end
                for strand in strands
            }
            if not set(rule.strands) <= seen:
                continue
            excerpt = (
                f"Exchanges through the liaison exchange in every strand "
                f"({', '.join(rule.strands)}) in the 12 months to the end of {label}."
            )
        title = f"Use of the liaison exchange by {country} in {rule.area} ({label})"
        origin_id = f"{country}/{rule.area}/{label}"
        yield w.make(rule, country, "met", end, end + lag, "usage", origin_id, title, excerpt)


def _quarterly(
    rule: Rule, uses: Iterable[TemplateUse], recognised: frozenset[tuple[str, str]], w: _Writer
) -> Iterator[ObservationToRecord]:
    """`met` on the last day of each quarter that completes `quarters` quarters of use in a row."""
    used: dict[str, set[dt.date]] = defaultdict(set)
    for use in uses:
        if _used(rule, use) and (not rule.requires or (use.country, rule.requires) in recognised):
            used[use.country].add(quarter_start(use.at.date()))
    for country, starts in used.items():
        for start in sorted(starts):
            run, day = 1, start
            while run < rule.quarters:
                day = quarter_start(day - dt.timedelta(days=1))
                if day not in starts:
                    break
                run += 1
            if run < rule.quarters:
                continue
            end = quarter_end(start)
            label = quarter_label(end)
            excerpt = f"Used in each of the {rule.quarters} quarters up to {label}."
            title = f"Regular use of the liaison exchange by {country} in {rule.area} ({label})"
            yield w.make(
                rule, country, "met", end, end, "usage", f"{country}/{label}", title, excerpt
            )


def _response_times(
    rule: Rule,
    clocks: Iterable[ClockOutcome],
    validity: int | None,
    last_day: dt.date,
    w: _Writer,
) -> Iterator[ObservationToRecord]:
    """C2, swept over complete days with a sliding 12-month window (only the days on which
    something can change are visited)."""
    per_day: dict[str, dict[dt.date, list[int]]] = defaultdict(dict)
    for clock in clocks:
        at = clock.resolved_at
        if clock.party_side == "country" and at is not None:
            tally = per_day[clock.country].setdefault(at.date(), [0, 0])
            tally[0] += 1
            tally[1] += clock.status == "met"
    window = dt.timedelta(days=rule.window_days)
    one_day = dt.timedelta(days=1)
    permille = round(rule.min_rate * 1000)
    for country, tallies in per_day.items():
        outcomes = sorted((day, total, met) for day, (total, met) in tallies.items())
        day = outcomes[0][0]
        head = tail = total = met = 0  # outcomes[tail:head]: the window ending on `day`
        last_met: dt.date | None = None
        state: bool | None = None
        said_not_met = False
        while day <= last_day:
            while head < len(outcomes) and outcomes[head][0] <= day:
                total += outcomes[head][1]
                met += outcomes[head][2]
                head += 1
            while tail < head and outcomes[tail][0] <= day - window:
                total -= outcomes[tail][1]
                met -= outcomes[tail][2]
                tail += 1
            previous = state
            # In thousandths, so that 9 of 10 is exactly 90 % (no float rounding at the edge).
            state = None if total < rule.min_clocks else met * 1000 >= permille * total
            if state is True and (
                previous is not True or last_met is None or day >= last_met + window
            ):
                yield _c2(rule, w, country, day, met, total, True)
                last_met, said_not_met = day, False
            elif state is False and not said_not_met and not _in_force(last_met, day, validity):
                yield _c2(rule, w, country, day, met, total, False)
                said_not_met = True
            # The next day on which the window or the `met` in force can change.
            following = day + one_day
            if head < len(outcomes) and outcomes[head][0] == following:
                day = following
                continue
            candidates = [last_day + one_day]
            if head < len(outcomes):
                candidates.append(outcomes[head][0])
            if tail < head:
                candidates.append(outcomes[tail][0] + window)
            if last_met is not None:
                candidates.append(last_met + window)
                if validity is not None:
                    candidates.append(last_met + dt.timedelta(days=validity))
            day = max(following, min(candidates))


def _c2(
    rule: Rule, w: _Writer, country: str, day: dt.date, met: int, total: int, true: bool
) -> ObservationToRecord:
    share = f"{met} of {total} response clocks met in the 12 months to {day.isoformat()}"
    title = f"Response times of {country} in the liaison exchange ({rule.area})"
    origin_id = f"{country}/{rule.area}/{day.isoformat()}"
    if true:
        excerpt = f"{share} (at least {rule.min_rate:.0%} of at least {rule.min_clocks})."
        return w.make(rule, country, "met", day, day, "metric", origin_id, title, excerpt)
    excerpt = f"{share} (fewer than {rule.min_rate:.0%})."
    return w.make(rule, country, "not_met", day, day, "metric", origin_id, title, excerpt)


def _breaches(
    rule: Rule, breaches: Iterable[BreachDecision], w: _Writer
) -> Iterator[ObservationToRecord]:
    for breach in breaches:
        if rule.benchmark not in breach.benchmarks or breach.state == "dismissed":
            continue
        day = breach.at.date()
        label = breach.tlp_mishandled.upper()
        if breach.state == "confirmed":
            status: Literal["met", "not_met"] = "not_met"
            excerpt = f"Handling breach (TLP:{label} mishandled) confirmed on {day.isoformat()}."
        else:
            status = "met"
            excerpt = f"Handling breach (TLP:{label}) remedied, confirmed on {day.isoformat()}."
        title = f"Information handling by {breach.country} in {rule.area} ({rule.body_name})"
        yield w.make(rule, breach.country, status, day, day, "breach", breach.id, title, excerpt)


_ACTS = {
    "stage": "An inject stage submitted",
    "response": "A response sent",
    "acknowledgement": "An inject acknowledged within its clock",
}


def _exercise_handled(
    rule: Rule, handled: Iterable[InjectHandled], w: _Writer
) -> Iterator[ObservationToRecord]:
    """`met` on the day of each country's first handling of an item of each exercise."""
    first: dict[tuple[str, str], InjectHandled] = {}
    for act in sorted(handled, key=lambda h: (h.at, h.id, repr(h))):
        if (
            act.area == rule.area
            and act.template in rule.templates
            and set(act.functions) & set(rule.functions)
        ):
            first.setdefault((act.country, act.exercise), act)
    for (country, _exercise), act in first.items():
        day = act.at.date()
        title = f"Exercise of {rule.body_name} played by the {country} {rule.area} contact point"
        excerpt = f"{_ACTS[act.act]} on an exercise item ({act.template}) on {day.isoformat()}."
        yield w.make(rule, country, "met", day, day, "exercise", act.id, title, excerpt)


def observations(
    facts: Facts,
    evidence_map: EvidenceMap,
    validity: Mapping[str, int | None],
    now: dt.datetime,
    *,
    public_url: str = "",
) -> list[ObservationToRecord]:
    """The observations the exchange's facts support, that may be recorded at `now`.

    `validity` maps each benchmark of the catalogue in force to its `validity_days`; a rule
    whose benchmark is not in it (an older catalogue) is skipped. Facts after `now` are
    ignored; an observation is returned only once `recorded_from` has come (coarsened usage:
    90 days after its quarter). Response times are judged on complete days (up to yesterday),
    so a rerun later the same day cannot change what a day's clocks said. `public_url` is the
    site's address for the sources' links (`oip:` links without one). Sorted.
    """
    w = _Writer(evidence_map, public_url)
    today = now.date()
    # Each rule reads one area: grouping once spares every rule a pass over every fact.
    reach = _by_area(r for r in facts.reachability if r.decided_at <= now)
    uses = _by_area(u for u in facts.uses if u.at <= now)
    clocks = _by_area(c for c in facts.clocks if (c.resolved_at or now) < now)
    breaches = [b for b in facts.breaches if b.at <= now]
    handled = [h for h in facts.handled if h.at <= now]
    out: list[ObservationToRecord] = []
    for rule in evidence_map.rules:
        if rule.benchmark not in validity:
            continue
        days = validity[rule.benchmark]
        area = rule.area
        if rule.kind == "reachability":
            out.extend(_reachability(rule, reach.get(area, ()), days, w))
        elif rule.kind == "usage":
            out.extend(_usage(rule, uses.get(area, ()), facts.recognised, w))
        elif rule.kind == "quarterly_usage":
            out.extend(_quarterly(rule, uses.get(area, ()), facts.recognised, w))
        elif rule.kind == "response_times":
            yesterday = today - dt.timedelta(days=1)
            out.extend(_response_times(rule, clocks.get(area, ()), days, yesterday, w))
        elif rule.kind == "breach":
            out.extend(_breaches(rule, breaches, w))
        elif rule.kind == "exercise" and rule.templates and rule.functions:
            out.extend(_exercise_handled(rule, handled, w))
    due = [o for o in out if o.recorded_from <= today and o.observed_on <= today]
    return sorted(due, key=_order)


def _order(o: ObservationToRecord) -> tuple[dt.date, str, str, str, str, str]:
    return (o.observed_on, o.country, o.benchmark, o.status, o.rule_id, o.origin_id)


_Fact = TypeVar("_Fact", ReachabilityResult, TemplateUse, ClockOutcome)


def _by_area(facts: Iterable[_Fact]) -> dict[str, list[_Fact]]:
    groups: dict[str, list[_Fact]] = defaultdict(list)
    for fact in facts:
        groups[fact.area].append(fact)
    return groups
