"""Evidence: sources, dated observations (append-only) and context notes.

Every table here is append-only (`oip.site.appendonly`): a correction is a newer row. The
managers refuse updates and deletes, instances always INSERT, fixtures are refused, and
database triggers refuse UPDATE and DELETE from raw SQL too. What must be unique is unique in
the database (observation and source fingerprints, note keys), so concurrent imports can
never store a fact twice.
"""

from __future__ import annotations

from django.db import models

from oip.catalogue.models import Benchmark, Country
from oip.site.appendonly import AppendOnlyError, AppendOnlyModel
from oip.vocabulary import OBSERVATION_STATUSES, SOURCE_KINDS

__all__ = ["AppendOnlyError", "ContextNote", "ImportBatch", "Observation", "Source"]

STATUS_CHOICES = [(status, status.replace("_", " ")) for status in OBSERVATION_STATUSES]
SOURCE_KIND_CHOICES = [(kind, kind) for kind in SOURCE_KINDS]


class Source(AppendOnlyModel):
    """Where a fact comes from. Identical sources are stored once (by fingerprint).

    `kind`: `public` (the default; a public http(s) URL anyone can check), `measured` (by OIP
    itself, e.g. an aggregate the exchange computes) or `restricted` (seen by the analysts,
    not public).
    """

    kind = models.CharField(max_length=16, choices=SOURCE_KIND_CHOICES, default="public")
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
    """One run of `oip evidence import`: what was read; what it wrote points back at it.

    Immutable like the rows it wrote: the counts read are known before anything is written,
    and what was created is counted from the rows (`observations`, `context_notes`), so the
    record is true even when a concurrent import stored some of the same facts first.
    """

    files = models.TextField()
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=150)
    observations_read = models.PositiveIntegerField(default=0)
    notes_read = models.PositiveIntegerField(default=0)

    class Meta(AppendOnlyModel.Meta):
        ordering = ["-recorded_at", "-id"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.recorded_at:%Y-%m-%d %H:%M} {self.files}"


class Observation(AppendOnlyModel):
    """A dated, sourced status of one benchmark in one country.

    `supersedes`: the stored observation this one corrects (same country), or empty. From
    this row's `recorded_at` the superseded observation no longer counts; as known before
    it, it still does (`oip.standings.evaluation.load_observations`). The foreign key makes
    the database refuse a correction of nothing; a correction can only name a row stored
    before it, so corrections never form a cycle.
    """

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
    fingerprint = models.CharField(max_length=64, unique=True)
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text="the observation this one corrects; it no longer counts from this row's "
        "recorded_at",
    )

    class Meta(AppendOnlyModel.Meta):
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
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="context_notes"
    )

    class Meta(AppendOnlyModel.Meta):
        ordering = ["noted_on", "id"]

    def __str__(self) -> str:
        return self.title
