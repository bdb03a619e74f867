"""The withdrawal sweep (EXCHANGE.md §6.5.2, §6.9): when a country's standing in an area is
`suspended`, the items delivered to its organisations above the lowered cap are withdrawn.

The access rule already refuses them on every read; the sweep materialises `Withdrawal` rows
(for notices, recalls and the audit trail) through `oip.liaison.access.withdrawals`, effective
from the first day of the suspension, so a rerun or a tick on another worker adds nothing.
A withdrawal the organisation had exported at AMBER or above is `recall_required` (with the
attestation's due instant), and `oip.exchange.recalls.send_recalls` sends the recalls.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from oip.exchange.models import Delivery, Withdrawal
from oip.exchange.reads import item_for, policy, standing_for
from oip.exchange.recalls import attest_by, recall_needed, send_recalls
from oip.liaison.access import Delivered, withdrawals
from oip.liaison.tlp import max_tlp
from oip.liaison.types import DeliveryFact, Item

__all__ = ["sweep_withdrawals"]


def sweep_withdrawals(now: dt.datetime) -> int:
    """Materialise the withdrawals of every country suspended in an area at `now`; return the
    number of new rows. Effective from the first day of the suspension, so a rerun (or a tick
    on another worker) writes the same keys and adds nothing."""
    day = now.astimezone(dt.UTC).date()
    pairs = (
        Delivery.objects.exclude(organisation__country=None)
        .values_list("organisation__country_id", "notification__area")
        .distinct()
    )
    written = 0
    for country, area in sorted(set(pairs)):
        try:
            after = standing_for(str(country), area, day)
        except KeyError:
            continue
        if after.status != "suspended":
            continue
        since = after.since or day
        before = standing_for(str(country), area, since - dt.timedelta(days=1))
        effective = dt.datetime.combine(since, dt.time(), dt.UTC)
        # Every delivery so far: `withdrawals` keeps what was never readable or stays under
        # the lowered cap, so later deliveries (under that cap) add nothing.
        rows = Delivery.objects.filter(
            organisation__country_id=country, notification__area=area, delivered_at__lte=now
        ).select_related("notification", "organisation")
        delivered = [
            Delivered(
                str(d.organisation_id),
                _as_delivered(item_for(d.notification, d.organisation), effective),
                own=d.notification.country_id == country,
            )
            for d in rows
        ]
        notices = withdrawals(before, after, delivered, policy())
        by_id = {str(d.notification_id): d.notification for d in rows}
        orgs = {str(d.organisation_id): d.organisation for d in rows}
        # A recall only where the organisation exported the item (§6.9 step 4).
        recall = {
            (n.org, n.item): n.recall and recall_needed(by_id[n.item], n.org) for n in notices
        }
        made = Withdrawal.objects.bulk_create(
            [
                Withdrawal(
                    notification_id=n.item,
                    organisation_id=n.org,
                    reason="suspension",
                    effective_at=effective,
                    standing={"tier": after.tier, "status": after.status, "as_of": str(day)},
                    recall_required=recall[(n.org, n.item)],
                    recall_due=attest_by(orgs[n.org], now) if recall[(n.org, n.item)] else None,
                    recorded_at=now,
                )
                for n in notices
                if not Withdrawal.objects.filter(
                    notification_id=n.item, organisation_id=n.org, reason="suspension"
                ).exists()
            ],
            ignore_conflicts=True,
        )
        written += len(made)
    # Recalls of what left the platform: once per organisation and item, retried if not sent.
    send_recalls(now)
    return written


def _as_delivered(item: Item, suspended_at: dt.datetime) -> Item:
    """An item addressed exceptionally (§6.5.1) and still in force when the suspension began
    was delivered, in effect, at its own TLP: withdrawn (and recalled if exported) like one."""
    ex = item.exceptional
    if ex is None or item.delivery is None or ex.expires_at <= suspended_at:
        return item
    cap = max_tlp(item.delivery.cap_at_delivery, item.tlp)
    return replace(item, delivery=DeliveryFact(cap, item.delivery.delivered_at))
