"""Named write actions on the catalogue tables. Nothing else writes them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from oip.catalogue.loader import content_hash, export_data
from oip.catalogue.models import Benchmark, CatalogueVersion, Country
from oip.catalogue.schema import Catalogue
from oip.site import clock
from oip.site.models import bump_data_version
from oip.site.signals import announce_data_changed


class CatalogueLoadRefused(Exception):
    """Loading would lose information or blur versions; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class LoadResult:
    version: str
    content_hash: str
    changed: bool
    benchmarks_added: int
    benchmarks_removed: int


@transaction.atomic
def load_catalogue_into_db(catalogue: Catalogue) -> LoadResult:
    """Record `catalogue` as the current version; idempotent for identical content.

    Refuses (CatalogueLoadRefused, nothing written) when the content changed under an
    unchanged version label, or when a benchmark or country that has evidence would be dropped.
    """
    digest = content_hash(catalogue)
    latest = CatalogueVersion.objects.select_for_update().order_by("-loaded_at", "-id").first()
    if latest is not None and latest.content_hash == digest:
        return LoadResult(catalogue.version, digest, False, 0, 0)
    if latest is not None and latest.version == catalogue.version:
        raise CatalogueLoadRefused(
            f"catalogue content changed but its version is still {catalogue.version!r}: "
            "bump `version` in catalogue.yaml to load it"
        )
    if (
        CatalogueVersion.objects.filter(version=catalogue.version)
        .exclude(content_hash=digest)
        .exists()
    ):
        raise CatalogueLoadRefused(
            f"version {catalogue.version!r} was loaded before with other content: "
            "choose a new version label"
        )

    new_benchmarks = {b.id: (t, b) for t, b in catalogue.benchmarks()}
    dropped = set(Benchmark.objects.values_list("id", flat=True)) - set(new_benchmarks)
    with_evidence = sorted(
        # Through the reverse relation: the evidence app depends on the catalogue, not back.
        Benchmark.objects.filter(id__in=dropped, observations__isnull=False)
        .values_list("id", flat=True)
        .distinct()
    )
    if with_evidence:
        raise CatalogueLoadRefused(
            "benchmarks with evidence would be dropped: "
            + ", ".join(with_evidence)
            + " (keep them in the catalogue, or rename by adding the new benchmark alongside)"
        )
    new_countries = {c.code for c in catalogue.countries}
    dropped_countries = set(Country.objects.values_list("code", flat=True)) - new_countries
    countries_with_evidence = sorted(
        Country.objects.filter(code__in=dropped_countries, observations__isnull=False)
        .values_list("code", flat=True)
        .distinct()
    )
    if countries_with_evidence:
        raise CatalogueLoadRefused(
            "countries with evidence would be dropped: " + ", ".join(countries_with_evidence)
        )

    Benchmark.objects.filter(id__in=dropped).delete()
    Country.objects.filter(code__in=dropped_countries).delete()
    for position, country in enumerate(catalogue.countries):
        Country.objects.update_or_create(
            code=country.code, defaults={"name": country.name, "position": position}
        )
    existing = set(Benchmark.objects.values_list("id", flat=True))
    rows = []
    for position, (target, benchmark) in enumerate(catalogue.benchmarks()):
        rows.append(
            Benchmark(
                id=benchmark.id,
                target=target.id,
                area=target.area,
                tier=target.tier,
                kind=benchmark.kind,
                statement=benchmark.statement,
                position=position,
            )
        )
    Benchmark.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["target", "area", "tier", "kind", "statement", "position"],
    )
    # The read paths key their caches on the data version: bumped in this transaction.
    bump_data_version()
    announce_data_changed()
    CatalogueVersion.objects.create(
        version=catalogue.version,
        content_hash=digest,
        content=export_data(catalogue),
        loaded_at=clock.now(),
    )
    return LoadResult(
        catalogue.version,
        digest,
        True,
        len(set(new_benchmarks) - existing),
        len(dropped),
    )
