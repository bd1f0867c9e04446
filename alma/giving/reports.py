"""Reports as tables, and their exports: CSV and XLSX (cells escaped against formulas) or PDF.

Fund statements for a period, a donor's history, and totals by year, purpose and source. The
figures come from the selectors, which read the ledger; the exports show the same numbers.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from alma.giving.models import Donor, Fund, Purpose, Source
from alma.giving.selectors import donor_gifts, fund_statement, gift_totals
from alma.lib.errors import ApplicationError
from alma.lib.sheets import csv_bytes, escape_cell, xlsx_bytes

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@dataclass
class Table:
    title: str
    filename: str
    headers: list[str]
    rows: list[list[Any]]


def _money(value: Decimal) -> Decimal:
    # Numbers stay numbers (a spreadsheet sums them; only text is escaped against formulas).
    return value.quantize(Decimal("0.01"))


def statement_table(*, fund: Fund, start: dt.date, end: dt.date) -> Table:
    s = fund_statement(fund=fund, start=start, end=end)
    rows: list[list[Any]] = [[start.isoformat(), _("Opening balance"), "", _money(s.opening)]]
    for entry in s.entries:
        rows.append(
            [
                entry.occurred_on.isoformat(),
                entry.get_kind_display(),
                _money(entry.amount),
                _money(entry.balance_after),
            ]
        )
    rows += [
        ["", _("Gifts"), _money(s.gifts), ""],
        ["", _("Award payments"), _money(-s.payments), ""],
        ["", _("Transfers in"), _money(s.transfers_in), ""],
        ["", _("Transfers out"), _money(-s.transfers_out), ""],
        [end.isoformat(), _("Closing balance"), "", _money(s.closing)],
    ]
    return Table(
        title=_("Statement of %(fund)s, %(start)s to %(end)s")
        % {"fund": fund.name, "start": start.isoformat(), "end": end.isoformat()},
        filename=f"statement-{fund.code}-{start.isoformat()}-{end.isoformat()}",
        headers=[_("Date"), _("Entry"), _("Amount"), _("Balance")],
        rows=rows,
    )


def donor_history_table(*, donor: Donor, donor_name: str) -> Table:
    rows = [
        [
            g.received_on.isoformat(),
            g.fund.name,
            g.get_kind_display(),
            _money(g.amount),
            f"{g.original_amount} {g.currency}",
            g.receipt.label if hasattr(g, "receipt") else "",
            _("Reversed") if g.reversed_count else "",  # type: ignore[attr-defined]
        ]
        for g in donor_gifts(donor=donor)
    ]
    return Table(
        title=_("Gifts of %(donor)s") % {"donor": donor_name},
        filename=f"donor-{donor.pk}-history",
        headers=[
            _("Date"),
            _("Fund"),
            _("Kind"),
            _("Amount"),
            _("As given"),
            _("Receipt"),
            _("Status"),
        ],
        rows=rows,
    )


def totals_table(*, year: int | None = None) -> Table:
    purposes = dict(Purpose.choices)
    sources = dict(Source.choices)
    rows = [
        [
            t.year,
            str(purposes.get(t.purpose, t.purpose)),
            str(sources.get(t.source, t.source)),
            t.gifts,
            _money(t.money),
            _money(t.in_kind),
        ]
        for t in gift_totals(year=year)
    ]
    return Table(
        title=_("Gifts by year, purpose and source"),
        filename="giving-totals" + (f"-{year}" if year else ""),
        headers=[_("Year"), _("Purpose"), _("Source"), _("Gifts"), _("Money"), _("In kind")],
        rows=rows,
    )


def export(table: Table, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of a table in a format: csv, xlsx or pdf."""
    if fmt not in FORMATS:
        raise ApplicationError(_("Choose CSV, XLSX or PDF."), field="format")
    safe = [[escape_cell(cell) for cell in row] for row in table.rows]
    if fmt == "csv":
        content = csv_bytes(table.headers, safe)
    elif fmt == "xlsx":
        content = xlsx_bytes(table.headers, safe, title=table.title[:31])
    else:
        from alma.giving.receipts import report_pdf

        content = report_pdf(title=table.title, headers=table.headers, rows=table.rows)
    return content, FORMATS[fmt], f"{table.filename}.{fmt}"
