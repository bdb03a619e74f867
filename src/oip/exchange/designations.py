"""Designations in the confirm queue (EXCHANGE.md §6.10.2, "designated" rows, mode confirm).

A national organisation's admin registers its contact point (`actions.designate_contact_point`);
a liaison manager of the EU body the benchmark names (ENISA for cyber, EPPO for eppo, ...)
confirms that the designation was notified to it on date D. `confirm_designation` then records
`met` on the area's `<target>.designated` benchmark, observed on D, through the evidence
bridge's conventions (`oip.exchange.evidence.record`: source kind `measured`, publisher "OIP
liaison exchange, confirmed by <body>", an `EvidenceLink` whose origin id is
`designation/<contact point id>`; the link's origin is `metric`, the closest of the stored
origins). A second confirmation of the same contact point records nothing new (the bridge
skips identical observations). `designation_queue` lists what a manager may confirm.

Refused (audited): `not_body_manager` (not a liaison manager of a body the rule names),
`not_national` (an EU body's contact point), `no_rule` (an area without a designation
benchmark); PayloadInvalid at `/notified_on` for a date after today or before the contact
point was designated; NotFound for an unknown contact point.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from oip.accounts.models import Organisation
from oip.exchange import audit
from oip.exchange.evidence import EvidenceReport, public_url, record
from oip.exchange.fetch import NotFound, PayloadInvalid, Refused, actor_for
from oip.exchange.models import ContactPoint, EvidenceLink
from oip.liaison.evidence_map import Rule, shipped_evidence_map
from oip.liaison.measured import ObservationToRecord, Source, quarter_label
from oip.liaison.templates import PayloadError
from oip.liaison.types import Actor
from oip.site import clock

__all__ = ["Pending", "confirm_designation", "designation_queue", "designation_rule"]

ORIGIN_PREFIX = "designation/"


@dataclass(frozen=True, slots=True)
class Pending:
    """A contact point waiting in a manager's confirm queue."""

    contact_point: str
    organisation: str
    country: str
    area: str
    function: str
    designated_on: dt.date
    benchmark: str


def designation_rule(area: str) -> Rule | None:
    """The evidence map's confirm rule for the area's `.designated` benchmark, if any."""
    return next(
        (
            r
            for r in shipped_evidence_map().rules
            if r.area == area and r.mode == "confirm" and r.benchmark.endswith(".designated")
        ),
        None,
    )


def _manager_of(actor: Actor, rule: Rule | None) -> bool:
    return (
        rule is not None
        and actor.membership_valid
        and actor.org_kind == "eu_body"
        and "liaison_manager" in actor.roles
        and actor.body in rule.bodies
    )


def _confirmed(point_ids: list[str]) -> set[str]:
    origins = [ORIGIN_PREFIX + p for p in point_ids]
    return {
        origin.removeprefix(ORIGIN_PREFIX)
        for origin in EvidenceLink.objects.filter(origin_id__in=origins).values_list(
            "origin_id", flat=True
        )
    }


def designation_queue(
    user: Any, *, org: Organisation | str | None = None, now: dt.datetime | None = None
) -> list[Pending]:
    """The national contact points in force that `user` (a liaison manager of a body a
    designation rule names) may confirm and nobody has confirmed yet; [] for anyone else."""
    moment = now or clock.now()
    actor = actor_for(user, moment, org)
    points = [
        p
        for p in ContactPoint.objects.filter(valid_from__lte=moment, organisation__kind="national")
        .exclude(valid_to__lte=moment)
        .select_related("organisation")
        .order_by("organisation__short_name", "area", "function", "id")
        if _manager_of(actor, designation_rule(p.area))
    ]
    done = _confirmed([str(p.pk) for p in points])
    return [
        Pending(
            str(p.pk),
            p.organisation.short_name,
            str(p.organisation.country_id),
            p.area,
            p.function,
            p.designated_on,
            rule.benchmark,
        )
        for p in points
        if str(p.pk) not in done and (rule := designation_rule(p.area)) is not None
    ]


def confirm_designation(
    user: Any,
    contact_point: str | int,
    notified_on: dt.date,
    *,
    org: Organisation | str | None = None,
    now: dt.datetime | None = None,
) -> EvidenceReport:
    """Confirm that the contact point's designation was notified on `notified_on`; record
    `met` on the area's `.designated` benchmark (see the module's docstring)."""
    moment = now or clock.now()
    actor = actor_for(user, moment, org)
    try:
        key = int(str(contact_point))
    except ValueError:
        raise NotFound(str(contact_point)) from None
    point = ContactPoint.objects.select_related("organisation").filter(pk=key).first()
    if point is None:
        raise NotFound(str(contact_point))
    rule = designation_rule(point.area)

    def refuse(reason: str) -> Refused:
        audit.append(
            "designation.confirm",
            object_type="contact_point",
            object_id=str(point.pk),
            actor_user=actor.user,
            actor_org=actor.org,
            outcome=f"denied:{reason}",
            details={"area": point.area},
            at=moment,
        )
        return Refused(reason)

    if rule is None:
        raise refuse("no_rule")
    if not _manager_of(actor, rule):
        raise refuse("not_body_manager")
    country = point.organisation.country_id
    if point.organisation.kind != "national" or country is None:
        raise refuse("not_national")
    today = moment.astimezone(dt.UTC).date()
    if notified_on > today:
        raise PayloadInvalid([PayloadError("/notified_on", "not after today")])
    if notified_on < point.designated_on:
        raise PayloadInvalid(
            [PayloadError("/notified_on", f"not before the designation ({point.designated_on})")]
        )
    evidence_map = shipped_evidence_map()
    base = public_url().rstrip("/")
    path = f"exchange/performance/{country}/{point.area}/{quarter_label(notified_on)}"
    source = Source(
        f"{base}/{path}" if base.startswith("http") else f"oip:{path}",
        f"Designation of the {country} {point.area} liaison point ({rule.body_name})",
        f"{evidence_map.publisher}, confirmed by {rule.body_name}",
        today,
        f"Designated in the exchange on {point.designated_on}; notified on {notified_on}.",
    )
    due = ObservationToRecord(
        notified_on,
        str(country),
        rule.benchmark,
        "met",
        today,
        rule.id,
        "metric",
        ORIGIN_PREFIX + str(point.pk),
        source,
    )
    report = EvidenceReport(moment)
    with transaction.atomic():
        record([due], report)
        if report.refused:
            raise Refused("evidence_refused: " + "; ".join(m for _, m in report.refused))
        audit.append(
            "designation.confirm",
            object_type="contact_point",
            object_id=str(point.pk),
            actor_user=actor.user,
            actor_org=actor.org,
            details={
                "area": point.area,
                "country": country,
                "benchmark": rule.benchmark,
                "notified_on": notified_on.isoformat(),
                "created": report.created,
            },
            at=moment,
        )
    return report
