"""Acknowledgement receipts and annual summaries as PDF (WeasyPrint, Noto Sans CJK for Chinese).

These acknowledge a gift; they are not the statutory donation invoice (捐赠票据). The wording
comes from `ReceiptWording` for the language, else the translated defaults below.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alma.giving.models import Donor, Gift, LedgerEntry, Receipt, ReceiptWording
from alma.lib.money import format_money


def wording_for(language: str) -> dict[str, str]:
    row = ReceiptWording.objects.filter(language=language).first()
    if row is not None:
        return {
            "organisation": row.organisation,
            "title": row.title,
            "body": row.body,
            "footer": row.footer,
        }
    return default_wording()


def default_wording() -> dict[str, str]:
    return {
        "organisation": _("University Education Foundation"),
        "title": _("Acknowledgement of your gift"),
        "body": _("With thanks to {donor} for the gift of {amount} to {fund}, received on {date}."),
        "footer": _(
            "This acknowledgement is not the statutory donation invoice; the finance office "
            "issues that on request."
        ),
    }


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return bytes(HTML(string=html).write_pdf())


def receipt_pdf(*, receipt: Receipt, donor_name: str, duplicate: bool) -> bytes:
    gift = Gift.objects.select_related("fund").get(pk=receipt.gift_id)
    language = translation.get_language() or "en"
    wording = wording_for(language)
    amount = format_money(gift.amount)
    body = wording["body"].format(
        donor=donor_name, amount=amount, fund=gift.fund.name, date=gift.received_on.isoformat()
    )
    reversed_on = (
        LedgerEntry.objects.filter(gift=gift, kind=LedgerEntry.Kind.REVERSAL)
        .values_list("occurred_on", flat=True)
        .first()
    )
    return _pdf(
        "giving/receipt_pdf.html",
        {
            "receipt": receipt,
            "gift": gift,
            "wording": wording,
            "body": body,
            "amount": amount,
            "original": format_money(gift.original_amount, gift.currency),
            "foreign": gift.currency != "" and gift.amount != gift.original_amount,
            "donor_name": donor_name,
            "duplicate": duplicate,
            "reversed_on": reversed_on,
            "language": language,
        },
    )


def annual_summary_pdf(*, donor: Donor, donor_name: str, year: int) -> bytes:
    gifts = list(
        Gift.objects.filter(donor=donor, received_on__year=year)
        .exclude(entries__kind=LedgerEntry.Kind.REVERSAL)
        .select_related("fund", "receipt")
        .order_by("received_on", "id")
    )
    total = sum((g.amount for g in gifts), Decimal(0))
    language = translation.get_language() or "en"
    return _pdf(
        "giving/summary_pdf.html",
        {
            "wording": wording_for(language),
            "donor_name": donor_name,
            "year": year,
            "rows": [(g, format_money(g.amount)) for g in gifts],
            "total": format_money(total),
            "issued": timezone.localdate(),
            "language": language,
        },
    )


def report_pdf(*, title: str, headers: list[str], rows: list[list[Any]]) -> bytes:
    return _pdf(
        "giving/report_pdf.html",
        {
            "title": title,
            "headers": headers,
            "rows": rows,
            "issued": timezone.localdate(),
            "language": translation.get_language() or "en",
            "today": dt.date.today(),
        },
    )
