"""The handling-breach register and its confirm queue (EXCHANGE.md §6.9): named actions.

1. `report_breach`: an EU officer or liaison manager, a national contact point or org admin
   records an *alleged* breach by a national organisation (no content, only facts).
2. `sign_breach`: only a liaison manager of an EU body the benchmark names (its rule's
   `bodies` in the evidence map: ENISA for cyber, EPPO for eppo, ...) may sign `confirm` or
   `dismiss`, and `remedy` after a confirmation; a decision takes effect with the second
   signature of another such manager (four eyes).
3. A confirmation records `not_met` on the integrity benchmarks `oip.liaison.policy` selects
   for what was mishandled (§6.5.4) through `record_observation`, in the same transaction as
   the signature; the engine suspends and the access rule withdraws on the next read. A remedy
   records `met`; a dismissal records nothing.
Every act is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

from django.db import IntegrityError, transaction

from oip.accounts.models import Organisation
from oip.exchange import audit
from oip.exchange.evidence import EvidenceReport, breach_decisions, decided, public_url, record
from oip.exchange.evidence import validity_days as catalogue_validity
from oip.exchange.fetch import NotFound, Refused, actor_for, policy
from oip.exchange.models import BreachSignature, HandlingBreach
from oip.liaison.evidence_map import shipped_evidence_map
from oip.liaison.measured import Facts
from oip.liaison.metrics import observations
from oip.liaison.types import Actor
from oip.site import clock
from oip.vocabulary import TLP_LEVELS, Tlp

__all__ = ["BreachState", "Signed", "breach_state", "report_breach", "sign_breach"]

REPORTERS = frozenset({"officer", "liaison_manager", "contact_point", "org_admin"})
Decision = Literal["confirm", "dismiss", "remedy"]
STATE_AFTER = {
    None: "alleged",
    "confirm": "confirmed",
    "dismiss": "dismissed",
    "remedy": "remedied",
}


@dataclass(frozen=True, slots=True)
class BreachState:
    """Where a breach stands: `alleged`, `confirmed`, `dismissed` or `remedied`; the
    benchmarks a confirmation hits; the bodies whose liaison managers decide."""

    state: str
    decided_at: dt.datetime | None
    benchmarks: tuple[str, ...]
    bodies: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Signed:
    """What a signature did: the state after it, whether it completed a decision, and the
    observations that decision recorded."""

    state: BreachState
    effective: bool
    report: EvidenceReport | None


def _benchmarks(area: str, tlp: Tlp, kind: str) -> tuple[str, ...]:
    try:
        return policy().breach_benchmarks(area, tlp, onward=kind == "onward_sharing")
    except KeyError as error:
        raise Refused("area_without_exchange") from error


def _bodies(benchmarks: Sequence[str]) -> tuple[str, ...]:
    """The bodies named by every benchmark (a manager must be one of them for all)."""
    evidence_map = shipped_evidence_map()
    sets = [
        set(rule.bodies)
        for benchmark in benchmarks
        if (rule := evidence_map.for_benchmark(benchmark)) is not None
    ]
    common = set.intersection(*sets) if sets else set()
    return tuple(sorted(common))


def breach_state(breach: HandlingBreach) -> BreachState:
    """The breach's state from its signatures."""
    tlp = cast(Tlp, breach.tlp_mishandled)
    benchmarks = _benchmarks(breach.area, tlp, breach.kind)
    reached = decided(list(breach.signatures.order_by("at", "id")))
    last, at = reached[-1] if reached else (None, None)
    return BreachState(STATE_AFTER[last], at, benchmarks, _bodies(benchmarks))


def _actor(user: Any, org: Organisation | str | None, now: dt.datetime) -> Actor:
    actor = actor_for(user, now, org)
    if not actor.membership_valid or actor.org_kind == "operator":
        raise Refused("membership_inactive")
    return actor


def report_breach(
    user: Any,
    *,
    concerned_org: Organisation | str,
    area: str,
    tlp_mishandled: str,
    kind: str = "tlp",
    items: Sequence[str] = (),
    org: Organisation | str | None = None,
    now: dt.datetime | None = None,
) -> HandlingBreach:
    """Record an alleged breach by `concerned_org` (a national organisation) in `area`.

    Refused: `membership_inactive`, `role` (not an officer, liaison manager, contact point or
    org admin), `not_national` (the concerned organisation is an EU body), `no_breach`
    (mishandling CLEAR is none), `area_without_exchange`.
    """
    moment = now or clock.now()
    actor = _actor(user, org, moment)
    if not actor.roles & REPORTERS:
        raise Refused("role")
    concerned = (
        concerned_org
        if isinstance(concerned_org, Organisation)
        else Organisation.objects.filter(pk=concerned_org).first()
    )
    if concerned is None:
        raise NotFound("no such organisation")
    if concerned.kind != "national" or concerned.country_id is None:
        raise Refused("not_national")
    if tlp_mishandled not in TLP_LEVELS:
        raise Refused("tlp")
    if not _benchmarks(area, tlp_mishandled, kind):
        raise Refused("no_breach")
    with transaction.atomic():
        breach = HandlingBreach.objects.create(
            concerned_org=concerned,
            country_id=concerned.country_id,
            area=area,
            items=[str(i) for i in items],
            tlp_mishandled=tlp_mishandled,
            kind=kind,
            reported_by=user,
            reported_org_id=actor.org,
            reported_at=moment,
            recorded_at=clock.now(),
        )
        audit.append(
            "breach.report",
            object_type="handling_breach",
            object_id=str(breach.pk),
            actor_user=actor.user,
            actor_org=actor.org,
            tlp=tlp_mishandled,
            details={"area": area, "country": concerned.country_id, "kind": kind},
            at=moment,
        )
    return breach


def sign_breach(
    user: Any,
    breach_id: str,
    decision: Decision,
    *,
    org: Organisation | str | None = None,
    now: dt.datetime | None = None,
) -> Signed:
    """Sign `decision` on a breach; the second manager's signature makes it effective.

    Refused (audited): `not_body_manager` (not a liaison manager of a body the benchmarks
    name, e.g. an EPPO manager on a cyber breach), `breach_<state>` (confirm or dismiss once
    decided; remedy before a confirmation), `signed` (the same person twice).
    """
    moment = now or clock.now()
    actor = _actor(user, org, moment)
    breach = HandlingBreach.objects.filter(pk=breach_id).first()
    if breach is None:
        raise NotFound("no such breach")
    state = breach_state(breach)
    details = {"decision": decision, "area": breach.area, "country": breach.country_id}

    def refuse(reason: str) -> Refused:
        audit.append(
            "breach.sign",
            object_type="handling_breach",
            object_id=str(breach.pk),
            actor_user=actor.user,
            actor_org=actor.org,
            outcome=f"denied:{reason}",
            details=details,
            at=moment,
        )
        return Refused(reason)

    if (
        actor.org_kind != "eu_body"
        or "liaison_manager" not in actor.roles
        or actor.body not in state.bodies
    ):
        raise refuse("not_body_manager")
    allowed = {"alleged": {"confirm", "dismiss"}, "confirmed": {"remedy"}}.get(state.state, set())
    if decision not in allowed:
        raise refuse(f"breach_{state.state}")
    try:
        with transaction.atomic():
            BreachSignature.objects.create(
                breach=breach,
                decision=decision,
                user=user,
                organisation_id=actor.org,
                body=actor.body or "",
                at=moment,
                recorded_at=clock.now(),
            )
            after = breach_state(breach)
            effective = after.state != state.state
            audit.append(
                "breach.sign",
                object_type="handling_breach",
                object_id=str(breach.pk),
                actor_user=actor.user,
                actor_org=actor.org,
                tlp=breach.tlp_mishandled,
                details={**details, "effective": effective, "state": after.state},
                at=moment,
            )
            report = _record_decision(breach, moment) if effective else None
    except IntegrityError as error:
        raise refuse("signed") from error
    return Signed(after, effective, report)


def _record_decision(breach: HandlingBreach, now: dt.datetime) -> EvidenceReport:
    """Write what the breach's decisions support now (the nightly run would write the same)."""
    evidence_map = shipped_evidence_map()
    facts = Facts(breaches=breach_decisions([breach]))
    due = observations(facts, evidence_map, catalogue_validity(), now, public_url=public_url())
    report = EvidenceReport(now)
    record(due, report)
    if report.refused:
        raise Refused("evidence_refused: " + "; ".join(message for _, message in report.refused))
    return report
