"""The catalogue as loaded into the database: its versions, and the rows evidence refers to.

The YAML in the package is the source of truth; `oip catalogue load` records each distinct
version with its content hash and full content, so the database always knows which catalogue
its evidence was assessed against.
"""

from __future__ import annotations

from django.db import models


class CatalogueVersion(models.Model):
    """One loaded catalogue: its version label, content hash and the exported content."""

    version = models.CharField(max_length=64)
    content_hash = models.CharField(max_length=64)
    content = models.JSONField()
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["-loaded_at", "-id"]
        get_latest_by = ["loaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.version} ({self.content_hash[:12]})"


class Country(models.Model):
    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Benchmark(models.Model):
    """A benchmark of the current catalogue; evidence rows point here."""

    id = models.CharField(max_length=200, primary_key=True)
    target = models.CharField(max_length=120)
    area = models.CharField(max_length=80)
    tier = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20)
    statement = models.TextField()
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.id
