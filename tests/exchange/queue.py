"""Helpers for the worker's tests: bare notifications and running the task queue in-process.

`drain()` claims and runs every ready task with django-tasks-db's own `Worker.run_task`, as a
worker process would, but inside the test's transaction (the real loop, `run_worker`, calls
`close_old_connections`, which would end a test transaction on PostgreSQL; it is tested in a
subprocess instead).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from oip.accounts.models import Organisation
from oip.exchange.models import ExchangeEvent, Notification, Outbox, TemplateVersion
from oip.site import clock


def bare_notification(
    originator: Organisation, user: Any, *, template: str = "reachability-test", area: str = "cyber"
) -> Notification:
    """A notification header with no content (enough for reminders and clocks)."""
    now = clock.now()
    version, _ = TemplateVersion.objects.get_or_create(
        template_id=template,
        label="test",
        defaults={"content": {}, "hash": "0" * 64, "recorded_at": now},
    )
    return Notification.objects.create(
        template=template,
        template_version=version,
        area=area,
        originator_org=originator,
        created_by=user,
        audience="addressed",
        tlp="amber",
        title_clear="SECRET-TITLE-42",
        created_at=now,
        recorded_at=now,
    )


def event(
    notification: Notification, kind: str, at: dt.datetime, org: Organisation | None = None
) -> ExchangeEvent:
    return ExchangeEvent.objects.create(
        notification=notification, kind=kind, at=at, recorded_at=at, actor_org=org
    )


def outbox_row(
    notification: Notification, recipient: str, level: int = 1, clock_id: str = "answer"
) -> Outbox:
    return Outbox.objects.create(
        key=f"{notification.pk}|{clock_id}|{level}|{recipient}",
        notification=notification,
        clock=clock_id,
        level=level,
        recipient=recipient,
        created_at=clock.now(),
    )


def drain(limit: int = 1000) -> list[Any]:
    """Run every ready task, oldest first; return their return values (one per task run)."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    results = []
    for _ in range(limit):
        task = DBTaskResult.objects.ready().first()
        if task is None:
            return results
        task.claim(worker.worker_id)
        worker.run_task(task)
        task.refresh_from_db()
        results.append(task.task_result.return_value if task.status == "SUCCESSFUL" else task)
    raise AssertionError(f"more than {limit} tasks: a task that re-enqueues itself at once?")


def pending_deliveries() -> list[tuple[int, dt.datetime | None]]:
    """(outbox id, run_after) of every deliver task not yet run, in queue order."""
    rows = DBTaskResult.objects.filter(
        task_path="oip.exchange.tasks.deliver", status="READY"
    ).order_by("run_after", "enqueued_at")
    return [(r.args_kwargs["args"][0], r.task.run_after) for r in rows]
