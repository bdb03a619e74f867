"""Generated exchange data for `bench/bench_exchange_store.py` (needs `django.setup()` first).

The shape, seeded (`random.Random(seed)`):
- 20 organisations: 5 EU bodies (ENISA, EEAS, EPPO, FIU platform, DG TAXUD) and 15 national
  ones over the six countries (a CSIRT in each, FIUs, customs, FDI screening, prosecution),
  each with one member (officer + contact point, clearance red); Albania holds tier 2 in cyber
  (the exchange tests' evidence), every other (country, area) no tier.
- `K` SEED notifications made by the REAL actions (`actions.send`, then `acknowledge` by ~60%
  of the recipients): mixed templates (cyber-incident 40%, fimi-alert, aml-exchange,
  customs-risk, fdi-notification, eppo-referral), mixed TLP (each template's allowed levels,
  AMBER most often), 65% addressed to 1-3 organisations, 35% community; real envelope
  encryption, real events, real audit rows; sent over the last 5 days.
- FILLER up to `n` notifications, set-based (`fill`): each filler notification copies the
  rows of seed `x mod K` (header, addressees, submissions, data keys, deliveries, events) with
  a new id, every instant moved back by 10 days + x * step (spread over ~3 years). Their
  ciphertexts are the seed's bytes (so the same sizes and the same decryption cost, but they
  would fail to open: their associated data names another notification); the instants inside
  JSON (`clock_fields`, events' `declared`) are copied unshifted. The bench opens only seeds.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, models, transaction

from oip.accounts.models import Membership, Organisation
from oip.catalogue.actions import load_catalogue_into_db
from oip.catalogue.loader import load_catalogue
from oip.evidence.actions import record_observation
from oip.evidence.records import SourceRecord
from oip.exchange import actions
from oip.exchange.audit import _row, row_hash
from oip.exchange.fetch import ExchangeError
from oip.exchange.models import (
    GENESIS_HASH,
    Addressee,
    AuditEvent,
    AuditHead,
    DataKey,
    Delivery,
    ExchangeEvent,
    Notification,
    Submission,
)
from oip.liaison.templates import shipped

SINCE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
#: (short name, kind, country, body, functions, areas)
ORGS: tuple[tuple[str, str, str | None, str, list[str], list[str]], ...] = (
    ("ENISA", "eu_body", None, "enisa", [], ["cyber"]),
    ("EEAS", "eu_body", None, "eeas-stratcom", [], ["fimi"]),
    ("EPPO", "eu_body", None, "eppo", [], ["eppo"]),
    ("FIU-PLATFORM", "eu_body", None, "fiu-platform", [], ["financial-integrity"]),
    ("TAXUD", "eu_body", None, "dg-taxud-customs", [], ["financial-integrity", "fdi"]),
    *(
        (f"CSIRT-{c}", "national", c, "", ["national_csirt"], ["cyber", "fimi"])
        for c in ("AL", "BA", "XK", "ME", "MK", "RS")
    ),
    ("FIU-AL", "national", "AL", "", ["fiu"], ["financial-integrity"]),
    ("FIU-RS", "national", "RS", "", ["fiu"], ["financial-integrity"]),
    ("FIU-ME", "national", "ME", "", ["fiu"], ["financial-integrity"]),
    ("CUSTOMS-BA", "national", "BA", "", ["customs"], ["financial-integrity"]),
    ("CUSTOMS-MK", "national", "MK", "", ["customs"], ["financial-integrity"]),
    ("FDI-RS", "national", "RS", "", ["fdi_screening_authority"], ["fdi"]),
    ("FDI-ME", "national", "ME", "", ["fdi_screening_authority"], ["fdi"]),
    ("PROS-AL", "national", "AL", "", ["prosecution_service"], ["eppo"]),
    ("PROS-MK", "national", "MK", "", ["prosecution_service"], ["eppo"]),
)
TEMPLATE_WEIGHTS = {
    "cyber-incident": 40,
    "fimi-alert": 15,
    "aml-exchange": 10,
    "customs-risk": 10,
    "fdi-notification": 10,
    "eppo-referral": 10,
    "reachability-test": 0,
}
TLP_WEIGHTS = {"clear": 10, "green": 25, "amber": 40, "amber+strict": 15, "red": 10}
READER = "CSIRT-AL"
#: Albania's cyber tier 2 (the exchange tests' AL_TIER_2).
AL_TIER_2 = (
    "cyber.enisa-working-arrangement.signed",
    "cyber.enisa-working-arrangement.joint-activities",
    "cyber.csirt-networks.national-csirt",
    "cyber.csirt-networks.protocol",
    "cyber.csirt-networks.tested",
    "cyber.enisa-training.attended",
    "cyber.technical-working-groups.admitted",
    "cyber.technical-working-groups.attended",
    "cyber.eu-internet-forum.invited",
    "cyber.eu-internet-forum.attended",
    "cyber.structured-liaison.designated",
    "cyber.structured-liaison.reachable",
    "cyber.structured-liaison.response-times",
    "cyber.certification-pilots.agreed",
    "cyber.certification-pilots.assessed",
    "cyber.eu-cyber-exercises.invited",
    "cyber.eu-cyber-exercises.participated",
    "cyber.eu-cyber-exercises.follow-up",
)


@dataclass
class World:
    """The organisations (by short name) and their one member each."""

    orgs: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    seeds: list[uuid.UUID] = field(default_factory=list)
    seed_failures: list[str] = field(default_factory=list)


def member(org: Organisation, username: str, areas: Sequence[str]) -> Any:
    """A user with an officer and a contact-point membership of `org` (clearance red)."""
    user = get_user_model().objects.create_user(username, email=f"{username}@example.org")
    for role in ("officer", "contact_point"):
        Membership.objects.create(
            user=user,
            organisation=org,
            role=role,
            areas=list(areas),
            clearance="red",
            valid_from=SINCE,
        )
    return user


def world(now: dt.datetime) -> World:
    """Migrate, load the catalogue, create the 20 organisations, members and AL's evidence."""
    call_command("migrate", verbosity=0)
    load_catalogue_into_db(load_catalogue())
    made = World()
    for short, kind, country, body, functions, areas in ORGS:
        org = Organisation.objects.create(
            name=short, short_name=short, kind=kind, country_id=country, body=body,
            functions=functions, areas=areas, valid_from=SINCE.date(),
        )  # fmt: skip
        made.orgs[short] = org
        made.users[short] = member(org, f"u-{short.lower()}", areas)
    source = SourceRecord(
        kind="public", url="https://example.org/enisa-report", title="ENISA cooperation report",
        publisher="ENISA", published_on=dt.date(2026, 6, 1), excerpt="",
    )  # fmt: skip
    with time_machine.travel(now - dt.timedelta(days=60), tick=False):
        for benchmark in AL_TIER_2:
            record_observation(
                country="AL", benchmark=benchmark, status="met",
                observed_on=(now - dt.timedelta(days=90)).date(), source=source,
                note="bench", recorded_by="bench",
            )  # fmt: skip
    return made


def _payload(template: str, stage: str, moment: dt.datetime, rng: random.Random) -> dict[str, Any]:
    form = shipped().get(template)
    example = copy.deepcopy(rng.choice(form.stages[stage].examples))
    props = form.stages[stage].schema.get("properties", {})
    for name, back in (("aware_at", 60), ("detected_at", 80)):
        if name in props and name in example:
            example[name] = (moment - dt.timedelta(minutes=back)).isoformat()
    return example


def _weighted(rng: random.Random, weights: dict[str, int], allowed: Sequence[str]) -> str:
    names = [n for n in weights if n in allowed and weights[n] > 0]
    return rng.choices(names, [weights[n] for n in names])[0]


def seed(made: World, k: int, now: dt.datetime, rng: random.Random) -> None:
    """`k` notifications by the real actions (see the module doc), acknowledged in part."""
    templates = [t for t, w in TEMPLATE_WEIGHTS.items() if w]
    for i in range(k * 3):
        if len(made.seeds) >= k:
            break
        template = rng.choices(templates, [TEMPLATE_WEIGHTS[t] for t in templates])[0]
        form = shipped().get(template)
        area = form.area
        in_area = [s for s, o in made.orgs.items() if area in o.areas]
        sender = READER if i % 7 == 0 and area == "cyber" else rng.choice(in_area)
        others = [s for s in in_area if s != sender]
        audience = "community" if rng.random() < 0.35 else "addressed"
        addressees = rng.sample(others, min(len(others), rng.randint(1, 3)))
        tlp = _weighted(rng, TLP_WEIGHTS, form.tlp_allowed)
        stage = form.opening_stage()
        moment = (now - dt.timedelta(seconds=rng.randrange(600, 5 * 86400))).replace(microsecond=0)
        try:
            sent = actions.send(
                made.users[sender], template=template, area=area, tlp=tlp,
                audience="addressed" if tlp == "red" else audience,
                addressees=[str(made.orgs[a].pk) for a in addressees], stage=stage,
                payload=_payload(template, stage, moment, rng), title=f"Bench item {i} ({template})",
                named_recipients=[made.users[a].username for a in addressees] if tlp == "red" else (),
                org=made.orgs[sender], now=moment,
            )  # fmt: skip
        except ExchangeError as error:
            made.seed_failures.append(f"{template}/{tlp}: {error}"[:200])
            continue
        made.seeds.append(sent.pk)
        for delivery in Delivery.objects.filter(notification=sent).select_related("organisation"):
            short = delivery.organisation.short_name
            if rng.random() < 0.6:
                ack = moment + dt.timedelta(minutes=rng.randrange(5, 55))
                if ack < now:
                    with contextlib.suppress(ExchangeError):
                        actions.acknowledge(
                            made.users[short], sent.pk, org=delivery.organisation, now=ack
                        )


# Set-based filler

SECONDS_BACK = 10 * 86400
SPAN = 3 * 365 * 86400
SUBMISSION_STRIDE = 1000  # filler submission id = x * STRIDE + the seed's id (seed ids < STRIDE)


def _series(n: int) -> str:
    if connection.vendor == "postgresql":
        return f"generate_series(1, {n}) AS g(x)"
    return "g"


def _prefix(n: int) -> str:
    if connection.vendor == "postgresql":
        return ""
    return f"WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < {n}) "


def _uid(expr: str) -> str:
    if connection.vendor == "postgresql":
        return f"lpad(to_hex({expr}), 32, '0')::uuid"
    return f"printf('%032x', {expr})"


def _column(f: models.Field[Any, Any], step: int) -> str:
    """The SELECT expression of one column of a filler row (the seed row is `r`)."""
    col = f'r."{f.column}"'
    shift = f"({SECONDS_BACK} + g.x * {step})"
    kind = f.get_internal_type()
    pg = connection.vendor == "postgresql"
    if f.column == "notification_id" or (f.primary_key and kind == "UUIDField"):
        return _uid("g.x")
    if f.column in ("submission_id", "supersedes_id") or (f.primary_key and f.model is Submission):
        return f"g.x * {SUBMISSION_STRIDE} + {col}"
    if kind == "DateTimeField":
        if pg:
            return f"{col} - make_interval(secs => {shift})"
        return f"strftime('%Y-%m-%d %H:%M:%S', {col}, '-' || {shift} || ' seconds')"
    if kind == "DateField":
        if pg:
            return f"{col} - ({shift} / 86400)::int"
        return f"date({col}, '-' || ({shift} / 86400) || ' days')"
    return col


def _insert(model: type[models.Model], join: str, n: int, step: int, k: int) -> int:
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
        or model is Submission
    ]
    table = model._meta.db_table
    columns = ", ".join(f'"{f.column}"' for f in fields)
    select = ", ".join(_column(f, step) for f in fields)
    sql = (
        f'{_prefix(n)}INSERT INTO "{table}" ({columns}) SELECT {select} '
        f"FROM {_series(n)} JOIN bench_seed s ON s.k = g.x % {k} {join}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
    return model._default_manager.count()


def _drop_indexes(table: str) -> list[str]:
    """PostgreSQL: drop `table`'s plain indexes (not those of constraints), returning their
    definitions: one sorted build after the insert beats a million btree insertions."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT "
            "EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [table],
        )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in found]


def _recreate(definitions: list[str]) -> None:
    with connection.cursor() as cursor:
        for definition in definitions:
            cursor.execute(definition)


def fill(n: int, seeds: Sequence[uuid.UUID]) -> dict[str, Any]:
    """Add `n - len(seeds)` filler notifications (and their rows) copied from the seeds, in
    one transaction per table: INSERT ... SELECT over generate_series (PostgreSQL) or a
    recursive CTE (SQLite). Returns the rows written per table and the seconds taken."""
    count, k = n - len(seeds), len(seeds)
    if count <= 0:
        return {"filler": 0}
    step = max(1, SPAN // count)
    began = time.perf_counter()
    uid = "uuid" if connection.vendor == "postgresql" else "char(32)"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_seed")
        cursor.execute(f"CREATE TABLE bench_seed (k integer PRIMARY KEY, id {uid} NOT NULL)")
        ids = [s.hex if connection.vendor == "sqlite" else str(s) for s in seeds]
        cursor.executemany("INSERT INTO bench_seed (k, id) VALUES (%s, %s)", list(enumerate(ids)))
    n_rows: dict[str, int] = {}
    plan: list[tuple[type[models.Model], str]] = [
        (Notification, 'JOIN "exchange_notification" r ON r."id" = s.id'),
        (Addressee, 'JOIN "exchange_addressee" r ON r."notification_id" = s.id'),
        (Submission, 'JOIN "exchange_submission" r ON r."notification_id" = s.id'),
        (
            DataKey,
            'JOIN "exchange_submission" sub ON sub."notification_id" = s.id '
            'JOIN "exchange_datakey" r ON r."submission_id" = sub."id"',
        ),
        (Delivery, 'JOIN "exchange_delivery" r ON r."notification_id" = s.id'),
        (ExchangeEvent, 'JOIN "exchange_exchangeevent" r ON r."notification_id" = s.id'),
    ]
    took: dict[str, float] = {}
    for model, join in plan:
        started = time.perf_counter()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # The rows copy valid seed rows: skip the per-row FK triggers (superuser only).
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = replica")
                    cursor.execute("SET LOCAL synchronous_commit = off")
            dropped = _drop_indexes(model._meta.db_table)
            n_rows[model._meta.db_table] = _insert(model, join, count, step, k)
            _recreate(dropped)
        took[model._meta.db_table] = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_seed")
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('exchange_submission', 'id'), "
                "(SELECT max(id) FROM exchange_submission))"
            )
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")
    seconds = round(time.perf_counter() - began, 1)
    return {"filler": count, "rows": n_rows, "seconds": seconds, "per_table_s": took}


def audit_chain(rows: int, now: dt.datetime) -> int:
    """Extend the audit chain by `rows` read-like rows with their real hashes (bulk inserts:
    what `audit.append` would have written one by one). Returns the chain's length."""
    head, _ = AuditHead.objects.get_or_create(pk=1)
    prev, seq = head.hash or GENESIS_HASH, head.seq
    batch: list[AuditEvent] = []
    for i in range(rows):
        seq += 1
        event = AuditEvent(
            seq=seq, at=now - dt.timedelta(seconds=rows - i), recorded_at=now,
            actor_user="u-csirt-al", actor_org=str(uuid.UUID(int=i % 20)), action="read",
            object_type="notification", object_id=str(uuid.UUID(int=i)), tlp="amber",
            outcome="allowed", details={"reason": "recipient"}, prev_hash=prev,
        )  # fmt: skip
        event.hash = row_hash(prev, _row(event))
        prev = event.hash
        batch.append(event)
        if len(batch) == 5000:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)
    head.seq, head.hash, head.updated_at = seq, prev, now
    head.save()
    return seq
