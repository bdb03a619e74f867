"""The exchange's named write actions: the ONLY writers of notifications and their journal.

`send`, `submit_stage`, `acknowledge`, `respond`, `request_info`, `withdraw`: each decides with
the access rule (sending is open at every tier; reading rights gate the rest), validates, then
writes everything in ONE transaction — rows, events and the audit row commit together or not at
all. Refusals are audited too (outside the failed transaction, so they stay). Errors:
`PayloadInvalid(errors)` (422, every problem at its JSON pointer), `Refused(reason)` (403),
`NotFound` (404) — from `oip.exchange.reads`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from oip.accounts.models import Organisation
from oip.exchange import crypto
from oip.exchange.contacts import designate_contact_point
from oip.exchange.exercise_rights import exercise_errors
from oip.exchange.fetch import (
    NotFound,
    PayloadInvalid,
    Refused,
    actor_for,
    item_for,
    memo_standing,
    notification_or_404,
    policy,
    refuse,
)
from oip.exchange.models import (
    AUDIENCES,
    Addressee,
    ExchangeEvent,
    Notification,
    Submission,
    Withdrawal,
)
from oip.exchange.writes import (
    ANY_AREA_TEMPLATES,
    ENCRYPTED_TITLES,
    addressed_delivery,
    addressee_orgs,
    audit_act,
    community_deliveries,
    denied,
    named_members,
    record_deliveries,
    record_event,
    store_submission,
    template_version,
    validated,
)
from oip.liaison.access import decide
from oip.liaison.clocks import ClockError, parse_within
from oip.liaison.templates import PayloadError, Template, shipped
from oip.liaison.types import Action, Actor, Item
from oip.site import clock
from oip.vocabulary import TLP_LEVELS

__all__ = [
    "NotFound",
    "PayloadInvalid",
    "Refused",
    "acknowledge",
    "designate_contact_point",
    "request_info",
    "respond",
    "send",
    "submit_stage",
    "withdraw",
]


def send(
    user: Any,
    *,
    template: str,
    area: str,
    tlp: str,
    audience: str,
    addressees: Sequence[str],
    stage: str,
    payload: Mapping[str, Any],
    title: str,
    exercise: str | None = None,
    named_recipients: Sequence[str] = (),
    org: Organisation | str | None = None,
    now: dt.datetime | None = None,
) -> Notification:
    """Send a new notification: header, addressees, revision 1 of `stage`, deliveries, the
    `submitted` and `delivered` events and the audit row, in one transaction.

    Sending is open at every tier to a valid member with a sending role (Refused otherwise).
    PayloadInvalid lists every problem: unknown template, an area other than the template's,
    a TLP the template does not allow, an unknown or out-of-area addressee, an addressed item
    without addressees, RED without named recipients (`named_recipients`: usernames), and
    every payload error. Addressed items are delivered to each addressee; community items to
    the area's EU bodies and to the national organisations whose cap allows the TLP now.
    """
    moment = now or clock.now()
    actor = actor_for(user, moment, org)
    errors: list[PayloadError] = []
    try:
        form = shipped().get(template)
    except KeyError:
        raise PayloadInvalid(
            [PayloadError("/template", f"unknown template {template!r}")]
        ) from None
    if area != form.area and form.id not in ANY_AREA_TEMPLATES:
        errors.append(PayloadError("/area", f"{form.id} is a template of area {form.area!r}"))
    if tlp not in form.tlp_allowed:
        errors.append(PayloadError("/tlp", f"one of {', '.join(form.tlp_allowed)}"))
    if audience not in AUDIENCES:
        errors.append(PayloadError("/audience", f"one of {', '.join(AUDIENCES)}"))
    if stage not in form.stages or form.stages[stage].kind == "response":
        errors.append(PayloadError("/stage", f"not a stage {form.id} opens with: {stage!r}"))
    if not title.strip():
        errors.append(PayloadError("/title", "required"))
    organisations, problems = addressee_orgs(addressees, area, moment.date())
    errors += problems
    if audience == "addressed" and not addressees:
        errors.append(PayloadError("/addressees", "an addressed item names its addressees"))
    named, problems = named_members(named_recipients, moment)
    errors += problems
    if tlp == "red" and not named_recipients:
        errors.append(PayloadError("/named_recipients", "RED is for named individuals only"))
    errors += validated(form, stage, payload) if stage in form.stages else []
    errors += exercise_errors(exercise, actor.org)
    header = Item(
        id="",
        template=form.id,
        area=area,
        tlp=tlp if tlp in TLP_LEVELS else "red",
        audience="community" if audience == "community" else "addressed",
        originator_org=actor.org,
        addressees=frozenset(str(o.pk) for o in organisations),
        named=frozenset(),
    )
    decision = decide(actor, header, "send", memo_standing(), policy(), moment)
    if not decision.allowed:
        raise denied(actor, "send", "", decision.reason)
    if errors:
        raise PayloadInvalid(errors)
    originator = Organisation.objects.get(pk=actor.org)
    day = moment.date()
    notification_id = uuid.uuid4()
    # The first revision's data key also seals the title (AMBER+STRICT, RED): seal first.
    sealed = crypto.seal_payload(
        payload, notification_id=str(notification_id), stage=stage, revision=1, tlp=tlp
    )
    title_ct = None
    if tlp in ENCRYPTED_TITLES:
        title_ct = crypto.seal_text(
            title, sealed.data_key, notification_id=str(notification_id), tlp=tlp
        )
    with transaction.atomic():
        notification = Notification.objects.create(
            id=notification_id,
            template=form.id,
            template_version=template_version(form, moment),
            area=area,
            country_id=originator.country_id,
            originator_org=originator,
            created_by=user,
            audience=audience,
            tlp=tlp,
            onward_sharing=form.onward_sharing,
            exercise=uuid.UUID(str(exercise)) if exercise else None,
            title_ct=title_ct,
            title_clear="" if title_ct is not None else title,
            created_at=moment,
            recorded_at=clock.now(),
        )
        Addressee.objects.bulk_create(
            [
                Addressee(notification=notification, organisation=o, recorded_at=moment)
                for o in organisations
            ]
            + [
                Addressee(notification=notification, named_user=person, recorded_at=moment)
                for person in named
            ]
        )
        store_submission(
            notification,
            form,
            stage=stage,
            kind=form.stages[stage].kind,
            payload=payload,
            user=user,
            org_id=actor.org,
            now=moment,
            sealed=sealed,
        )
        if exercise or audience == "addressed":
            standing = memo_standing()
            facts = [addressed_delivery(form.id, o, area, day, standing) for o in organisations]
        else:
            facts = community_deliveries(form.id, area, tlp, originator, day)
        record_deliveries(notification, facts, moment, stage)
        audit_act(
            actor,
            "send",
            str(notification.id),
            tlp,
            template=form.id,
            area=area,
            audience=audience,
            stage=stage,
            deliveries=len(facts),
        )
    return notification


def _acting(
    user: Any,
    notification_id: str | uuid.UUID,
    action: Action,
    org: Organisation | str | None,
    moment: dt.datetime,
) -> tuple[Actor, Notification, Item]:
    """The actor, the notification and its item, once the access rule allows `action`
    (audited NotFound / Refused otherwise)."""
    notification = notification_or_404(notification_id)
    actor = actor_for(user, moment, org)
    item = item_for(notification, actor.org)
    decision = decide(actor, item, action, memo_standing(), policy(), moment)
    if not decision.allowed or decision.level != "content":
        refuse(actor, action, notification, decision)
    if _withdrawn(notification) and actor.org != item.originator_org:
        raise denied(actor, action, str(notification.id), "withdrawn_by_originator")
    return actor, notification, item


def _withdrawn(notification: Notification) -> bool:
    return notification.events.filter(
        kind="withdrawn", actor_org_id=notification.originator_org_id
    ).exists()


def _stage_of(form: Template, stage: str, kinds: frozenset[str]) -> list[PayloadError]:
    if stage not in form.stages or form.stages[stage].kind not in kinds:
        return [
            PayloadError("/stage", f"{stage!r} is not a {'/'.join(sorted(kinds))} of {form.id}")
        ]
    return []


def submit_stage(
    user: Any,
    notification_id: str | uuid.UUID,
    *,
    stage: str,
    payload: Mapping[str, Any],
    org: Organisation | str | None = None,
    now: dt.datetime | None = None,
) -> Submission:
    """Submit a stage (a new stage, or the next revision of one: a correction) of one's own
    organisation's notification; it is delivered to every organisation it was delivered to.

    Refused (`not_originator`) for anyone outside the originator organisation; PayloadInvalid
    for a stage the template does not have (or a response) and for every payload error.
    """
    moment = now or clock.now()
    notification = notification_or_404(notification_id)
    actor = actor_for(user, moment, org)
    item = item_for(notification, actor.org)
    decision = decide(actor, item, "send", memo_standing(), policy(), moment)
    if not decision.allowed:
        refuse(actor, "submit", notification, decision)
    form = shipped().get(notification.template)
    errors = _stage_of(form, stage, frozenset({"stage", "request"}))
    if errors:
        raise PayloadInvalid(errors)
    errors = validated(form, stage, payload)
    if errors:
        raise PayloadInvalid(errors)
    with transaction.atomic():
        submission = store_submission(
            notification,
            form,
            stage=stage,
            kind=form.stages[stage].kind,
            payload=payload,
            user=user,
            org_id=actor.org,
            now=moment,
        )
        for delivery in notification.deliveries.all():
            record_event(
                notification,
                "delivered",
                moment,
                org_id=str(delivery.organisation_id),
                stage=stage,
                data={"revision": submission.revision},
            )
        audit_act(
            actor,
            "submit",
            str(notification.id),
            notification.tlp,
            stage=stage,
            revision=submission.revision,
        )
    return submission


def acknowledge(
    user: Any,
    notification_id: str | uuid.UUID,
    *,
    org: Organisation | str | None = None,
    now: dt.datetime | None = None,
) -> ExchangeEvent:
    """Acknowledge receipt for one's organisation: only a member of an addressed or delivered
    organisation (Refused `not_addressed` otherwise). The first acknowledgement of an
    organisation stops its acknowledgement clock; a second one returns the first."""
    moment = now or clock.now()
    actor, notification, item = _acting(user, notification_id, "acknowledge", org, moment)
    if actor.org not in item.addressees and item.delivery is None:
        raise denied(actor, "acknowledge", str(notification.id), "not_addressed")
    with transaction.atomic():
        first = notification.events.filter(
            kind="acknowledged", actor_org_id=uuid.UUID(actor.org)
        ).first()
        if first is not None:
            return first
        event = record_event(notification, "acknowledged", moment, user=user, org_id=actor.org)
        audit_act(actor, "acknowledge", str(notification.id), notification.tlp)
    return event


def respond(
    user: Any,
    notification_id: str | uuid.UUID,
    *,
    stage: str,
    payload: Mapping[str, Any],
    org: Organisation | str | None = None,
    now: dt.datetime | None = None,
) -> Submission:
    """Answer a notification one may read with a response stage of its template (e.g. ENISA's
    `initial_feedback`), stored sealed like any revision; a `responded` event stops the clocks
    that wait for it."""
    moment = now or clock.now()
    actor, notification, _ = _acting(user, notification_id, "respond", org, moment)
    form = shipped().get(notification.template)
    errors = _stage_of(form, stage, frozenset({"response"})) or validated(form, stage, payload)
    if errors:
        raise PayloadInvalid(errors)
    with transaction.atomic():
        submission = store_submission(
            notification,
            form,
            stage=stage,
            kind="response",
            payload=payload,
            user=user,
            org_id=actor.org,
            now=moment,
        )
        if notification.template == "recall" and stage == "attestation":
            # The recipient's attestation stops the recall's clock (§6.9, `oip.exchange.recalls`).
            record_event(notification, "attested", moment, user=user, org_id=actor.org)
        audit_act(
            actor,
            "respond",
            str(notification.id),
            notification.tlp,
            stage=stage,
            revision=submission.revision,
        )
    return submission


def request_info(
    user: Any,
    notification_id: str | uuid.UUID,
    *,
    stage: str,
    within: str,
    org: Organisation | str | None = None,
    now: dt.datetime | None = None,
) -> ExchangeEvent:
    """Request a stage from the sender (e.g. cyber's `intermediate` report) to be submitted
    `within` (an ISO 8601 or business duration): a `requested` event that starts its clock."""
    moment = now or clock.now()
    actor, notification, _ = _acting(user, notification_id, "respond", org, moment)
    form = shipped().get(notification.template)
    errors = _stage_of(form, stage, frozenset({"stage", "request"}))
    try:
        parse_within(within)
    except ClockError as bad:
        errors.append(PayloadError("/within", str(bad)))
    if errors:
        raise PayloadInvalid(errors)
    with transaction.atomic():
        event = record_event(
            notification,
            "requested",
            moment,
            user=user,
            org_id=actor.org,
            stage=stage,
            data={"within": within},
        )
        audit_act(
            actor, "request", str(notification.id), notification.tlp, stage=stage, within=within
        )
    return event


def withdraw(
    user: Any,
    notification_id: str | uuid.UUID,
    *,
    reason: str = "",
    org: Organisation | str | None = None,
    now: dt.datetime | None = None,
) -> ExchangeEvent:
    """Withdraw one's own organisation's notification: a `withdrawn` event and a `Withdrawal`
    (reason `originator_withdrawal`) for every organisation it was delivered to; recipients'
    reads are refused from then on (`withdrawn_by_originator`). Refused for anyone else."""
    moment = now or clock.now()
    notification = notification_or_404(notification_id)
    actor = actor_for(user, moment, org)
    item = item_for(notification, actor.org)
    decision = decide(actor, item, "send", memo_standing(), policy(), moment)
    if not decision.allowed:
        refuse(actor, "withdraw", notification, decision)
    with transaction.atomic():
        if _withdrawn(notification):
            return notification.events.filter(kind="withdrawn").order_by("seq")[0]
        event = record_event(
            notification,
            "withdrawn",
            moment,
            user=user,
            org_id=actor.org,
            data={"reason": reason[:200]},
        )
        for delivery in notification.deliveries.all():
            Withdrawal.objects.create(
                notification=notification,
                organisation_id=delivery.organisation_id,
                reason="originator_withdrawal",
                effective_at=moment,
                recorded_at=clock.now(),
            )
        audit_act(actor, "withdraw", str(notification.id), notification.tlp)
    return event
