"""The store's writes, shared by the named actions (`oip.exchange.actions`) and nothing else.

Each helper writes inside the caller's transaction: a revision sealed with its own data key
(`store_submission`), an event (`record_event`), the template version (`template_version`),
and who receives a new item with the facts of its delivery (`community_deliveries`,
`addressed_delivery`); plus the checks of an envelope's addressees and named recipients.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from oip.accounts.models import Membership, Organisation
from oip.conditionality.types import Standing
from oip.exchange import audit, crypto
from oip.exchange.fetch import Refused, memo_standing, policy
from oip.exchange.models import (
    CONTACT_FUNCTIONS,
    DataKey,
    Delivery,
    ExchangeEvent,
    Notification,
    Submission,
    TemplateVersion,
)
from oip.liaison.calendars import default_calendars
from oip.liaison.clocks import ClockError, parse_within
from oip.liaison.templates import PayloadError, Template
from oip.liaison.tlp import rank
from oip.liaison.types import Actor
from oip.site import clock

__all__ = [
    "ANY_AREA_TEMPLATES",
    "ENCRYPTED_TITLES",
    "actor_is_member",
    "addressed_delivery",
    "addressee_orgs",
    "audit_act",
    "clock_fields",
    "community_deliveries",
    "contact_point_errors",
    "denied",
    "named_members",
    "record_deliveries",
    "record_event",
    "store_submission",
    "template_version",
    "validated",
]

ENCRYPTED_TITLES = frozenset({"amber+strict", "red"})
#: Templates used in every area (the shell sets the area: per contact point, per recall).
ANY_AREA_TEMPLATES = frozenset({"reachability-test", "recall"})


def audit_act(actor: Actor, action: str, notification_id: str, tlp: str, **details: Any) -> None:
    audit.append(
        action,
        object_type="notification",
        object_id=notification_id,
        actor_user=actor.user,
        actor_org=actor.org,
        tlp=tlp,
        details=details,
    )


def denied(actor: Actor, action: str, object_id: str, reason: str) -> Refused:
    audit.append(
        action,
        object_type="notification",
        object_id=object_id,
        actor_user=actor.user,
        actor_org=actor.org,
        outcome=f"denied:{reason}",
    )
    return Refused(reason)


def addressee_orgs(
    ids: Sequence[str], area: str, day: dt.date
) -> tuple[list[Organisation], list[PayloadError]]:
    """The organisations named by id (UUID) or short name, valid on `day` and of `area` (one
    query for all of them)."""
    keys: list[uuid.UUID | str] = []
    for asked in ids:
        try:
            keys.append(uuid.UUID(str(asked)))
        except ValueError:
            keys.append(str(asked))
    uuids = [k for k in keys if isinstance(k, uuid.UUID)]
    names = [k for k in keys if isinstance(k, str)]
    by_key: dict[uuid.UUID | str, Organisation] = {}
    if keys:
        # In the model's order, so a short name shared by two rows names the first (as .first()).
        for row in Organisation.objects.filter(Q(pk__in=uuids) | Q(short_name__in=names)):
            by_key.setdefault(row.pk, row)
            by_key.setdefault(row.short_name, row)
    found: list[Organisation] = []
    errors: list[PayloadError] = []
    for index, (key, asked) in enumerate(zip(keys, ids, strict=True)):
        org = by_key.get(key)
        if org is None or not org.valid_on(day):
            errors.append(PayloadError(f"/addressees/{index}", f"unknown organisation {asked!r}"))
        elif area not in org.areas:
            errors.append(
                PayloadError(f"/addressees/{index}", f"{org.short_name} is not in area {area!r}")
            )
        elif org not in found:
            found.append(org)
    return found, errors


def named_members(
    usernames: Sequence[str], now: dt.datetime
) -> tuple[list[Any], list[PayloadError]]:
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


def validated(form: Template, stage: str, payload: Mapping[str, Any]) -> list[PayloadError]:
    """The payload's errors, each once (a schema may report one problem by two rules)."""
    return list(dict.fromkeys(form.validate(stage, payload)))


def clock_fields(template: Template, payload: Mapping[str, Any]) -> dict[str, str]:
    """The declared instants the template's clocks read (`field.<name>`), kept in clear."""
    names = {
        ref.removeprefix("field.")
        for defn in template.clocks()
        for ref in (defn.start, defn.stop, defn.restart or "")
        if ref.startswith("field.")
    }
    return {name: payload[name] for name in sorted(names) if isinstance(payload.get(name), str)}


def template_version(template: Template, now: dt.datetime) -> TemplateVersion:
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


def store_submission(
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
        clock_fields=clock_fields(template, payload),
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
    record_event(
        notification,
        event_kind,
        now,
        user=user,
        org_id=org_id,
        stage=stage,
        data={"revision": revision, "declared": submission.clock_fields},
    )
    return submission


def record_event(
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


def record_deliveries(
    notification: Notification,
    facts: Sequence[tuple[Organisation, str, int | None, str]],
    now: dt.datetime,
    stage: str,
) -> None:
    """The deliveries of a new item (organisation, cap, tier, status) and their `delivered`
    events: one INSERT per table whatever the number of recipients (§6.16 fan-out)."""
    Delivery.objects.bulk_create(
        [
            Delivery(
                notification=notification,
                organisation=organisation,
                delivered_at=now,
                cap_at_delivery=cap,
                tier_at_delivery=tier,
                status_at_delivery=status,
                as_of=now.date(),
                recorded_at=clock.now(),
            )
            for organisation, cap, tier, status in facts
        ]
    )
    ExchangeEvent.objects.bulk_create(
        [
            ExchangeEvent(
                notification=notification,
                kind="delivered",
                at=now,
                recorded_at=clock.now(),
                actor_org_id=organisation.pk,
                stage=stage,
                data={},
            )
            for organisation, _, _, _ in facts
        ]
    )


def community_deliveries(
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


def addressed_delivery(
    template: str,
    org: Organisation,
    area: str,
    day: dt.date,
    standing: Callable[[str, str, dt.date], Standing] | None = None,
) -> tuple[Organisation, str, int | None, str]:
    """The facts of delivering an addressed item to `org` (pass one `memo_standing()` for
    many organisations)."""
    if org.kind == "eu_body":
        return (org, "red", None, "")
    s = (standing or memo_standing())(str(org.country_id), area, day)
    return (org, policy().receive_cap(template, "addressed", s.tier), s.tier, s.status)


def actor_is_member(user: Any) -> bool:
    """Whether `user` has any membership at all (else a superuser acts as the operator)."""
    return Membership.objects.filter(user=user).exists()


def contact_point_errors(
    organisation: Organisation,
    area: str,
    function: str,
    hours: str,
    ack_within: str,
    reachability_limit: str,
    valid_from: dt.datetime,
    valid_to: dt.datetime | None,
) -> list[PayloadError]:
    """Why a contact point's designation cannot be stored ([] = it can)."""
    errors: list[PayloadError] = []
    if function not in CONTACT_FUNCTIONS:
        errors.append(PayloadError("/function", f"one of {', '.join(CONTACT_FUNCTIONS)}"))
    if area not in organisation.areas:
        errors.append(PayloadError("/area", f"{organisation.short_name} does not cover {area!r}"))
    if hours != "24x7" and hours not in default_calendars():
        errors.append(PayloadError("/hours", f"24x7 or a calendar id, not {hours!r}"))
    for pointer, text in (("/ack_within", ack_within), ("/reachability_limit", reachability_limit)):
        try:
            parse_within(text)
        except ClockError as bad:
            errors.append(PayloadError(pointer, str(bad)))
    if valid_to is not None and valid_to <= valid_from:
        errors.append(PayloadError("/valid_to", "after valid_from"))
    return errors
