"""Exercises on the production templates (EXCHANGE.md §6.8): the exercise, its participants,
its injects, the after-action report and the follow-up actions.

`Exercise` and `Inject` are NOT records: an exercise moves planned → running → ended, and an
inject is marked released once (a conditional UPDATE on `released_at IS NULL`, so a second
release changes nothing). Only `oip.exchange.exercises`' actions change them; every change is
also an audit row. Participants, after-action reports, follow-ups and their closures are
records (append-only, with triggers): a closure is a `FollowUpClosure` row, never an edit.

The scenario and each inject's payload are sealed with `oip.exchange.crypto` like notification
payloads (`*_ct`, `*_mac`, `*_key_id`, `*_wrapped`): a participant must not read the injects
before they are released, and the operator reads neither.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from oip.accounts.models import Organisation
from oip.exchange.models.store import AUDIENCES, Notification
from oip.site.appendonly import AppendOnlyModel
from oip.vocabulary import TLP_LEVELS

__all__ = [
    "EXERCISE_STATUSES",
    "AfterActionReport",
    "Exercise",
    "ExerciseParticipant",
    "FollowUp",
    "FollowUpClosure",
    "Inject",
]

EXERCISE_STATUSES = ("planned", "running", "ended")


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class Exercise(models.Model):
    """One exercise: an EU body organises it for participants over [starts, ends]."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=200)
    areas = models.JSONField(default=list)
    organiser = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="exercises_organised"
    )
    scenario_ct = models.BinaryField()
    scenario_mac = models.CharField(max_length=64)
    scenario_key_id = models.CharField(max_length=32)
    scenario_wrapped = models.BinaryField()
    starts = models.DateTimeField()
    ends = models.DateTimeField()
    status = models.CharField(max_length=8, choices=_choices(EXERCISE_STATUSES), default="planned")
    eu_wide = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exercises_planned"
    )
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exercises_started",
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EXERCISE_STATUSES), name="exchange_exercise_status"
            ),
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")), name="exchange_exercise_period"
            ),
        ]

    def __str__(self) -> str:
        return f"exercise {self.title} ({self.status})"


class ExerciseParticipant(AppendOnlyModel):
    """An organisation that plays in an exercise."""

    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="participants")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="exercises_played"
    )
    recorded_at = models.DateTimeField()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["exercise", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "organisation"], name="exchange_participant_once"
            )
        ]


class Inject(models.Model):
    """A notification the exercise will send at `run_after` on a real template, with `exercise`
    set: `addressees` are organisation ids (participants). Released once: `released_at` and
    `released` (the notification) are set together by the release."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="injects")
    template = models.CharField(max_length=80)
    stage = models.CharField(max_length=60)
    area = models.CharField(max_length=80)
    tlp = models.CharField(max_length=16, choices=_choices(TLP_LEVELS))
    audience = models.CharField(max_length=16, choices=_choices(AUDIENCES), default="addressed")
    addressees = models.JSONField(default=list)
    title = models.CharField(max_length=200)
    payload_ct = models.BinaryField()
    payload_mac = models.CharField(max_length=64)
    key_id = models.CharField(max_length=32)
    wrapped = models.BinaryField()
    run_after = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    released = models.OneToOneField(
        Notification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inject",
    )
    release_error = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["exercise", "run_after", "id"]
        indexes = [models.Index(fields=["released_at", "run_after"], name="exchange_inject_due")]

    def __str__(self) -> str:
        return f"inject {self.template}/{self.stage} at {self.run_after:%Y-%m-%d %H:%M}"


class AfterActionReport(AppendOnlyModel):
    """The organiser's after-action report; a newer row is a newer version (latest counts)."""

    exercise = models.ForeignKey(
        Exercise, on_delete=models.PROTECT, related_name="after_action_reports"
    )
    text = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="after_action_reports"
    )
    recorded_at = models.DateTimeField()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["exercise", "recorded_at", "id"]


class FollowUp(AppendOnlyModel):
    """An action the after-action review asks of an owner organisation by a due date."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="follow_ups")
    action = models.TextField()
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="exercise_follow_ups"
    )
    due = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exercise_follow_ups"
    )
    recorded_at = models.DateTimeField()

    class Meta(AppendOnlyModel.Meta):
        ordering = ["exercise", "due", "recorded_at"]


class FollowUpClosure(AppendOnlyModel):
    """The closing of one follow-up (once), with who closed it and a note."""

    follow_up = models.OneToOneField(FollowUp, on_delete=models.PROTECT, related_name="closure")
    closed_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exercise_closures"
    )
    note = models.TextField(blank=True)

    class Meta(AppendOnlyModel.Meta):
        ordering = ["closed_at", "id"]
