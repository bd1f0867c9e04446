from django.contrib import admin

from alma.activity.models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """Read-only: the ledger is written by services, never by hand."""

    list_display = [
        "occurred_at",
        "kind",
        "actor",
        "provider",
        "beneficiary",
        "beneficiary_stage",
        "aspect",
        "rating",
    ]
    list_filter = ["kind", "provider", "aspect", "beneficiary_stage", "engagement_mode"]
    raw_id_fields = ["actor", "beneficiary", "recorded_by"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
