from django.contrib import admin

from alma.imports.models import (
    DuplicateCandidate,
    ExportLog,
    ImportBatch,
    ImportMapping,
    Merge,
    Segment,
)


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["original_name", "status", "created_by", "created_at"]
    readonly_fields = ["stored_name", "report"]


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "created_by", "created_at"]


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "created_by", "created_at", "updated_at"]
    search_fields = ["name", "description"]
    readonly_fields = ["created_by", "created_at", "updated_at"]


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    list_display = ["exported_at", "exported_by", "segment", "format", "row_count"]
    readonly_fields = [
        "exported_at",
        "exported_by",
        "segment",
        "format",
        "query",
        "fields",
        "row_count",
    ]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(Merge)
class MergeAdmin(admin.ModelAdmin):
    list_display = ["merged_name", "merged_person_id", "survivor", "merged_at", "undone_at"]
    readonly_fields = ["snapshot"]


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(admin.ModelAdmin):
    list_display = ["person_a", "person_b", "probability", "status"]
    list_filter = ["status"]
