from django.contrib import admin

from alma.events.models import (
    CalendarFeed,
    Event,
    EventMessage,
    EventRole,
    Program,
    Registration,
    RegistrationQuestion,
)
from alma.people.models import PersonRelation


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "stage", "aspect", "cadence", "is_active"]
    list_filter = ["stage", "aspect", "is_active"]
    search_fields = ["name"]


class QuestionInline(admin.TabularInline):
    model = RegistrationQuestion
    extra = 0


class RoleInline(admin.TabularInline):
    model = EventRole
    extra = 0
    raw_id_fields = ["person"]


class MessageInline(admin.StackedInline):
    model = EventMessage
    extra = 0
    raw_id_fields = ["author"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "host_chapter", "host_unit", "status", "capacity"]
    list_filter = ["kind", "status", "program"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["created_by"]
    list_select_related = ["host_chapter", "host_unit"]
    inlines = [QuestionInline, RoleInline, MessageInline]
    list_per_page = 50


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["person", "event", "status", "guests", "checked_in_at", "is_walk_in"]
    list_filter = ["status", "is_walk_in"]
    search_fields = ["person__full_name", "event__title"]
    raw_id_fields = ["person", "event", "checked_in_by"]
    list_select_related = ["person", "event"]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # seats change through the event pages, which keep capacity and the waitlist


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["person", "created_at"]
    raw_id_fields = ["person"]
    exclude = ["token"]


# Parents and guardians are people too; the relation lives in people, its admin here for now.
@admin.register(PersonRelation)
class PersonRelationAdmin(admin.ModelAdmin):
    list_display = ["relative", "kind", "person", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["person", "relative"]
    search_fields = ["person__full_name", "relative__full_name"]
