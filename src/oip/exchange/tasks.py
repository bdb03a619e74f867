"""The exchange's tasks (Django's Tasks API): delivering reminders from the outbox.

`deliver(outbox_id)` e-mails one reminder through Django's mail settings. The e-mail carries a
LINK to the item and the clock's name and level, never its title or content: what is behind
the link is decided by the access rule when the reader opens it. The row is marked sent by a
conditional UPDATE (`sent_at IS NULL`) in the same transaction as the sending, so a retried or
duplicated task sends at most once; a failure rolls the mark back, records `attempts` and
`last_error`, and enqueues the task again with backoff (`run_after`). In-app, the outbox row
itself is the reminder the inbox shows, whatever its channel.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django_tasks import task

from oip.accounts.models import Membership
from oip.exchange.models import Notification, Outbox
from oip.site import clock

logger = logging.getLogger("oip.exchange.tasks")

MAX_ATTEMPTS = 8
FIRST_BACKOFF = dt.timedelta(minutes=1)
MAX_BACKOFF = dt.timedelta(hours=6)
#: Seconds a relay may take (unless EMAIL_TIMEOUT says otherwise): the sending transaction
#: holds the reminder's row (and on SQLite the write lock) meanwhile.
MAIL_TIMEOUT = 20.0

# The ladder's roles (policy.yaml) and the memberships they reach. Memberships know no
# deputies: the deputy is any other contact point of the organisation.
_MEMBER_ROLES = {
    "contact_point_on_duty": ("contact_point",),
    "deputy_contact_point": ("contact_point",),
    "contact_point": ("contact_point",),
    "org_admin": ("org_admin",),
    "liaison_manager": ("liaison_manager",),
}


def backoff(attempts: int) -> dt.timedelta:
    """The wait before attempt `attempts + 1`: 1 min, 2, 4, ... doubling, at most 6 h."""
    # The exponent is capped: 2**9 minutes is past the cap already, and no overflow.
    wait: dt.timedelta = FIRST_BACKOFF * (2 ** min(max(0, attempts - 1), 9))
    return min(wait, MAX_BACKOFF)


def item_link(notification_id: str) -> str:
    """The absolute link a reminder carries: the item's page (the inbox until it exists)."""
    try:
        path = reverse("exchange:notification", args=[notification_id])
    except NoReverseMatch:
        path = reverse("exchange:inbox")
    return f"{settings.OIP_PUBLIC_URL}{path}"


def addresses(row: Outbox, now: dt.datetime) -> list[str]:
    """The e-mail addresses of `row.recipient` ("<org id>:<ladder role>") at `now`.

    Contact points, deputies and organisation admins are members of that organisation with
    the role, covering the item's area; the counterpart liaison manager is a liaison manager of
    an EU body taking part in the item (originator, addressee or delivered to); OIP operations are the
    administrators (superusers). Members without an e-mail address are skipped.
    """
    org_id, _, role = row.recipient.partition(":")
    notification: Notification = row.notification
    if role == "oip_operations":
        users = get_user_model().objects.filter(is_superuser=True, is_active=True)
        return sorted({u.email for u in users if u.email})
    members = Membership.objects.valid_at(now).filter(user__is_active=True)
    if role == "counterpart_liaison_manager":
        parties = {notification.originator_org_id}
        parties.update(
            notification.addressees.exclude(organisation=None).values_list(
                "organisation", flat=True
            )
        )
        parties.update(notification.deliveries.values_list("organisation", flat=True))
        members = members.filter(
            role="liaison_manager", organisation__kind="eu_body", organisation__in=parties
        )
    else:
        members = members.filter(organisation_id=org_id, role__in=_MEMBER_ROLES.get(role, (role,)))
    found = {
        m.user.email
        for m in members.select_related("user")
        if m.user.email and (not m.areas or notification.area in m.areas)
    }
    return sorted(found)


def reminder_message(row: Outbox, to: list[str]) -> EmailMessage:
    """The e-mail of one reminder: clock, level and a link; never a title or content."""
    subject = f"[OIP exchange] Reminder L{row.level}: {row.clock} clock"
    body = (
        f"A response-time clock of an item on the OIP liaison exchange has reached "
        f"escalation level L{row.level} ({row.clock}).\n\n"
        f"Open the item (sign-in required): {item_link(str(row.notification_id))}\n\n"
        "This message carries no content of the item by design.\n"
    )
    connection = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or MAIL_TIMEOUT)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to, connection=connection)


@task()
def deliver(outbox_id: int) -> str:
    """Send reminder `outbox_id` at most once; return what happened (`sent`, `already sent`,
    `no address`, `retry at <instant>`, `gave up`). On a failure the task is enqueued again
    with backoff, up to MAX_ATTEMPTS, and this run reports the error."""
    now = clock.now()
    try:
        with transaction.atomic():
            claimed = Outbox.objects.filter(pk=outbox_id, sent_at__isnull=True).update(
                sent_at=now, attempts=F("attempts") + 1
            )
            if not claimed:
                return "already sent"
            row = Outbox.objects.select_related("notification").get(pk=outbox_id)
            if row.channel != "email":
                return "sent"
            to = addresses(row, now)
            if not to:
                # The in-app reminder stands; say why no e-mail went out.
                Outbox.objects.filter(pk=outbox_id).update(last_error="no e-mail address")
                return "no address"
            reminder_message(row, to).send(fail_silently=False)
            return "sent"
    except Exception as exc:  # the mark is rolled back; record the failure and try later
        return _failed(outbox_id, now, exc)


def _failed(outbox_id: int, now: dt.datetime, exc: Exception) -> str:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    with transaction.atomic():
        Outbox.objects.filter(Q(pk=outbox_id), Q(sent_at__isnull=True)).update(
            attempts=F("attempts") + 1, last_error=error
        )
        attempts = Outbox.objects.filter(pk=outbox_id).values_list("attempts", flat=True).first()
        if attempts is None or attempts >= MAX_ATTEMPTS:
            logger.error("reminder %s: giving up after %s attempts: %s", outbox_id, attempts, error)
            return "gave up"
        run_after = now + backoff(attempts)
        deliver.using(run_after=run_after).enqueue(outbox_id)
    logger.warning(
        "reminder %s: attempt %s failed (%s); retry at %s", outbox_id, attempts, error, run_after
    )
    return f"retry at {run_after.isoformat()}"
