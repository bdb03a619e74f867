"""Benchmark the worker's tick over 10,000 open items (target <= 2 s, EXCHANGE.md §6.16).

    OIP_VAR=/tmp/bench-tick PYTHONPATH=src .venv/bin/python bench/bench_exchange_tick.py

Builds its own SQLite database under OIP_VAR (migrated, the catalogue loaded): ENISA's AMBER
early warnings to Albania's CSIRT, one every 90 seconds over the last ~10 days, each with its
`submitted` and `delivered` events (bulk inserts, as the actions would leave them), about a
third acknowledged. Figures:
- the steady tick: every 30 s a worker recomputes every clock of every open item and finds
  the few reminders newly due (the reminders earlier ticks wrote already in the outbox and
  delivered: the bench writes them as sent, as earlier ticks and the worker's tasks would have);
- the first tick: the same items with an empty outbox (a worker back after ten days away):
  it writes and enqueues the first MAX_PER_TICK reminders, highest level first, for scale.
`baseline_s` reads the same rows (items and events) without computing anything.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
import uuid
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oip.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from oip.accounts.models import Organisation  # noqa: E402
from oip.catalogue.actions import load_catalogue_into_db  # noqa: E402
from oip.catalogue.loader import load_catalogue  # noqa: E402
from oip.exchange import tick as tick_module  # noqa: E402
from oip.exchange.models import (  # noqa: E402
    Delivery,
    ExchangeEvent,
    Notification,
    Outbox,
    TemplateVersion,
)
from oip.exchange.tick import open_clock_states, outbox_key, tick  # noqa: E402
from oip.liaison.templates import shipped  # noqa: E402

N = 10_000
TARGET_S = 2.0
NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
SPACING = dt.timedelta(seconds=90)


def build(n: int = N, seed: int = 7) -> None:
    """A fresh database with `n` open items (idempotent: an existing one is reused)."""
    call_command("migrate", verbosity=0)
    if Notification.objects.count() >= n:
        return
    load_catalogue_into_db(load_catalogue())
    rng = random.Random(seed)
    from django.contrib.auth import get_user_model

    since = dt.date(2000, 1, 1)
    enisa = Organisation.objects.create(
        name="ENISA", short_name="ENISA", kind="eu_body", body="enisa", areas=["cyber"],
        valid_from=since,
    )  # fmt: skip
    al = Organisation.objects.create(
        name="AL CSIRT", short_name="CSIRT-AL", kind="national", country_id="AL",
        functions=["national_csirt"], areas=["cyber"], valid_from=since,
    )  # fmt: skip
    user = get_user_model().objects.create_user("bench-sender")
    template = shipped().get("cyber-incident")
    version = TemplateVersion.objects.create(
        template_id=template.id,
        label=template.version,
        content={},
        hash=template.content_hash,
        recorded_at=NOW,
    )
    notifications, deliveries, events = [], [], []
    for i in range(n):
        at = NOW - SPACING * (i + 1)
        nid = uuid.uuid4()
        notifications.append(
            Notification(
                id=nid, template=template.id, template_version=version, area="cyber",
                originator_org=enisa, created_by=user, audience="community", tlp="amber",
                title_clear=f"item {i}", created_at=at, recorded_at=at,
            )
        )  # fmt: skip
        deliveries.append(
            Delivery(
                notification_id=nid, organisation=al, delivered_at=at, cap_at_delivery="amber",
                tier_at_delivery=2, status_at_delivery="stable", as_of=at.date(), recorded_at=at,
            )
        )  # fmt: skip
        aware = (at - dt.timedelta(hours=1)).isoformat()
        events += [
            ExchangeEvent(
                notification_id=nid, kind="submitted", at=at, recorded_at=at, actor_org=enisa,
                stage="early_warning", data={"declared": {"aware_at": aware}},
            ),
            ExchangeEvent(
                notification_id=nid, kind="delivered", at=at, recorded_at=at, actor_org=al,
                stage="early_warning",
            ),
        ]  # fmt: skip
        if rng.random() < 0.33:
            ack = at + dt.timedelta(minutes=rng.randrange(5, 55))
            events.append(
                ExchangeEvent(
                    notification_id=nid, kind="acknowledged", at=ack, recorded_at=ack,
                    actor_org=al,
                )
            )  # fmt: skip
    Notification.objects.bulk_create(notifications, batch_size=1000)
    Delivery.objects.bulk_create(deliveries, batch_size=1000)
    ExchangeEvent.objects.bulk_create(events, batch_size=1000)


def settle(now: dt.datetime) -> int:
    """What earlier ticks and the worker's tasks leave: every reminder reached by `now`
    written and delivered."""
    _, states = open_clock_states(now)
    with transaction.atomic():
        reminders = tick_module._due(states, now)
        Outbox.objects.bulk_create(
            [
                Outbox(
                    key=outbox_key(r.key), notification_id=r.key.notification, clock=r.key.clock,
                    level=r.key.level, recipient=r.key.recipient, created_at=now, sent_at=now,
                    attempts=1,
                )
                for r in reminders
            ],
            batch_size=1000,
        )  # fmt: skip
    return len(reminders)


def baseline() -> int:
    """Read what the tick reads (items, deliveries, events), compute nothing."""
    since = NOW - dt.timedelta(days=90)
    count = len(list(Notification.objects.values_list("id", "template", "area")))
    count += len(list(Delivery.objects.values_list("notification_id", "organisation_id")))
    count += len(
        list(
            ExchangeEvent.objects.filter(at__gte=since).values_list(
                "notification_id", "kind", "at", "recorded_at", "stage", "data", "actor_org_id"
            )
        )
    )
    return count


def timed(run: Any) -> tuple[float, Any]:
    began = time.perf_counter()
    result = run()
    return time.perf_counter() - began, result


def rows(repeat: int = 3) -> list[dict[str, Any]]:
    """The steady tick (best of `repeat`, 30 s apart) and the first tick over N open items."""
    build()
    Outbox.objects.all().delete()
    DBTaskResult.objects.all().delete()
    base = min(timed(baseline)[0] for _ in range(repeat))
    first_s, first = timed(lambda: tick(NOW))
    Outbox.objects.all().delete()
    DBTaskResult.objects.all().delete()
    settle(NOW)
    steady = []
    for k in range(1, repeat + 1):
        seconds, report = timed(lambda k=k: tick(NOW + dt.timedelta(seconds=30 * k)))
        steady.append((seconds, report))
    best_s, best = min(steady, key=lambda pair: pair[0])
    database = connection.vendor
    return [
        {
            "figure": f"tick over {best.open_items:,} open items "
            f"({best.running_clocks:,} running clocks, {best.written} new reminders)",
            "measured_s": round(best_s, 3),
            "target_s": TARGET_S,
            "baseline_s": round(base, 3),
            "database": database,
        },
        {
            "figure": f"first tick over {first.open_items:,} open items "
            f"({first.written:,} reminders written and enqueued)",
            "measured_s": round(first_s, 3),
            "target_s": None,
            "baseline_s": round(base, 3),
            "database": database,
        },
    ]


if __name__ == "__main__":
    for row in rows():
        print(row)
