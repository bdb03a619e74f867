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

from django.contrib.auth import get_user_model
from django.db import transaction

from oip.accounts.models import Membership, Organisation
from oip.exchange import audit, crypto
from oip.exchange.models import (
    AUDIENCES,
    Addressee,
    DataKey,
    Delivery,
    ExchangeEvent,
    Notification,
    Submission,
    TemplateVersion,
    Withdrawal,
)
from oip.exchange.reads import (
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
from oip.liaison.access import decide
from oip.liaison.templates import PayloadError, Template, shipped
from oip.liaison.tlp import rank
from oip.liaison.types import Action, Actor, Item
from oip.site import clock
from oip.vocabulary import TLP_LEVELS

__all__ = [
    "NotFound",
    "PayloadInvalid",
    "Refused",
    "acknowledge",
    "request_info",
    "respond",
    "send",
    "submit_stage",
    "withdraw",
]

ENCRYPTED_TITLES = frozenset({"amber+strict", "red"})
#: Templates used in every area (the shell sets the area per contact point).
ANY_AREA_TEMPLATES = frozenset({"reachability-test"})


def _audit(actor: Actor, action: str, notification_id: str, tlp: str, **details: Any) -> None:
    audit.append(
        action,
        object_type="notification",
        object_id=notification_id,
        actor_user=actor.user,
        actor_org=actor.org,
        tlp=tlp,
        details=details,
    )


def _denied(actor: Actor, action: str, object_id: str, reason: str) -> Refused:
    audit.append(
        action,
        object_type="notification",
        object_id=object_id,
        actor_user=actor.user,
        actor_org=actor.org,
        outcome=f"denied:{reason}",
    )
    return Refused(reason)


def _organisations(
    ids: Sequence[str], area: str, day: dt.date
) -> tuple[list[Organisation], list[PayloadError]]:
    """The organisations named by id (UUID) or short name, valid on `day` and of `area`."""
    found: list[Organisation] = []
    errors: list[PayloadError] = []
    for index, key in enumerate(ids):
        try:
            match = Organisation.objects.filter(pk=uuid.UUID(str(key)))
        except ValueError:
            match = Organisation.objects.filter(short_name=str(key))
        org = match.first()
        if org is None or not org.valid_on(day):
            errors.append(PayloadError(f"/addressees/{index}", f"unknown organisation {key!r}"))
        elif area not in org.areas:
            errors.append(
                PayloadError(f"/addressees/{index}", f"{org.short_name} is not in area {area!r}")
            )
        elif org not in found:
            found.append(org)
    return found, errors


def _named(usernames: Sequence[str], now: dt.datetime) -> tuple[list[Any], list[PayloadError]]:
    users: list[Any] = []
    errors: list[PayloadError] = []
    model = get_user_model()
    for index, name in enumerate(usernames):
        user = model.objects.filter(username=name).first()
        if user is None or not Membership.objects.valid_at(now).filter(user=user).exists():
            errors.append(PayloadError(f"/named_recipients/{index}", f"unknown member {name!r}"))
        else:
            users.append(user)
    return users, errors


def _validated(form: Template, stage: str, payload: Mapping[str, Any]) -> list[PayloadError]:
    """The payload's errors, each once (a schema may report one problem by two rules)."""
    return list(dict.fromkeys(form.validate(stage, payload)))


def _clock_fields(template: Template, payload: Mapping[str, Any]) -> dict[str, str]:
    """The declared instants the template's clocks read (`field.<name>`), kept in clear."""
    names = {
        ref.removeprefix("field.")
        for defn in template.clocks()
        for ref in (defn.start, defn.stop, defn.restart or "")
        if ref.startswith("field.")
    }
    return {name: payload[name] for name in sorted(names) if isinstance(payload.get(name), str)}


def _template_version(template: Template, now: dt.datetime) -> TemplateVersion:
    """The stored version of the shipped template, recorded on first use; Refused when the
    label is stored with other content (a changed template needs a new label)."""
    stored = TemplateVersion.objects.filter(template_id=template.id, label=template.version).first()
    if stored is not None:
        if stored.hash != template.content_hash:
            raise Refused("template_version_changed")
        return stored
    content = {
        "id": template.id,
        "version": template.version,
        "uuid": template.uuid,
        "area": template.area,
        "title": template.title,
        "stages": {s.id: {"kind": s.kind, "schema": s.schema} for s in template.stages.values()},
    }
    return TemplateVersion.objects.create(
        template_id=template.id,
        label=template.version,
        content=content,
        hash=template.content_hash,
        recorded_at=now,
    )


def _store_submission(
    notification: Notification,
    template: Template,
    *,
    stage: str,
    kind: str,
    payload: Mapping[str, Any],
    user: Any,
    org_id: str,
    now: dt.datetime,
    sealed: crypto.Sealed | None = None,
) -> Submission:
    """Store the next revision of `stage` (sealed, with its data key) and its event."""
    previous = (
        Submission.objects.filter(notification=notification, stage=stage)
        .order_by("-revision")
        .first()
    )
    revision = previous.revision + 1 if previous is not None else 1
    if sealed is None:
        sealed = crypto.seal_payload(
            payload,
            notification_id=str(notification.id),
            stage=stage,
            revision=revision,
            tlp=notification.tlp,
        )
    submission = Submission.objects.create(
        notification=notification,
        stage=stage,
        kind=kind,
        revision=revision,
        payload_ct=sealed.payload_ct,
        payload_mac=sealed.payload_mac,
        key_id=sealed.key_id,
        clock_fields=_clock_fields(template, payload),
        submitted_by=user,
        submitted_org_id=org_id,
        submitted_at=now,
        recorded_at=clock.now(),
        supersedes=previous,
    )
    DataKey.objects.create(
        submission=submission, key_id=sealed.key_id, wrapped=sealed.wrapped, recorded_at=now
    )
    event_kind = "responded" if kind == "response" else "submitted"
    _event(
        notification,
        event_kind,
        now,
        user=user,
        org_id=org_id,
        stage=stage,
        data={"revision": revision, "declared": submission.clock_fields},
    )
    return submission


def _event(
    notification: Notification,
    kind: str,
    now: dt.datetime,
    *,
    user: Any = None,
    org_id: str | None = None,
    stage: str = "",
    data: Mapping[str, Any] | None = None,
) -> ExchangeEvent:
    declared = (data or {}).get("declared") or {}
    instants = sorted(v for v in declared.values() if isinstance(v, str))
    declared_at = None
    if instants:
        try:
            declared_at = dt.datetime.fromisoformat(instants[0].replace("Z", "+00:00"))
        except ValueError:
            declared_at = None
    return ExchangeEvent.objects.create(
        notification=notification,
        kind=kind,
        at=now,
        recorded_at=clock.now(),
        declared_at=declared_at,
        actor_user=user,
        actor_org_id=org_id,
        stage=stage,
        data=dict(data or {}),
    )


def _community(
    template: str, area: str, tlp: str, originator: Organisation, day: dt.date
) -> list[tuple[Organisation, str, int | None, str]]:
    """Who receives a community item now: the area's EU bodies, and the national organisations
    whose receive cap allows `tlp` (with the cap, tier and status read for the delivery)."""
    standing = memo_standing()
    chosen: list[tuple[Organisation, str, int | None, str]] = []
    for org in Organisation.objects.exclude(pk=originator.pk).order_by("short_name"):
        if area not in org.areas or not org.valid_on(day):
            continue
        if org.kind == "eu_body":
            chosen.append((org, "red", None, ""))
            continue
        s = standing(str(org.country_id), area, day)
        cap = policy().receive_cap(template, "community", s.tier)
        if rank(tlp) <= rank(cap):  # type: ignore[arg-type]
            chosen.append((org, cap, s.tier, s.status))
    return chosen


def _addressed_fact(
    template: str, org: Organisation, area: str, day: dt.date
) -> tuple[Organisation, str, int | None, str]:
    if org.kind == "eu_body":
        return (org, "red", None, "")
    s = memo_standing()(str(org.country_id), area, day)
    return (org, policy().receive_cap(template, "addressed", s.tier), s.tier, s.status)


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
    organisations, problems = _organisations(addressees, area, moment.date())
    errors += problems
    if audience == "addressed" and not addressees:
        errors.append(PayloadError("/addressees", "an addressed item names its addressees"))
    named, problems = _named(named_recipients, moment)
    errors += problems
    if tlp == "red" and not named_recipients:
        errors.append(PayloadError("/named_recipients", "RED is for named individuals only"))
    errors += _validated(form, stage, payload) if stage in form.stages else []
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
        raise _denied(actor, "send", "", decision.reason)
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
            template_version=_template_version(form, moment),
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
        for organisation in organisations:
            Addressee.objects.create(
                notification=notification, organisation=organisation, recorded_at=moment
            )
        for person in named:
            Addressee.objects.create(
                notification=notification, named_user=person, recorded_at=moment
            )
        _store_submission(
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
            facts = [_addressed_fact(form.id, o, area, day) for o in organisations]
        else:
            facts = _community(form.id, area, tlp, originator, day)
        for organisation, cap, tier, status in facts:
            Delivery.objects.create(
                notification=notification,
                organisation=organisation,
                delivered_at=moment,
                cap_at_delivery=cap,
                tier_at_delivery=tier,
                status_at_delivery=status,
                as_of=day,
                recorded_at=clock.now(),
            )
            _event(notification, "delivered", moment, org_id=str(organisation.pk), stage=stage)
        _audit(
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
        raise _denied(actor, action, str(notification.id), "withdrawn_by_originator")
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
    errors = _validated(form, stage, payload)
    if errors:
        raise PayloadInvalid(errors)
    with transaction.atomic():
        submission = _store_submission(
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
            _event(
                notification,
                "delivered",
                moment,
                org_id=str(delivery.organisation_id),
                stage=stage,
                data={"revision": submission.revision},
            )
        _audit(
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
        raise _denied(actor, "acknowledge", str(notification.id), "not_addressed")
    with transaction.atomic():
        first = notification.events.filter(
            kind="acknowledged", actor_org_id=uuid.UUID(actor.org)
        ).first()
        if first is not None:
            return first
        event = _event(notification, "acknowledged", moment, user=user, org_id=actor.org)
        _audit(actor, "acknowledge", str(notification.id), notification.tlp)
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
    errors = _stage_of(form, stage, frozenset({"response"})) or _validated(form, stage, payload)
    if errors:
        raise PayloadInvalid(errors)
    with transaction.atomic():
        submission = _store_submission(
            notification,
            form,
            stage=stage,
            kind="response",
            payload=payload,
            user=user,
            org_id=actor.org,
            now=moment,
        )
        _audit(
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
    from oip.liaison.clocks import ClockError, parse_within

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
        event = _event(
            notification,
            "requested",
            moment,
            user=user,
            org_id=actor.org,
            stage=stage,
            data={"within": within},
        )
        _audit(actor, "request", str(notification.id), notification.tlp, stage=stage, within=within)
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
        event = _event(
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
        _audit(actor, "withdraw", str(notification.id), notification.tlp)
    return event
