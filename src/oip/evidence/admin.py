"""The analysts' admin: observations can be added and read, never edited or deleted.

Adding validates the observation exactly as an import would (`check_observation`) while the
form is cleaned, so every problem is a form error on its field, never a server error; an
observation identical to a stored one is reported and not stored twice.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from oip.evidence.actions import (
    ImportFailed,
    check_observation,
    record_observation,
    stored_observation,
)
from oip.evidence.models import SOURCE_KIND_CHOICES, ContextNote, ImportBatch, Observation, Source
from oip.evidence.records import ObservationRecord, SourceRecord

#: Where a record field's problem shows in the form (`source.url` -> the `source_url` field).
FORM_FIELDS = {
    "country": "country",
    "benchmark": "benchmark",
    "status": "status",
    "observed_on": "observed_on",
    "note": "note",
    "source": None,
    "source.kind": "source_kind",
    "source.url": "source_url",
    "source.title": "source_title",
    "source.publisher": "source_publisher",
    "source.published_on": "source_published_on",
    "source.excerpt": "source_excerpt",
}


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class ObservationForm(forms.ModelForm):  # type: ignore[type-arg]
    source_kind = forms.ChoiceField(
        choices=SOURCE_KIND_CHOICES,
        initial="public",
        required=False,
        help_text="public: a public http(s) URL; measured: by OIP itself; restricted: not public",
    )
    source_url = forms.CharField(required=False, max_length=1000)
    source_title = forms.CharField(max_length=500)
    source_publisher = forms.CharField(required=False, max_length=300)
    source_published_on = forms.DateField(
        required=False, help_text="leave empty if the source shows no date"
    )
    source_excerpt = forms.CharField(required=False, widget=forms.Textarea)

    class Meta:
        model = Observation
        fields = ["country", "benchmark", "status", "observed_on", "note"]

    #: The validated record, set by clean() when the observation is new and valid.
    record: ObservationRecord | None = None

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if self.errors or data is None:
            return data  # a field is missing or malformed; it already says so
        try:
            record = check_observation(
                country=data["country"].code,
                benchmark=data["benchmark"].id,
                status=data["status"],
                observed_on=data["observed_on"],
                source=SourceRecord(
                    url=data.get("source_url") or "",
                    title=data["source_title"],
                    publisher=data.get("source_publisher") or "",
                    published_on=data.get("source_published_on"),
                    excerpt=data.get("source_excerpt") or "",
                    kind=data.get("source_kind") or "public",
                ),
                note=data.get("note") or "",
            )
        except ImportFailed as exc:
            for error in exc.errors:
                self.add_error(FORM_FIELDS.get(error.field), error.message)
            return data
        stored = stored_observation(record)
        if stored is not None:
            raise forms.ValidationError(
                f"this observation is already recorded (observation {stored.pk}, "
                f"recorded {stored.recorded_at:%Y-%m-%d %H:%M} by {stored.recorded_by}); "
                "nothing was added",
                code="duplicate",
            )
        self.record = record
        return data


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = ObservationForm
    list_display = ["country", "benchmark", "status", "observed_on", "recorded_at", "recorded_by"]
    list_filter = ["country", "status", "benchmark__area"]
    search_fields = ["benchmark__id", "note", "source__title"]
    date_hierarchy = "observed_on"
    list_select_related = ["country", "benchmark"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Viewing an existing observation is allowed; changing it is not (append-only).
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Observation, form: Any, change: bool) -> None:
        record: ObservationRecord = form.record
        recorded = record_observation(
            country=record.country,
            benchmark=record.benchmark,
            status=record.status,
            observed_on=record.observed_on,
            source=record.source,
            note=record.note,
            recorded_by=f"admin:{request.user.get_username()}",
        )
        if not recorded.created:  # stored by someone else since the form was checked
            messages.warning(
                request,
                f"this observation was already recorded (observation "
                f"{recorded.observation.pk}); nothing was added",
            )
        obj.pk = recorded.observation.pk
        obj._state.adding = False


@admin.register(Source)
class SourceAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "publisher", "published_on", "url"]
    list_filter = ["kind"]
    search_fields = ["title", "publisher", "url"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = [
        "recorded_at",
        "recorded_by",
        "files",
        "observations_read",
        "observations_created",
        "notes_read",
        "notes_created",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImportBatch]:
        rows: QuerySet[ImportBatch] = super().get_queryset(request)
        return rows.annotate(
            created_count=Count("observations", distinct=True),
            notes_count=Count("context_notes", distinct=True),
        )

    @admin.display(description="observations created")
    def observations_created(self, batch: Any) -> int:
        return int(batch.created_count)

    @admin.display(description="notes created")
    def notes_created(self, batch: Any) -> int:
        return int(batch.notes_count)


admin.site.register(ContextNote, ReadOnlyAdmin)
