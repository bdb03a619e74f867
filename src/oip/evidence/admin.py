"""The analysts' admin: observations can be added and read, never edited or deleted."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from oip.evidence.actions import ImportFailed, record_observation
from oip.evidence.models import ContextNote, ImportBatch, Observation, Source
from oip.evidence.records import SourceRecord


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class ObservationForm(forms.ModelForm):  # type: ignore[type-arg]
    source_url = forms.URLField(required=False, max_length=1000, assume_scheme="https")
    source_title = forms.CharField(max_length=500)
    source_publisher = forms.CharField(required=False, max_length=300)
    source_published_on = forms.DateField(
        required=False, help_text="leave empty if the source shows no date"
    )
    source_excerpt = forms.CharField(required=False, widget=forms.Textarea)

    class Meta:
        model = Observation
        fields = ["country", "benchmark", "status", "observed_on", "note"]


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
        data = form.cleaned_data
        try:
            saved = record_observation(
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
                ),
                note=data.get("note") or "",
                recorded_by=f"admin:{request.user.get_username()}",
            )
        except ImportFailed as exc:
            raise forms.ValidationError("; ".join(str(e) for e in exc.errors)) from exc
        obj.pk = saved.pk
        obj._state.adding = False


admin.site.register(Source, ReadOnlyAdmin)
admin.site.register(ImportBatch, ReadOnlyAdmin)
admin.site.register(ContextNote, ReadOnlyAdmin)
