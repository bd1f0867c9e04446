"""The office's admin for careers: job fairs and their booths, practice-base agreements and the
alliance's records. Postings, applications and CVs change only through the pages (review,
pipeline, permission-checked downloads), never by editing a row here."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from alma.careers.models import AllianceMembership, Booth, JobFair, PracticeBase
from alma.careers.selectors import is_career_staff


class OfficeAdmin:
    """Open to career staff (the admin site itself admits only the alumni office)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_career_staff(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_career_staff(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_career_staff(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_career_staff(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_career_staff(request.user)


class BoothInline(OfficeAdmin, admin.TabularInline):  # type: ignore[misc]
    model = Booth
    fields = ["location", "organization", "postings"]
    raw_id_fields = ["organization", "postings"]
    extra = 0


@admin.register(JobFair)
class JobFairAdmin(OfficeAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ["name", "date", "venue", "status"]
    list_filter = ["status"]
    search_fields = ["name"]
    raw_id_fields = ["event"]
    inlines = [BoothInline]


@admin.register(PracticeBase)
class PracticeBaseAdmin(OfficeAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ["title", "organization", "starts_on", "ends_on"]
    raw_id_fields = ["organization"]
    search_fields = ["title", "organization__name"]


@admin.register(AllianceMembership)
class AllianceMembershipAdmin(OfficeAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ["organization", "status", "size", "cities"]
    list_filter = ["status", "size"]
    search_fields = ["organization__name"]
    fields = ["organization", "status", "size", "cities", "sponsorships"]
    raw_id_fields = ["organization"]
