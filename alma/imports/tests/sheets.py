"""Messy bilingual spreadsheets for the tests, built in code (no binary fixtures in the repo)."""

import csv
import io
from typing import Any

CHINESE_HEADERS = ["姓名", "学号", "性别", "出生日期", "毕业年份", "学院", "专业", "学历", "工作单位", "职务", "行业", "手机", "邮箱", "所在城市"]  # fmt: skip
GOOD_ROWS = [
    ["张伟", "2015001", "男", "1993-05-01", "2019", "计算机学院", "软件工程", "本科", "腾讯", "工程师", "互联网", "13812345678", "zhangwei@example.com", "深圳"],
    ["李娜", "2015002", "女", "1994/2/3", "2019届", "经济学院", "金融", "硕士", "招商银行", "分析师", "金融", "138-1234-5679", "LiNa@Example.com", "上海"],
    ["Wang Fang", "2016003", "F", "19950607", "2020", "School of Law", "Law", "Bachelor", "", "", "", "+86 139 0000 1111", "", "Beijing"],
]  # fmt: skip


def csv_bytes(
    rows: list[list[Any]],
    *,
    headers: list[str] = CHINESE_HEADERS,
    encoding: str = "gb18030",
    title: str = "",
) -> bytes:
    out = io.StringIO()
    if title:
        out.write(title + "\n\n")
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]], *, headers: list[str] = CHINESE_HEADERS) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def many_rows(n: int, *, start: int = 0) -> list[list[Any]]:
    cities = ["上海", "北京", "深圳", "杭州", "Chengdu"]
    return [
        [f"校友{i:06d}", f"X{i:08d}", "男" if i % 2 else "女", f"19{80 + i % 20}-0{1 + i % 9}-1{i % 10}", str(2000 + i % 24), "工学院", "机械工程", "本科", f"公司{i % 500}", "经理", "制造", f"139{i:08d}", f"a{i}@example.org", cities[i % 5]]
        for i in range(start, start + n)
    ]  # fmt: skip


def shown(error: Any) -> dict[str, Any]:
    """A row's problem as the office reads it (in the active language)."""
    return {"row": error.row, "column": error.column, "message": error.message}
