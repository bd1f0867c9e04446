from django.contrib import admin

from alma.mentoring.models import (
    Cycle,
    MatchRun,
    Meeting,
    MenteeApplication,
    MentoringProgram,
    MentorProfile,
    Mentorship,
)


@admin.register(MentoringProgram)
class MentoringProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "phase"]
    list_select_related = ["program"]


@admin.register(MentorProfile)
class MentorProfileAdmin(admin.ModelAdmin):
    list_display = ["person", "cycle", "capacity"]
    list_select_related = ["person", "cycle__program"]
    raw_id_fields = ["person"]


@admin.register(MenteeApplication)
class MenteeApplicationAdmin(admin.ModelAdmin):
    list_display = ["person", "cycle", "unmatched_reason"]
    list_select_related = ["person", "cycle__program"]
    raw_id_fields = ["person"]


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ["__str__", "cycle", "status", "score"]
    list_filter = ["status"]
    list_select_related = ["mentor__person", "mentee__person", "cycle__program"]
    raw_id_fields = ["mentor", "mentee", "run"]


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ["cycle", "solver", "matched", "objective", "seconds", "created_at"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "occurred_at", "topic"]
    raw_id_fields = ["mentorship", "activity"]
