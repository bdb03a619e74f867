"""The administrator's screens for accounts, organisations and memberships.

A membership added here records who granted it (the signed-in administrator).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from oip.accounts.models import Membership, Organisation, User

admin.site.register(User, UserAdmin)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["short_name", "name", "kind", "country", "body", "valid_from", "valid_to"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "short_name", "body"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "organisation", "role", "clearance", "valid_from", "valid_to"]
    list_filter = ["role", "clearance", "organisation"]
    search_fields = ["user__username", "organisation__short_name"]
    list_select_related = ["user", "organisation"]
    readonly_fields = ["granted_by"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
