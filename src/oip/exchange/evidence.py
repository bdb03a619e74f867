"""The evidence bridge: the exchange's measured facts into the monitor's observations (§6.10).

Convert at the boundary: rows of the exchange (reachability tests, submissions, clock states
computed from the event journal, four-eyes breach decisions) become the pure core's facts
(`oip.liaison.measured`); the core's rules (`oip.liaison.metrics.observations`) say what may be
recorded at `now`; each is written with the evidence store's own action,
`oip.evidence.actions.record_observation` (source kind `measured`, publisher "OIP liaison
exchange"), and linked to its origin by an `EvidenceLink`. Identical observations are skipped by
fingerprint, so a rerun writes nothing new. Exercises never count in usage or clocks; their
inject handling feeds only the exercise rule (and the exercises played, the public figures).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from django.conf import settings
from django.db import transaction

from oip.accounts.models import Organisation
from oip.catalogue.fetch import current_catalogue
from oip.evidence.actions import ImportFailed, record_observation
from oip.evidence.models import Observation
from oip.evidence.records import SourceRecord
from oip.exchange.clocking import DEFAULT_WITHIN, EU_CALENDAR, contact_terms, org_events
from oip.exchange.exceptional import exceptional_deliveries
from oip.exchange.exercise_reads import inject_handling
from oip.exchange.fetch import policy
from oip.exchange.models import (
    BreachSignature,
    Delivery,
    EvidenceLink,
    ExchangeEvent,
    ExerciseParticipant,
    HandlingBreach,
    Notification,
    ReachabilityTest,
    Submission,
)
from oip.liaison.calendars import default_calendars
from oip.liaison.clocks import ClockError, clock_state
from oip.liaison.evidence_map import EvidenceMap, shipped_evidence_map
from oip.liaison.measured import (
    BreachDecision,
    ClockOutcome,
    ExercisePlayed,
    Facts,
    ObservationToRecord,
    ReachabilityResult,
    TemplateUse,
)
from oip.liaison.metrics import observations
from oip.liaison.performance import ACK_CLOCKS
from oip.liaison.templates import shipped
from oip.liaison.types import Party
from oip.site import clock
from oip.vocabulary import Tlp

__all__ = [
    "EvidenceReport",
    "breach_decisions",
    "read_facts",
    "record",
    "run_evidence",
    "validity_days",
]

#: Templates whose use is not an exchange of the country's own (a test has its own rule).
NOT_USAGE = frozenset({"reachability-test", "handling-breach", "recall"})
#: The financial-integrity strand of an organisation function (aml-exchange is shared by FIUs
#: and asset recovery offices; customs-risk is customs').
STRANDS = {"fiu": "aml", "aro": "asset-recovery", "customs": "customs"}


def validity_days() -> dict[str, int | None]:
    """Every benchmark of the catalogue in force, with its validity in days (None: none)."""
    return {b.id: b.validity_days for t in current_catalogue().targets for b in t.benchmarks}


def public_url() -> str:
    return str(getattr(settings, "OIP_PUBLIC_URL", "") or "")


# --- facts ------------------------------------------------------------------------------------


def _organisations() -> dict[str, tuple[str, str | None, str, list[str]]]:
    """id -> (kind, country, body, functions)."""
    return {
        str(pk): (kind, country, body or "", list(functions or []))
        for pk, kind, country, body, functions in Organisation.objects.values_list(
            "id", "kind", "country_id", "body", "functions"
        )
    }


def _reachability(evidence_map: EvidenceMap, orgs: dict[str, Any]) -> list[ReachabilityResult]:
    bodies = {rule.area: rule for rule in evidence_map.by_kind("reachability")}
    out = []
    for test in ReachabilityTest.objects.exclude(result="pending").filter(
        released_at__isnull=False, deadline__isnull=False
    ):
        _kind, country, _body, functions = orgs[str(test.organisation_id)]
        rule = bodies.get(test.area)
        released, deadline = test.released_at, test.deadline
        if country is None or rule is None or released is None or deadline is None:
            continue
        chosen = [f for f in functions if f in rule.functions] or functions or ["liaison"]
        out.append(
            ReachabilityResult(
                id=str(test.pk),
                country=country,
                area=test.area,
                body=rule.bodies[0],  # tests are the area's EU body's, or OIP's on its behalf
                function=chosen[0],
                sent_at=released,
                limit=deadline - released,
                answered_at=test.answered_at,
                result="met" if test.result == "met" else "not_met",
            )
        )
    return out


def _uses(orgs: dict[str, Any]) -> list[TemplateUse]:
    rows = (
        Submission.objects.filter(notification__exercise__isnull=True, kind__in=("stage", "response"))
        .exclude(notification__template__in=NOT_USAGE)
        .values_list(
            "id", "submitted_org_id", "notification__area", "notification__template",
            "submitted_at", "stage",
        )
    )  # fmt: skip
    out = []
    for pk, org, area, template, at, stage in rows:
        kind, country, _body, functions = orgs[str(org)]
        if kind != "national" or country is None:
            continue
        strand = "customs" if template == "customs-risk" else None
        if strand is None:
            strand = next((STRANDS[f] for f in functions if f in STRANDS), None)
        out.append(TemplateUse(str(pk), country, area, template, at, stage, strand))
    return out


def _clocks(
    now: dt.datetime, orgs: dict[str, Any]
) -> tuple[list[ClockOutcome], list[ReachabilityResult]]:
    """Every clock of every real (non-exercise) notification, as each party's organisation
    sees it at `now`, batched: a few queries in all (the tick's selection, over all time);
    and, as reachability passes, the items an EU body addressed to a national organisation
    that it acknowledged within its contact point's limit ("or a real request acknowledged").
    A late acknowledgement of a request is no failed test: it records nothing there."""
    notifications = list(
        Notification.objects.filter(exercise__isnull=True)
        .exclude(template="reachability-test")  # its answer clock feeds the reachability rule
        .only("id", "template", "area", "audience", "originator_org_id")
    )
    ids = [n.id for n in notifications]
    events: dict[str, list[ExchangeEvent]] = defaultdict(list)
    for row in ExchangeEvent.objects.filter(notification__exercise__isnull=True).order_by(
        "notification_id", "seq"
    ):
        events[str(row.notification_id)].append(row)
    delivered: dict[str, list[str]] = defaultdict(list)
    for delivered_nid, delivered_org in (
        Delivery.objects.filter(notification_id__in=ids)
        .order_by("id")
        .values_list("notification_id", "organisation_id")
    ):
        delivered[str(delivered_nid)].append(str(delivered_org))
    calendars = default_calendars()

    def calendar_of(org: str) -> str:
        country = orgs.get(org, ("", None))[1]
        code = str(country).lower() if country else EU_CALENDAR
        return code if code == EU_CALENDAR or code in calendars else "calendar-days"

    terms = contact_terms(now)
    out: list[ClockOutcome] = []
    requests: list[ReachabilityResult] = []
    for notification in notifications:
        nid = str(notification.id)
        try:
            template = shipped().get(notification.template)
        except KeyError:
            continue
        originator = str(notification.originator_org_id)
        recipients = delivered.get(nid, [])
        for defn in template.clocks():
            for org in [originator] if defn.party == "sender" else recipients:
                recipient = org if defn.party == "recipient" else (recipients or [""])[0]
                within = None
                if defn.within.startswith("contact_point."):
                    within = terms.get((recipient, notification.area), {}).get(
                        defn.within, DEFAULT_WITHIN.get(defn.within)
                    )
                countries: dict[Party, str] = {
                    "sender": calendar_of(originator),
                    "recipient": calendar_of(recipient),
                }
                mine = org_events(notification, events.get(nid, []), org)
                try:
                    state = clock_state(
                        defn, mine, now, calendars, countries=countries, within=within
                    )
                except (ClockError, KeyError):
                    continue
                kind, country, body, functions = orgs.get(org, ("", None, "", []))
                sender_kind, sender_country, sender_body, _ = orgs.get(
                    originator, ("", None, "", [])
                )
                side: Literal["eu", "country"]
                if kind == "eu_body":
                    side, country_code = "eu", sender_country or ""
                elif kind == "national" and country:
                    # A country's clock names its EU counterpart, when an EU body sent the item.
                    side, country_code = "country", country
                    body = sender_body if sender_kind == "eu_body" else ""
                else:
                    continue
                if (
                    side == "country"
                    and body
                    and defn.id in ACK_CLOCKS
                    and notification.audience == "addressed"
                    and state.status == "met"
                    and state.started_at is not None
                    and state.due_at is not None
                ):
                    requests.append(
                        ReachabilityResult(
                            f"request:{nid}/{org}", country_code, notification.area, body,
                            (functions or ["liaison"])[0], state.started_at,
                            state.due_at - state.started_at, state.stopped_at, "met", "request",
                        )
                    )  # fmt: skip
                out.append(
                    ClockOutcome(
                        f"{nid}/{defn.id}/{org}", country_code, notification.area, side,
                        body or None, defn.id, state.status, state.started_at, state.due_at,
                        state.stopped_at,
                    )
                )  # fmt: skip
    return out, requests


def _exercises(now: dt.datetime, orgs: dict[str, Any]) -> list[ExercisePlayed]:
    """Per national participant organisation of each exercise ended by `now`, per area of the
    exercise: the exercise played (public figures only; never usage or clocks)."""
    rows = ExerciseParticipant.objects.filter(
        exercise__status="ended", exercise__ended_at__isnull=False, exercise__ended_at__lte=now
    ).values_list("exercise_id", "organisation_id", "exercise__areas", "exercise__ended_at")
    out: list[ExercisePlayed] = []
    for exercise, org, areas, ended_at in rows:
        kind, country, _body, _functions = orgs.get(str(org), ("", None, "", []))
        if kind != "national" or country is None or ended_at is None:
            continue
        ended_on = ended_at.astimezone(dt.UTC).date()
        out.extend(ExercisePlayed(str(exercise), country, a, ended_on) for a in areas or [])
    return out


def breach_decisions(breaches: Iterable[HandlingBreach] | None = None) -> list[BreachDecision]:
    """The decisions in effect: each reached by two signatures of distinct managers (four eyes),
    dated by the second; a remedy counts only after a confirmation."""
    rows = list(breaches) if breaches is not None else list(HandlingBreach.objects.all())
    signatures: dict[Any, list[BreachSignature]] = defaultdict(list)
    for signature in BreachSignature.objects.filter(breach__in=rows).order_by("at", "id"):
        signatures[signature.breach_id].append(signature)
    rules = policy()
    out = []
    for breach in rows:
        mishandled = cast(Tlp, breach.tlp_mishandled)
        chosen = rules.breach_benchmarks(
            breach.area, mishandled, onward=breach.kind == "onward_sharing"
        )
        for decision, at in decided(signatures.get(breach.pk, [])):
            state = {"confirm": "confirmed", "dismiss": "dismissed", "remedy": "remedied"}[decision]
            out.append(
                BreachDecision(
                    str(breach.pk), breach.country_id, breach.area, state, at,  # type: ignore[arg-type]
                    breach.tlp_mishandled, chosen,  # type: ignore[arg-type]
                )
            )  # fmt: skip
    return out


def decided(signatures: Sequence[BreachSignature]) -> list[tuple[str, dt.datetime]]:
    """The decisions reached, in order: (decision, instant of its second signature)."""
    signers: dict[str, set[Any]] = defaultdict(set)
    reached: list[tuple[str, dt.datetime]] = []
    for signature in signatures:
        state = reached[-1][0] if reached else None
        allowed = {None: {"confirm", "dismiss"}, "confirm": {"remedy"}}.get(state, set())
        if signature.decision not in allowed:
            continue
        signers[signature.decision].add(signature.user_id)
        if len(signers[signature.decision]) == 2:
            reached.append((signature.decision, signature.at))
    return reached


def _recognised(evidence_map: EvidenceMap) -> frozenset[tuple[str, str]]:
    """(country, benchmark) for each `requires` benchmark whose latest observation is `met`."""
    required = {rule.requires for rule in evidence_map.rules if rule.requires}
    latest: dict[tuple[str, str], str] = {}
    for country, benchmark, status in (
        Observation.objects.filter(benchmark_id__in=required)
        .order_by("observed_on", "recorded_at", "id")
        .values_list("country_id", "benchmark_id", "status")
    ):
        latest[(country, benchmark)] = status
    return frozenset(key for key, status in latest.items() if status == "met")


def read_facts(now: dt.datetime, evidence_map: EvidenceMap | None = None) -> Facts:
    """Everything the rules read, from the exchange's tables, as known at `now`."""
    evidence_map = evidence_map or shipped_evidence_map()
    orgs = _organisations()
    clocks, requests = _clocks(now, orgs)
    return Facts(
        reachability=_reachability(evidence_map, orgs) + requests,
        uses=_uses(orgs),
        clocks=clocks,
        breaches=breach_decisions(),
        exceptional=exceptional_deliveries(now),
        exercises=_exercises(now, orgs),
        handled=inject_handling(now, orgs),
        recognised=_recognised(evidence_map),
    )


# --- writing ----------------------------------------------------------------------------------


@dataclass
class EvidenceReport:
    """What a run did: the observations due, how many were new, already stored, or refused."""

    now: dt.datetime
    due: list[ObservationToRecord] = field(default_factory=list)
    created: int = 0
    existing: int = 0
    refused: list[tuple[ObservationToRecord, str]] = field(default_factory=list)


def record(due: Iterable[ObservationToRecord], report: EvidenceReport) -> None:
    """Write each observation (validated like an import) and its `EvidenceLink`."""
    for item in due:
        report.due.append(item)
        source = SourceRecord(
            url=item.source.url,
            title=item.source.title,
            publisher=item.source.publisher,
            published_on=item.source.published_on,
            excerpt=item.source.excerpt,
            kind="measured",
        )
        try:
            with transaction.atomic():
                stored = record_observation(
                    country=item.country,
                    benchmark=item.benchmark,
                    status=item.status,
                    observed_on=item.observed_on,
                    source=source,
                    note="",
                    recorded_by=f"exchange:{item.rule_id}",
                )
                link = EvidenceLink.objects.filter(
                    observation=stored.observation, rule_id=item.rule_id, origin_id=item.origin_id
                )
                if not link.exists():
                    EvidenceLink.objects.create(
                        observation=stored.observation,
                        rule_id=item.rule_id,
                        origin=item.origin,
                        origin_id=item.origin_id[:120],
                        recorded_at=clock.now(),
                    )
        except ImportFailed as failure:
            report.refused.append((item, str(failure)))
            continue
        if stored.created:
            report.created += 1
        else:
            report.existing += 1


def run_evidence(now: dt.datetime | None = None, *, dry_run: bool = False) -> EvidenceReport:
    """Evaluate every rule at `now` and record what is due (nothing with `dry_run`)."""
    moment = now or clock.now()
    evidence_map = shipped_evidence_map()
    facts = read_facts(moment, evidence_map)
    due = observations(facts, evidence_map, validity_days(), moment, public_url=public_url())
    report = EvidenceReport(moment)
    if dry_run:
        report.due = due
        return report
    record(due, report)
    return report
