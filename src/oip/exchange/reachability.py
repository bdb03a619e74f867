"""Reachability tests, the actions (EXCHANGE.md §6.7): schedule, release, answer, expire.

- `schedule` draws a send time at random inside the announced window (`secrets.SystemRandom`)
  and a short challenge code; nothing reaches the organisation before the send time.
- `release_due(now)` (the tick) sends each due challenge as a `reachability-test` notification
  addressed to the organisation, through `actions.send` by a member of an EU body, and records
  the `sent` event that starts the `answer` clock; `deadline` = release + limit.
- `answer(user, test_id, code, now)`: the contact point echoes the code in the platform (an
  `echo` response through `actions.respond`, which stops the clock): `met` when the code is
  right and the answer in time, `not_met` when late. A wrong code changes nothing.
- `expire_due(now)` (the tick): a test unanswered at its deadline is `not_met`.
A `not_met` test is retried once, at a random time within 14 days (`RETRY_WITHIN`).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import transaction

from oip.accounts.models import Membership, Organisation
from oip.exchange import actions, audit
from oip.exchange.clocking import DEFAULT_WITHIN, EU_CALENDAR
from oip.exchange.models import ContactPoint, ExchangeEvent, ReachabilityTest
from oip.exchange.reads import NotFound
from oip.liaison.access import SENDING_ROLES
from oip.liaison.calendars import default_calendars
from oip.liaison.clocks import ClockError, due_at, parse_within
from oip.site import clock

__all__ = [
    "RETRY_WITHIN",
    "ReachabilityError",
    "WrongCode",
    "answer",
    "expire_due",
    "release_due",
    "schedule",
]

logger = logging.getLogger("oip.exchange.reachability")

TEMPLATE = "reachability-test"
RETRY_WITHIN = dt.timedelta(days=14)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on a duty line
CODE_LENGTH = 8


class ReachabilityError(ValueError):
    """A test that cannot be scheduled as asked (the message says why)."""


class WrongCode(ValueError):
    """The echoed code is not the challenge's: nothing is recorded."""


class Random(Protocol):
    def random(self) -> float: ...


def _in_force(org: Organisation, area: str, at: dt.datetime) -> ContactPoint | None:
    return (
        ContactPoint.objects.filter(organisation=org, area=area, valid_from__lte=at)
        .exclude(valid_to__lte=at)
        .order_by("function", "-valid_from")
        .first()
    )


def _senders(test_area: str, now: dt.datetime, preferred: list[Any]) -> list[Membership]:
    """EU-body members who may send the challenge at `now`: a sending role covering the area;
    the scheduler first, then the EU body the contact point was notified to."""
    found = [
        m
        for m in Membership.objects.valid_at(now)
        .filter(organisation__kind="eu_body", role__in=SENDING_ROLES, user__is_active=True)
        .select_related("user", "organisation")
        .order_by("organisation__short_name", "user__username")
        if test_area in m.areas and test_area in m.organisation.areas
    ]
    return sorted(
        found,
        key=lambda m: next(
            (i for i, p in enumerate(preferred) if p in (m.user_id, m.organisation_id)),
            len(preferred),
        ),
    )


def schedule(
    organisation: Organisation | str,
    area: str,
    window_start: dt.datetime,
    window_end: dt.datetime,
    *,
    by: Any = None,
    now: dt.datetime | None = None,
    rng: Random | None = None,
    retry_of: ReachabilityTest | None = None,
) -> ReachabilityTest:
    """Schedule a test of `organisation`'s contact point for `area` in the window; return it.

    ReachabilityError when the organisation is unknown or not of the area, the window is empty
    or already over, or no EU-body member could send the challenge. The limit is the contact
    point's `reachability_limit` in force at the window's start (30 minutes without one).
    """
    moment = now or clock.now()
    org = _organisation(organisation)
    if area not in org.areas:
        raise ReachabilityError(f"{org.short_name} is not an organisation of area {area!r}")
    if window_end <= window_start:
        raise ReachabilityError("the window must end after it starts")
    if window_end <= moment:
        raise ReachabilityError("the window is already over")
    preferred = [by.pk] if by is not None else []
    if not _senders(area, moment, preferred):
        raise ReachabilityError(
            f"no member of an EU body of area {area!r} may send the challenge "
            "(an officer or liaison manager with that area)"
        )
    point = _in_force(org, area, window_start)
    limit = point.reachability_limit if point is not None else None
    draw = (rng or secrets.SystemRandom()).random()
    start = max(window_start, moment) if retry_of is not None else window_start
    offset = dt.timedelta(seconds=int((window_end - start).total_seconds() * draw))
    with transaction.atomic():
        test = ReachabilityTest.objects.create(
            organisation=org,
            area=area,
            contact_point=point,
            window_start=window_start,
            window_end=window_end,
            sent_at=start + offset,
            code="".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)),
            limit=limit or DEFAULT_WITHIN["contact_point.reachability_limit"],
            retry_of=retry_of,
            scheduled_by=by,
            created_at=moment,
        )
        # Never the send time or the code: the audit log is readable by auditors.
        _audit(
            "reachability.schedule",
            test,
            by,
            at=moment,
            window_start=_iso(window_start),
            window_end=_iso(window_end),
            retry_of=str(retry_of.pk) if retry_of is not None else None,
        )
    return test


def _audit(
    action: str,
    test: ReachabilityTest,
    user: Any,
    *,
    at: dt.datetime,
    outcome: str = "allowed",
    **details: Any,
) -> None:
    audit.append(
        action,
        object_type="reachability_test",
        object_id=str(test.pk),
        actor_user=user.get_username() if user is not None else "",
        actor_org=str(test.organisation_id),
        outcome=outcome,
        details={"area": test.area, **details},
        at=at,
    )


def _organisation(key: Organisation | str) -> Organisation:
    if isinstance(key, Organisation):
        return key
    org = Organisation.objects.filter(short_name=key).first()
    if org is None:
        try:
            org = Organisation.objects.filter(pk=key).first()
        except Exception:  # not a UUID either
            org = None
    if org is None:
        raise ReachabilityError(f"unknown organisation {key!r}")
    return org


def _deadline(test: ReachabilityTest, released: dt.datetime) -> dt.datetime:
    calendars = default_calendars()
    country = test.organisation.country_id
    cid = str(country).lower() if country else EU_CALENDAR
    calendar = calendars[cid] if cid in calendars else calendars["24x7"]
    return due_at(released, parse_within(test.limit), calendar)


def release_due(now: dt.datetime) -> list[ReachabilityTest]:
    """Send every challenge whose send time has come; return the tests released now. A test
    claimed by a concurrent tick is skipped; one whose challenge cannot be sent (no sender
    any more) stays pending and is tried again at the next tick."""
    released = []
    for test in ReachabilityTest.objects.filter(
        released_at__isnull=True, result="pending", sent_at__lte=now
    ).select_related("organisation", "scheduled_by", "contact_point"):
        try:
            with transaction.atomic():
                if not ReachabilityTest.objects.filter(pk=test.pk, released_at__isnull=True).update(
                    released_at=now, deadline=_deadline(test, now)
                ):
                    continue
                _send_challenge(test, now)
        except (actions.PayloadInvalid, actions.Refused, ClockError, LookupError) as exc:
            logger.warning("reachability test %s: challenge not sent (%s); next tick", test.pk, exc)
            continue
        test.refresh_from_db()
        released.append(test)
    return released


def _send_challenge(test: ReachabilityTest, now: dt.datetime) -> None:
    preferred: list[Any] = [test.scheduled_by_id] if test.scheduled_by_id else []
    if test.contact_point is not None and test.contact_point.notified_to_id:
        preferred.append(test.contact_point.notified_to_id)
    senders = _senders(test.area, now, preferred)
    if not senders:
        raise LookupError("no sender")
    sender = senders[0]
    point = test.contact_point
    notification = actions.send(
        sender.user,
        template=TEMPLATE,
        area=test.area,
        tlp="green",
        audience="addressed",
        addressees=[str(test.organisation_id)],
        stage="challenge",
        payload={
            "contact_point": str(point.pk) if point is not None else test.organisation.short_name,
            "window_start": _iso(test.window_start),
            "window_end": _iso(test.window_end),
            "sent_at": _iso(test.sent_at),
            "code": test.code,
        },
        title="Reachability test",
        org=sender.organisation,
        now=now,
    )
    ExchangeEvent.objects.create(
        notification=notification,
        kind="sent",
        at=now,
        recorded_at=clock.now(),
        actor_org=sender.organisation,
        data={"reachability_test": str(test.pk)},
    )
    ReachabilityTest.objects.filter(pk=test.pk).update(notification=notification)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def answer(
    user: Any,
    test_id: str,
    code: str,
    now: dt.datetime | None = None,
    *,
    org: Organisation | None = None,
) -> ReachabilityTest:
    """Record the contact point's echo of the code; return the test with its result.

    NotFound when there is no such test, its challenge has not gone out yet, `user` is no
    member of the tested organisation at `now`, or `org` (a token's organisation) is another;
    WrongCode when the code differs (nothing recorded); the access rule's Refused when the
    member may not answer. A second answer returns the first result unchanged.
    """
    moment = now or clock.now()
    try:
        test = ReachabilityTest.objects.select_related("organisation").get(pk=test_id)
    except (ReachabilityTest.DoesNotExist, ValueError, ValidationError):
        raise NotFound(str(test_id)) from None
    member = Membership.objects.valid_at(moment).filter(
        user=user, organisation_id=test.organisation_id
    )
    if (
        test.notification_id is None
        or test.released_at is None
        or (org is not None and org.pk != test.organisation_id)
        or not member.exists()
    ):
        raise NotFound(str(test_id))
    if not secrets.compare_digest(code.strip().upper().encode(), test.code.encode()):
        _audit("reachability.answer", test, user, at=moment, outcome="denied:wrong_code")
        raise WrongCode("the code does not match the challenge")
    if test.answered_at is not None:
        return test
    with transaction.atomic():
        actions.respond(
            user,
            str(test.notification_id),
            stage="echo",
            payload={"code": test.code, "responder": user.get_username()},
            org=test.organisation,
            now=moment,
        )
        in_time = test.deadline is not None and moment <= test.deadline
        result = "met" if in_time and test.result == "pending" else "not_met"
        ReachabilityTest.objects.filter(pk=test.pk).update(
            answered_at=moment, answered_by=user, result=result
        )
        test.refresh_from_db()
        _audit("reachability.answer", test, user, at=moment, result=result)
        if result == "not_met":
            _retry(test, moment)
    return test


def expire_due(now: dt.datetime) -> list[ReachabilityTest]:
    """Mark `not_met` every released test unanswered at its deadline (the tick at the due
    instant closes it, as the escalation ladder reaches L2 then); schedule its retry."""
    expired = []
    for test in ReachabilityTest.objects.filter(
        result="pending", answered_at__isnull=True, deadline__lte=now
    ).select_related("organisation", "scheduled_by"):
        with transaction.atomic():
            if not ReachabilityTest.objects.filter(pk=test.pk, result="pending").update(
                result="not_met"
            ):
                continue
            test.refresh_from_db()
            _audit("reachability.expire", test, None, at=now, result="not_met")
            _retry(test, now)
        expired.append(test)
    return expired


def _retry(test: ReachabilityTest, now: dt.datetime) -> ReachabilityTest | None:
    """The one retry of a failed first test, at a random time within RETRY_WITHIN."""
    if test.retry_of_id is not None or ReachabilityTest.objects.filter(retry_of=test).exists():
        return None
    try:
        return schedule(
            test.organisation,
            test.area,
            now,
            now + RETRY_WITHIN,
            by=test.scheduled_by,
            now=now,
            retry_of=test,
        )
    except ReachabilityError:
        return None  # no sender any more: the failure stands, recorded
