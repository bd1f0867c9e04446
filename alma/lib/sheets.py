"""Spreadsheets out: CSV (UTF-8 with a BOM, for Excel) and XLSX, with formula-like text escaped.

Every export uses these (the directory's and segments' in imports, giving's reports), so a cell
that a spreadsheet would run as a formula is escaped the same way everywhere.
"""

import csv
import io
import re
from typing import Any

from django.utils.translation import gettext as _

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: Any) -> Any:
    """A value safe to open in a spreadsheet: text that starts like a formula gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(columns: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    # A BOM so that Excel opens UTF-8 Chinese text correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(columns: list[str], rows: list[list[Any]], *, title: str = "") -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    # Excel refuses sheet names with []:*?/\ or longer than 31 characters.
    title = re.sub(r"[\[\]:*?/\\]", " ", title).strip()
    sheet = book.create_sheet(title=(title or _("Export"))[:31])
    sheet.append(columns)
    for row in rows:
        # Escaped text stays text: openpyxl writes a string starting with ' as a string cell.
        sheet.append([str(v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
