from django.contrib import admin

from alma.lifecycle.models import GraduateDestination, ParentsGroup


@admin.register(GraduateDestination)
class GraduateDestinationAdmin(admin.ModelAdmin):
    list_display = ["person", "graduation_year", "city", "employer", "chapter", "answered_at"]
    list_filter = ["graduation_year", "chapter"]
    search_fields = ["person__full_name", "city", "employer"]
    raw_id_fields = ["person"]
    list_select_related = ["person", "chapter"]


@admin.register(ParentsGroup)
class ParentsGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "chapter", "entry_year"]
    raw_id_fields = ["members"]
