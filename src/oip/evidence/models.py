"""Evidence: sources, dated observations (append-only) and context notes.

An observation is never updated or deleted: a correction is a newer observation. The query
set refuses bulk updates and deletes, and instances refuse to be saved twice or deleted, so
no code path in the application can lose evidence by accident.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from oip.catalogue.models import Benchmark, Country

STATUS_CHOICES = [
    ("met", "met"),
    ("partial", "partial"),
    ("not_met", "not met"),
    ("not_applicable", "not applicable"),
]


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove recorded evidence."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only; record a newer one")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only; record a newer one")


class AppendOnlyModel(models.Model):
    objects: ClassVar[Any] = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A guard, not business logic: existing rows must never be rewritten.
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} {self.pk} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} {self.pk} is append-only")


class Source(AppendOnlyModel):
    """Where a fact comes from. Identical sources are stored once (by fingerprint)."""

    url = models.CharField(max_length=1000, blank=True)
    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=300, blank=True)
    published_on = models.DateField(
        null=True, blank=True, help_text="empty = the source shows no date (n.d.)"
    )
    excerpt = models.TextField(blank=True)
    fingerprint = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        date = self.published_on.isoformat() if self.published_on else "n.d."
        return f"{self.title} ({self.publisher or 'unknown publisher'}, {date})"


class ImportBatch(AppendOnlyModel):
    """One run of `oip evidence import` (or of the admin): what was read and what was written."""

    files = models.TextField()
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=150)
    created = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.recorded_at:%Y-%m-%d %H:%M} {self.files}"


class Observation(AppendOnlyModel):
    """A dated, sourced status of one benchmark in one country."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="observations")
    benchmark = models.ForeignKey(Benchmark, on_delete=models.PROTECT, related_name="observations")
    status = models.CharField(max_length=16, choices=STATUS_CHOICES)
    observed_on = models.DateField(help_text="when the fact became true; never in the future")
    recorded_at = models.DateTimeField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="observations")
    note = models.TextField(blank=True)
    recorded_by = models.CharField(max_length=150)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="observations"
    )
    fingerprint = models.CharField(max_length=64, db_index=True)

    class Meta:
        ordering = ["country_id", "benchmark_id", "observed_on", "recorded_at", "id"]
        indexes = [
            # Covers the engine's whole read (fetch.load_observations), in its order.
            models.Index(
                fields=["country", "benchmark", "observed_on", "status", "recorded_at"],
                name="evidence_engine_read",
            ),
            models.Index(fields=["recorded_at"]),
            # The evidence lists read newest fact first; scanned backwards, this serves them.
            models.Index(fields=["observed_on", "recorded_at", "id"], name="evidence_newest_first"),
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.benchmark_id} {self.status} on {self.observed_on}"


class ContextNote(AppendOnlyModel):
    """Dated, sourced context that is not a benchmark (an attack, a proposal, a summit).

    `country` empty = regional; `area` empty = all areas.
    """

    key = models.CharField(max_length=120, unique=True)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="context_notes"
    )
    area = models.CharField(max_length=80, blank=True)
    title = models.CharField(max_length=300)
    body = models.TextField()
    noted_on = models.DateField(null=True, blank=True, help_text="the date the context refers to")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="context_notes")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["noted_on", "id"]

    def __str__(self) -> str:
        return self.title
