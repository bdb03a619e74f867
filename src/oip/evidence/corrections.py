"""Corrections: an observation that supersedes an earlier one (`Observation.supersedes`).

A correction names the stored observation it corrects, by fingerprint (the same on every
install) or by id. It must be stored already (not in the same import: import it first, so
corrections can never form a cycle) and of the same country; it may be of another benchmark
of that country (a fact filed under the wrong benchmark is corrected by the right one).
From the correction's `recorded_at` the superseded observation no longer counts; as known
before then it still does (`oip.standings.evaluation.load_observations`).
"""

from __future__ import annotations

from django.db.models import QuerySet

from oip.evidence.models import Observation
from oip.evidence.records import FINGERPRINT, RecordError

__all__ = ["corrections", "resolve_corrections"]

Correction = tuple[str, str, str, str]  # (file, record label, country, reference)


def corrections() -> QuerySet[Observation]:
    """Every correction (an observation that supersedes another), newest recorded first,
    with the observation it corrects joined (`supersedes`)."""
    return (
        Observation.objects.filter(supersedes__isnull=False)
        .select_related("supersedes", "source", "benchmark")
        .order_by("-recorded_at", "-id")
    )


def resolve_corrections(
    corrections: list[Correction],
) -> tuple[dict[str, tuple[int, str]], list[RecordError]]:
    """Resolve each correction's reference: reference -> (id, fingerprint) of the stored
    observation, and an error for each reference to nothing stored or to another country."""
    fingerprints = sorted({ref for *_, ref in corrections if FINGERPRINT.fullmatch(ref)})
    ids = sorted({int(ref) for *_, ref in corrections if not FINGERPRINT.fullmatch(ref)})
    found: dict[str, tuple[int, str, str]] = {}
    for start in range(0, len(fingerprints), 900):
        rows = Observation.objects.filter(fingerprint__in=fingerprints[start : start + 900])
        for pk, fp, country in rows.values_list("id", "fingerprint", "country_id"):
            found[fp] = (pk, fp, country)
    for start in range(0, len(ids), 900):
        rows = Observation.objects.filter(id__in=ids[start : start + 900])
        for pk, fp, country in rows.values_list("id", "fingerprint", "country_id"):
            found[str(pk)] = (pk, fp, country)
    resolved: dict[str, tuple[int, str]] = {}
    errors: list[RecordError] = []
    for file, record, country, ref in corrections:
        target = found.get(ref)
        if target is None:
            what = "fingerprint" if FINGERPRINT.fullmatch(ref) else "id"
            errors.append(
                RecordError(
                    file,
                    record,
                    "supersedes",
                    f"supersedes nothing stored: no observation has the {what} {ref!r} "
                    "(a correction names an observation imported before it)",
                )
            )
        elif target[2] != country:
            errors.append(
                RecordError(
                    file,
                    record,
                    "supersedes",
                    f"{ref!r} is an observation of {target[2]}, not {country}: a correction "
                    "stays in its country",
                )
            )
        else:
            resolved[ref] = target[:2]
    return resolved, errors
