"""Reads an uploaded spreadsheet (CSV in any of the encodings Chinese offices use, or XLSX) safely.

CSV: UTF-8 with or without BOM, UTF-16 with BOM, then GB18030 (a superset of GBK and GB2312), tried
strictly in that order; the first that decodes the whole file wins. XLSX: openpyxl, which parses the
workbook's XML with defusedxml when it is installed (it is a dependency); formulas are never
evaluated — a formula cell is reported, not computed; the archive's unpacked size is capped so a
zip bomb stops before it is read.
"""

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from alma.lib.errors import ApplicationError
from alma.lib.reasons import Reason

ENCODINGS = ("utf-8-sig", "utf-16", "gb18030")
DECODE_SLICE = 1 << 20  # bytes decoded at a time when the encoding is checked
HEADER_SCAN = 10  # the header row is looked for among the first rows (titles above it are common)


class Formula(str):
    """A cell that held a formula in the workbook; its text, never its value."""


@dataclass
class Table:
    encoding: str
    header_line: int
    headers: list[str]
    # (line number in the file, cells): CSV lines or worksheet rows, 1-based; blank ones left out.
    # The rows read and not yet taken (see take).
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    # the rows not read yet (read_table(lazy=True)), and how much of the file has been read
    unread: Iterator[tuple[int, list[Any]]] | None = None
    fraction_read: Callable[[], float] = lambda: 1.0
    taken: int = 0  # rows handed out by take() and no longer held

    def read(self, upto: int | None = None) -> int:
        """Read on until `upto` rows are held, or all of them; returns how many are."""
        if self.unread is not None and (upto is None or len(self.rows) < upto):
            rows = self.rows
            for line, cells in self.unread:
                if not _blank(cells):
                    rows.append((line, cells))
                    if upto is not None and len(rows) >= upto:
                        break
            else:
                self.unread = None
        return len(self.rows)

    def take(self, count: int) -> list[tuple[int, list[Any]]]:
        """The next `count` rows (fewer at the end), read now if need be and no longer held:
        an import works through a large file with only a chunk of it in memory."""
        self.read(count)
        taken, self.rows = self.rows[:count], self.rows[count:]
        self.taken += len(taken)
        return taken

    @property
    def row_count(self) -> int:
        """Rows read so far, taken or not (every row, once the file is read)."""
        return self.taken + len(self.rows)

    def estimated_rows(self) -> int:
        """How many rows the file holds: exact once read, else judged by how far reading got."""
        if self.unread is None:
            return self.row_count
        return max(self.row_count, round(self.row_count / max(self.fraction_read(), 1e-6)))


def max_bytes() -> int:
    return int(getattr(settings, "ALMA_IMPORT_MAX_BYTES", 50 * 1024 * 1024))


def text_encoding(data: bytes) -> str:
    """The encoding that decodes the whole file (checked a slice at a time: no copy of the whole
    text is made, which for a large file would be several times its size)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), DECODE_SLICE):
                decoder.decode(data[start : start + DECODE_SLICE])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ApplicationError(
        Reason(
            gettext_noop(
                "The file is neither UTF-8 nor GB18030/GBK text. Save it as CSV UTF-8 or XLSX."
            )
        )
    )


def _csv_rows(buffer: io.TextIOWrapper) -> Iterator[tuple[int, list[str]]]:
    sample = buffer.read(20000)
    buffer.seek(0)
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(buffer, dialect)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # a cell over the csv module's limit, say
            raise ApplicationError(
                Reason(
                    gettext_noop("The file could not be read at line %(line)d: %(error)s"),
                    {"line": reader.line_num, "error": str(error)},
                )
            ) from None
        yield start, cells
        start = reader.line_num + 1


def _xlsx_rows(data: bytes) -> tuple[Iterator[tuple[int, list[Any]]], Callable[[], float]]:
    """The first sheet's rows, and how much of them has been read (by the sheet's own size)."""
    import openpyxl
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise ApplicationError(_("XLSX import needs defusedxml installed."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ApplicationError(
            Reason(gettext_noop("The file is not a valid XLSX workbook."))
        ) from None
    if unpacked > 10 * max_bytes():
        raise ApplicationError(
            Reason(gettext_noop("The workbook unpacks to more than the size limit allows."))
        )
    try:
        # data_only=False: a formula cell gives its formula text; nothing is calculated.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many types for broken files
        raise ApplicationError(
            Reason(gettext_noop("The workbook could not be read: %s"), (str(error),))
        ) from None
    sheet = book.worksheets[0]
    size, done = sheet.max_row or 0, [0]

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            done[0] = number
            yield (
                number,
                [
                    Formula(v) if isinstance(v, str) and v.startswith("=") and len(v) > 1 else v
                    for v in cells
                ],
            )
        book.close()

    return rows(), lambda: done[0] / size if size else 1.0


def _blank(cells: list[Any]) -> bool:
    try:
        return not "".join(cells).strip()  # a CSV row: text only
    except TypeError:  # a worksheet row: numbers, dates, None
        return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def read_table(data: bytes, *, filename: str, lazy: bool = False) -> Table:
    """Rows of the first sheet or the CSV, with the header row found among the first lines.
    Lazy: only those lines are read now, the rest as table.read() asks for them (an import
    writes the first rows while it reads the others)."""
    table = _read_table(data, filename)
    if not lazy:
        table.read()
    return table


def _read_table(data: bytes, filename: str) -> Table:
    from alma.imports.fields import header_field

    if len(data) > max_bytes():
        raise ApplicationError(
            Reason(
                gettext_noop("The file is larger than the limit of %(mb)d MB."),
                {"mb": max_bytes() // 2**20},
            )
        )
    fraction_read: Callable[[], float]
    if data[:4] == b"PK\x03\x04" or Path(filename).suffix.lower() in (".xlsx", ".xlsm"):
        encoding = "xlsx"
        rows, fraction_read = _xlsx_rows(data)
    else:
        encoding = text_encoding(data)
        raw = io.BytesIO(data)
        # Decoded as it is read: the text of a large file is never held whole.
        buffer = io.TextIOWrapper(raw, encoding=encoding, newline="")
        rows = _csv_rows(buffer)
        # (the reader closes the bytes once read to the end)
        fraction_read = lambda: 1.0 if raw.closed else raw.tell() / max(len(data), 1)  # noqa: E731
    head: list[tuple[int, list[Any]]] = []
    for line, cells in rows:
        if not _blank(cells):
            head.append((line, cells))
        if len(head) >= HEADER_SCAN:
            break
    if not head:
        raise ApplicationError(Reason(gettext_noop("The file has no rows.")))

    def known(cells: list[Any]) -> int:
        return sum(1 for c in cells if c is not None and header_field(str(c)))

    best = max(range(len(head)), key=lambda i: (known(head[i][1]), -i))
    header_line, header_cells = head[best]
    headers = [str(c).strip() if c is not None else "" for c in header_cells]
    return Table(
        encoding=encoding,
        header_line=header_line,
        headers=headers,
        rows=head[best + 1 :],
        unread=rows,
        fraction_read=fraction_read,
    )


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without '.0', dates as ISO."""
    if value.__class__ is str:  # every CSV cell
        return str(value.strip())
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if not value.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
