"""The alumni office's admin for giving: funds, donors, matching offers and receipt wording are
edited here; money (gifts, ledger entries, receipts) is only read: it changes through the
services (a correction is a reversal), never by editing a row."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from alma.giving.models import (
    Application,
    AwardRound,
    Donor,
    Fund,
    Gift,
    LedgerEntry,
    MatchingOffer,
    Pledge,
    Receipt,
    ReceiptWording,
    RecurringGift,
    ThankYouLetter,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "purpose", "is_endowment", "status", "balance"]
    list_filter = ["purpose", "status", "is_endowment"]
    search_fields = ["name", "code"]
    readonly_fields = ["balance"]
    filter_horizontal = ["founders"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Donor)
class DonorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "anonymous", "created_at"]
    raw_id_fields = ["person", "organization"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MatchingOffer)
class MatchingOfferAdmin(admin.ModelAdmin):
    list_display = ["donor", "ratio", "cap_per_person_per_year", "active"]
    raw_id_fields = ["donor"]


@admin.register(ReceiptWording)
class ReceiptWordingAdmin(admin.ModelAdmin):
    list_display = ["language", "organisation", "title", "updated_at"]


@admin.register(Gift)
class GiftAdmin(ReadOnlyAdmin):
    list_display = ["received_on", "donor", "fund", "kind", "amount", "currency", "original_amount"]
    list_filter = ["kind", "source", "fund"]
    date_hierarchy = "received_on"


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["occurred_on", "fund", "kind", "amount", "balance_after", "memo"]
    list_filter = ["kind", "fund"]


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["label", "gift", "issued_at", "printed_count"]


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    list_display = ["donor", "fund", "total", "pledged_on", "status"]


@admin.register(RecurringGift)
class RecurringGiftAdmin(ReadOnlyAdmin):
    list_display = ["donor", "fund", "amount", "interval", "next_due_on", "active"]


@admin.register(AwardRound)
class AwardRoundAdmin(ReadOnlyAdmin):
    list_display = ["name", "fund", "status", "amount", "places"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["student", "round", "status", "named_to_donors"]
    raw_id_fields = ["student"]


@admin.register(ThankYouLetter)
class ThankYouLetterAdmin(ReadOnlyAdmin):
    list_display = ["award", "status", "written_at"]
