from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from alma.people.models import (
    Chapter,
    ChapterMembership,
    Consent,
    Education,
    Employment,
    Organization,
    Person,
    StaffPost,
    StageTransition,
)


class EducationInline(admin.TabularInline):
    model = Education
    extra = 0


class EmploymentInline(admin.TabularInline):
    model = Employment
    extra = 0
    raw_id_fields = ["organization"]


class StaffPostInline(admin.TabularInline):
    model = StaffPost
    extra = 0


class MembershipInline(admin.TabularInline):
    model = ChapterMembership
    extra = 0
    raw_id_fields = ["person"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "name_latin", "stage", "current_city", "email"]
    list_filter = ["stage", "gender"]
    search_fields = ["full_name", "name_latin", "email", "phone", "educations__student_number"]
    inlines = [EducationInline, EmploymentInline, StaffPostInline]
    list_per_page = 50
    show_full_result_count = False


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "industry", "city"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["representatives"]


@admin.register(Chapter)
class ChapterAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "city", "province", "country"]
    list_filter = ["kind"]
    inlines = [MembershipInline]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["person", "purpose", "granted", "recorded_at", "source"]
    list_filter = ["purpose", "granted"]
    raw_id_fields = ["person"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # consent is append-only


@admin.register(StageTransition)
class StageTransitionAdmin(admin.ModelAdmin):
    list_display = ["person", "from_stage", "to_stage", "occurred_at", "recorded_by"]
    list_filter = ["to_stage"]
    raw_id_fields = ["person"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
