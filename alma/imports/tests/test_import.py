"""Importing people: encodings, header mapping, every validation error, all-or-nothing, idempotence."""

import datetime as dt
import json
import unicodedata
from io import StringIO

import pytest
from django.core.management import call_command

from alma.directory.models import DirectoryEntry
from alma.imports.fields import propose_mapping
from alma.imports.people_import import people_import
from alma.imports.reading import read_table
from alma.imports.tests.sheets import (
    CHINESE_HEADERS,
    GOOD_ROWS,
    csv_bytes,
    many_rows,
    shown,
    xlsx_bytes,
)
from alma.lib.errors import ApplicationError
from alma.people.models import Education, Employment, Person, Stage
from alma.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(
    params=[
        "in_a_transaction",
        pytest.param("on_its_own", marks=pytest.mark.django_db(transaction=True)),
    ]
)
def committed(request):  # type: ignore[no-untyped-def]
    """Both ways an import runs: inside a caller's transaction (as every other test here), or on
    its own, as the CLI and the background job run it (its own transaction, committed)."""
    from django.db import connection

    on_its_own = request.param == "on_its_own"
    assert connection.in_atomic_block is not on_its_own
    return on_its_own


def run(data: bytes, name: str = "people.csv", **kwargs):  # type: ignore[no-untyped-def]
    # lazy, as the command and the background job read: rows are read as the import goes
    table = read_table(data, filename=name, lazy=True)
    mapping = kwargs.pop("mapping", None) or propose_mapping(table.headers)
    return people_import(table=table, mapping=mapping, **kwargs)


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8", "utf-8-sig"])
def test_encodings_are_detected(encoding):
    table = read_table(csv_bytes(GOOD_ROWS[:2], encoding=encoding), filename="x.csv")
    assert table.headers == CHINESE_HEADERS
    assert table.rows[0][1][0] == "张伟"
    assert table.encoding == {"gbk": "gb18030"}.get(encoding, encoding)


def test_mapping_is_proposed_from_chinese_and_english_headers():
    assert propose_mapping(CHINESE_HEADERS) == {
        "姓名": "full_name", "学号": "student_number", "性别": "gender",
        "出生日期": "date_of_birth", "毕业年份": "graduation_year", "学院": "school",
        "专业": "major", "学历": "degree_level", "工作单位": "organization_name",
        "职务": "title", "行业": "industry", "手机": "phone", "邮箱": "email",
        "所在城市": "current_city",
    }  # fmt: skip
    english = ["Full Name", "Student No.", "E-mail", "Mobile", "Class of", "Company", "Notes"]
    assert propose_mapping(english) == {
        "Full Name": "full_name", "Student No.": "student_number", "E-mail": "email",
        "Mobile": "phone", "Class of": "graduation_year", "Company": "organization_name",
    }  # fmt: skip


def test_header_row_below_a_title_is_found_and_rows_keep_file_line_numbers():
    data = csv_bytes(
        [GOOD_ROWS[0], ["", "2015009", "", "", "", "", "", "", "", "", "", "", "", ""]],
        title="2019届校友名单",
    )
    report = run(data)
    # title line 1, blank line 2, header line 3, rows on lines 4 and 5
    assert [shown(e) for e in report.errors] == [
        {"row": 5, "column": "姓名", "message": "name is missing"}
    ]


def test_a_good_file_creates_people_with_education_jobs_and_index():
    report = run(csv_bytes(GOOD_ROWS))
    assert (report.rows, report.valid, report.created, report.updated) == (3, 3, 3, 0)
    assert report.committed and report.encoding == "gb18030"
    zhang = Person.objects.get(full_name="张伟")
    assert zhang.gender == "male" and zhang.date_of_birth == dt.date(1993, 5, 1)
    assert zhang.phone == "+8613812345678" and zhang.current_city == "深圳"
    assert zhang.stage == Stage.ALUMNUS
    education = zhang.educations.get()
    assert (education.student_number, education.graduation_year, education.entry_year) == (
        "2015001",
        2019,
        2015,
    )
    assert (education.school, education.major, education.degree_level) == (
        "计算机学院",
        "软件工程",
        "bachelor",
    )
    assert zhang.employments.get().organization_name == "腾讯"
    li = Person.objects.get(full_name="李娜")
    assert li.email == "lina@example.com" and li.phone == "+8613812345679"
    assert li.educations.get().degree_level == "master"
    assert (
        DirectoryEntry.objects.filter(person__full_name__in=["张伟", "李娜", "Wang Fang"]).count()
        == 3
    )
    assert zhang.history.count() == 1


def test_imported_records_hold_the_same_defaults_and_history_as_records_saved_by_django():
    """The bulk path leaves the database to fill what the file does not give (db_default) and
    copies the history rows inside it: both must equal what a Django save writes."""
    run(csv_bytes(GOOD_ROWS))
    zhang = Person.objects.get(full_name="张伟")
    saved = Person.objects.create(full_name="x")
    for field in Person._meta.concrete_fields:
        if field.has_db_default() and field.name not in ("created_at", "updated_at"):
            assert (
                getattr(zhang, field.attname)
                == field.get_default()
                == getattr(saved, field.attname)
            ), field.name
    assert abs(zhang.created_at - saved.created_at) < dt.timedelta(minutes=1)
    assert abs(zhang.updated_at - saved.updated_at) < dt.timedelta(minutes=1)
    for record in [zhang, zhang.educations.get(), zhang.employments.get()]:
        (created,) = record.history.all()
        assert created.history_type == "+" and created.history_change_reason == "import"
        for field in type(record)._meta.concrete_fields:
            if field.attname != "updated_at":
                assert getattr(created, field.attname) == getattr(record, field.attname), field


BAD = [
    (["", "1", "", "", "", "", "", "", "", "", "", "", "", ""], "姓名", "name is missing"),
    (
        ["甲", "", "", "1990-02-30", "", "", "", "", "", "", "", "", "", ""],
        "出生日期",
        "not a date (use YYYY-MM-DD)",
    ),
    (
        ["甲", "", "", "2999-01-01", "", "", "", "", "", "", "", "", "", ""],
        "出生日期",
        "date out of range",
    ),
    (["甲", "", "不详", "", "", "", "", "", "", "", "", "", "", ""], "性别", "unknown gender"),
    (["甲", "", "", "", "二零一九", "", "", "", "", "", "", "", "", ""], "毕业年份", "not a year"),
    (
        ["甲", "", "", "", "1850", "", "", "", "", "", "", "", "", ""],
        "毕业年份",
        "year out of range",
    ),
    (["甲", "", "", "", "2019", "", "", "大学", "", "", "", "", "", ""], "学历", "unknown degree"),
    (
        ["甲", "", "", "", "", "", "", "", "", "", "", "", "a@@b", ""],
        "邮箱",
        "malformed email address",
    ),
    (["甲", "", "", "", "", "", "", "", "", "", "", "12ab", "", ""], "手机", "not a phone number"),
    (
        ["甲", "", "", "", "", "", "", "", "", "", "", "", "a" * 250 + "@example.com", ""],
        "邮箱",
        "longer than 254 characters",
    ),
    (
        ["甲", "9", "", "", "", "学院", "", "", "", "", "", "", "", ""],
        "毕业年份",
        "an entry or graduation year is needed",
    ),
    (
        ["甲" * 201, "", "", "", "", "", "", "", "", "", "", "", "", ""],
        "姓名",
        "longer than 200 characters",
    ),
]


@pytest.mark.parametrize(("row", "column", "message"), BAD, ids=[b[2] for b in BAD])
def test_every_validation_error_names_row_column_and_reason(row, column, message):
    report = run(csv_bytes([GOOD_ROWS[0], row]))
    assert [shown(e) for e in report.errors] == [{"row": 3, "column": column, "message": message}]
    assert not report.committed
    assert Person.objects.count() == 0


def test_graduation_before_entry_is_an_error():
    headers = ["姓名", "入学年份", "毕业年份"]
    report = run(csv_bytes([["甲", "2019", "2015"]], headers=headers))
    assert [shown(e) for e in report.errors] == [
        {"row": 2, "column": "毕业年份", "message": "graduation before entry"}
    ]


def test_duplicates_inside_the_file_are_errors():
    rows = [GOOD_ROWS[0], [*GOOD_ROWS[1][:1], "2015001", *GOOD_ROWS[1][2:]]]
    report = run(csv_bytes(rows))
    assert [shown(e) for e in report.errors] == [
        {"row": 3, "column": "学号", "message": "same as row 2"}
    ]


def test_all_or_nothing_and_skip_invalid():
    data = csv_bytes(
        [
            *GOOD_ROWS,
            ["", "", "", "", "", "", "", "", "", "", "", "", "", ""],
            ["乙", "", "", "bad", "", "", "", "", "", "", "", "", "", ""],
        ]
    )
    report = run(data)
    assert not report.committed and report.created == 3 and report.invalid == 1
    assert Person.objects.count() == 0
    report = run(data, skip_invalid=True)
    assert report.committed and report.created == 3 and report.skipped == 1
    assert Person.objects.count() == 3


def test_dry_run_counts_exactly_and_writes_nothing():
    report = run(csv_bytes(GOOD_ROWS), dry_run=True)
    assert (report.created, report.committed) == (3, False)
    assert Person.objects.count() == Education.objects.count() == 0


def test_reimport_changes_nothing_and_matches_by_number_email_or_phone(committed):
    data = csv_bytes(GOOD_ROWS)
    run(data)
    before = (
        Person.objects.count(),
        Education.objects.count(),
        Employment.objects.count(),
        Person.history.count(),
    )
    report = run(data)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert before == (
        Person.objects.count(),
        Education.objects.count(),
        Employment.objects.count(),
        Person.history.count(),
    )
    # Same people, found by email only (no student number), then by phone only; a new job is added.
    headers = ["Name", "Email", "Mobile", "Company", "City"]
    report = run(
        csv_bytes(
            [
                ["Zhang Wei", "ZHANGWEI@example.com", "", "Alibaba", "杭州"],
                ["Li Na", "", "+86 13812345679", "", ""],
            ],
            headers=headers,
            encoding="utf-8",
        )
    )
    assert (report.created, report.updated) == (0, 2)
    zhang = Person.objects.get(email="zhangwei@example.com")
    assert zhang.full_name == "Zhang Wei" and zhang.current_city == "杭州"
    assert sorted(zhang.employments.values_list("organization_name", flat=True)) == [
        "Alibaba",
        "腾讯",
    ]
    # The old values stay in the history.
    assert list(zhang.history.order_by("history_id").values_list("full_name", flat=True)) == [
        "张伟",
        "Zhang Wei",
    ]


def test_existing_people_are_matched_not_duplicated(committed):
    person = f.PersonFactory(full_name="张伟", email="old@example.com", phone="")
    f.EducationFactory(person=person, student_number="2015001", entry_year=2015)
    report = run(csv_bytes([GOOD_ROWS[0]]))
    assert (report.created, report.updated) == (0, 1)
    person.refresh_from_db()
    assert (
        person.email == "zhangwei@example.com" and person.educations.get().graduation_year == 2019
    )


def test_identifiers_pointing_at_two_people_are_an_error(committed):
    f.EducationFactory(person=f.PersonFactory(email="x@example.com"), student_number="2015001")
    f.PersonFactory(email="zhangwei@example.com")
    report = run(csv_bytes([GOOD_ROWS[0]]))
    assert [e.column for e in report.errors] == ["邮箱"]
    assert not report.committed


def test_xlsx_with_formula_cell_and_native_dates():
    rows = [
        [*GOOD_ROWS[0][:3], dt.datetime(1993, 5, 1), 2019, *GOOD_ROWS[0][5:]],
        [
            "钱七",
            2015005.0,
            "女",
            None,
            "=YEAR(TODAY())",
            "理学院",
            "数学",
            "博士",
            None,
            None,
            None,
            None,
            None,
            None,
        ],
    ]
    report = run(xlsx_bytes(rows), name="people.xlsx")
    assert report.encoding == "xlsx"
    assert [shown(e) for e in report.errors] == [
        {
            "row": 3,
            "column": "毕业年份",
            "message": "holds a formula; Alma does not evaluate formulas, paste the values",
        }
    ]
    report = run(xlsx_bytes(rows), name="people.xlsx", skip_invalid=True)
    assert Person.objects.get().date_of_birth == dt.date(1993, 5, 1)


def test_size_limit_and_garbage(settings):
    settings.ALMA_IMPORT_MAX_BYTES = 100
    with pytest.raises(ApplicationError, match="larger than"):
        read_table(csv_bytes(GOOD_ROWS), filename="x.csv")
    settings.ALMA_IMPORT_MAX_BYTES = 10**6
    with pytest.raises(ApplicationError, match="not a valid XLSX"):
        read_table(b"PK\x03\x04garbage", filename="x.xlsx")
    with pytest.raises(ApplicationError):
        read_table(b"\x81\x30\xff\xff\xff", filename="x.csv")
    # A cell past the csv module's field limit (128 KB) is a clear error, not a crash.
    huge = '姓名,邮箱\n张三,a@example.com\n"' + "x" * 200_000 + '",b@example.com\n'
    with pytest.raises(ApplicationError, match="line 3"):
        read_table(huge.encode(), filename="x.csv")


def test_a_line_that_cannot_be_read_late_in_the_file_undoes_the_chunks_written(monkeypatch):
    """Read lazily, a line past the first chunks stops the import: the rows already written
    are rolled back and the message names the line."""
    from alma.imports import people_import as module

    monkeypatch.setattr(module, "CHUNK", 1000)
    written: list[int] = []

    def progress(stage: str, done: int, total: int) -> None:
        written.append(Person.objects.count())  # the import's own rows, in its transaction

    huge = '"' + "x" * 200_000 + '",b@example.com\n'
    far = csv_bytes(many_rows(5000), encoding="utf-8") + huge.encode()
    with pytest.raises(ApplicationError, match="line 5002"):
        run(far, progress=progress)
    assert max(written) >= 2000  # rows were written before the line was read
    assert Person.objects.count() == Education.objects.count() == Person.history.count() == 0


def test_mapping_must_name_the_full_name():
    table = read_table(csv_bytes(GOOD_ROWS), filename="x.csv")
    with pytest.raises(ApplicationError, match="full name"):
        people_import(table=table, mapping={"学号": "student_number"})
    with pytest.raises(ApplicationError, match="same field"):
        people_import(table=table, mapping={"姓名": "full_name", "学号": "email", "邮箱": "email"})


def test_cli_json(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(
        csv_bytes([*GOOD_ROWS, ["乙", "", "", "bad", "", "", "", "", "", "", "", "", "", ""]])
    )
    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "people", str(path), "--json", stdout=out, stderr=StringIO())
    assert exit_info.value.code == 1
    data = json.loads(out.getvalue())
    assert (data["rows"], data["valid"], data["created"], data["updated"]) == (4, 3, 3, 0)
    assert data["errors"] == [
        {
            "row": 5,
            "column": "出生日期",
            "reason": {"msgid": "not a date (use YYYY-MM-DD)", "params": {}},
            "message": "not a date (use YYYY-MM-DD)",
        }
    ]
    out = StringIO()
    call_command(
        "import",
        "people",
        str(path),
        "--json",
        "--skip-invalid",
        "--mapping",
        "姓名=full_name,出生日期=date_of_birth,邮箱=email",
        stdout=out,
        stderr=StringIO(),
    )
    data = json.loads(out.getvalue())
    assert data["committed"] and data["created"] == 3
    assert not Education.objects.exists()


def test_a_few_thousand_rows():
    report = run(csv_bytes(many_rows(3000)))
    assert report.created == 3000 and report.committed
    assert Education.objects.count() == 3000 and DirectoryEntry.objects.count() == 3000
    report = run(csv_bytes(many_rows(3000)))
    assert report.unchanged == 3000


def test_a_repeated_bad_cell_is_reported_on_every_row_and_is_no_duplicate():
    rows = [
        [*GOOD_ROWS[0][:11], "12ab", *GOOD_ROWS[0][12:]],
        [*GOOD_ROWS[1][:11], "12ab", *GOOD_ROWS[1][12:]],
    ]
    report = run(csv_bytes(rows))
    assert [shown(e) for e in report.errors] == [
        {"row": 2, "column": "手机", "message": "not a phone number"},
        {"row": 3, "column": "手机", "message": "not a phone number"},
    ]


def test_large_imports_write_in_chunks_and_updates_keep_history(monkeypatch, committed):
    from alma.imports import people_import as module

    monkeypatch.setattr(module, "CHUNK", 1000)
    rows = many_rows(2500)
    report = run(csv_bytes(rows))
    assert (report.created, report.committed) == (2500, True)
    assert Person.history.filter(history_type="+").count() == 2500
    assert Education.history.count() == Employment.history.count() == 2500
    moved = [[*row[:13], "成都"] for row in rows[:1500]]
    report = run(csv_bytes(moved + rows[1500:]))
    assert (report.created, report.updated, report.unchanged) == (0, 1500, 1000)
    assert Person.objects.filter(current_city="成都").count() == 1500
    changed = Person.history.filter(history_type="~", history_change_reason="import")
    assert changed.count() == 1500
    assert set(changed.values_list("current_city", flat=True)) == {"成都"}
    assert Person.history.count() == 4000 and Education.history.count() == 2500
    assert DirectoryEntry.objects.filter(person__current_city="成都").count() == 1500


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("zhang@例子.中国", True),  # an internationalised domain, as Django's validator allows
        ("ＬＩ@Bücher.de", True),  # full-width letters are folded first
        ("wang@example", False),
        ("a b@example.com", False),
        ("zhao@-bad-.com", False),
    ],
)
def test_emails_are_judged_as_django_judges_them(text, valid):
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from alma.imports.fields import CellError, clean_cell

    folded = unicodedata.normalize("NFKC", text).lower()
    try:
        validate_email(folded)
        django_says = True
    except ValidationError:
        django_says = False
    assert django_says is valid
    if valid:
        assert clean_cell("email", text) == folded
    else:
        with pytest.raises(CellError):
            clean_cell("email", text)


def test_a_database_error_mid_import_leaves_everything_as_before(monkeypatch, committed):
    """A database error once chunks are written reaches the caller and rolls the whole import
    back; the same file then imports in full."""
    from django.db import DatabaseError, connection

    from alma.imports import people_import as module

    monkeypatch.setattr(module, "CHUNK", 1000)
    before = Person.objects.count()

    def failing(stage: str, done: int, total: int) -> None:
        if stage == "write" and done >= 2000:  # two chunks written
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM no_such_table")

    with pytest.raises(DatabaseError):
        run(csv_bytes(many_rows(2500)), progress=failing)
    assert Person.objects.count() == before
    assert Education.objects.count() == Employment.objects.count() == Person.history.count() == 0
    report = run(csv_bytes(many_rows(2500)))
    assert (report.created, report.committed) == (2500, True)


def test_an_import_that_cannot_commit_stops_writing_and_counts_the_rest(monkeypatch, committed):
    """Chunks are written while the file is still being checked; an error in a late chunk means
    nothing is kept, and a preview past SIMULATE_MAX valid rows is counted, not rehearsed."""
    from alma.imports import people_import as module

    monkeypatch.setattr(module, "CHUNK", 1000)
    monkeypatch.setattr(module, "SIMULATE_MAX", 1200)
    rows = many_rows(2500)
    run(csv_bytes(rows[:300]))  # 300 people who exist before
    rows[2400][3] = "not a date"
    before = (Person.objects.count(), Education.objects.count(), Person.history.count())
    report = run(csv_bytes(rows))
    assert not report.committed and report.invalid == 1 and report.valid == 2499
    # counted from the matches: the 300 known people are updates, as far as a count can tell
    assert (report.created, report.updated) == (2199, 300)
    assert before == (Person.objects.count(), Education.objects.count(), Person.history.count())
    report = run(csv_bytes(rows), skip_invalid=True)
    assert report.committed and (report.created, report.unchanged, report.skipped) == (2199, 300, 1)
    assert Person.objects.count() == before[0] + 2199


def test_an_email_a_row_replaced_still_finds_its_person_chunks_later(monkeypatch, committed):
    """Rows are matched to people as they were before the import, however far apart in the file:
    a row that gives a known person a new email does not free the old one for a later row,
    which is the same person (here, with a second student number: a second education)."""
    from alma.imports import people_import as module

    monkeypatch.setattr(module, "CHUNK", 1000)
    person = f.PersonFactory(full_name="张伟", email="old@example.com", phone="")
    f.EducationFactory(person=person, student_number="S0001", entry_year=2015)
    rows = many_rows(2500)
    rows[0][1], rows[0][12] = "S0001", "new@example.com"  # line 2: the person, a new email
    rows[2400][12] = "old@example.com"  # line 2402: the old email, another student number
    report = run(csv_bytes(rows))
    assert report.committed and not report.errors
    assert (report.created, report.updated) == (2498, 1)
    numbers = set(person.educations.values_list("student_number", flat=True))
    assert numbers == {"S0001", rows[2400][1]}
    assert not Person.objects.filter(email="old@example.com").exclude(pk=person.pk).exists()


def test_progress_counts_rows_as_the_file_is_read(monkeypatch):
    """A lazily read file reports an estimate of its rows while it is read, the count at the end,
    and the file is read as the import goes (not all before the first write)."""
    from alma.imports import people_import as module

    monkeypatch.setattr(module, "CHUNK", 1000)
    reports: list[tuple[str, int, int]] = []
    read: list[int] = []  # rows read from the file when each report is made
    table = read_table(csv_bytes(many_rows(2500)), filename="people.csv", lazy=True)

    def progress(*report):  # type: ignore[no-untyped-def]
        reports.append(report)
        read.append(table.row_count)

    report = people_import(table=table, mapping=propose_mapping(table.headers), progress=progress)
    assert report.rows == report.created == 2500
    assert read[0] < 100 and read[-1] == 2500  # the file was read as the import went
    written = [(done, total) for stage, done, total in reports if stage == "write"]
    done = [d for d, _total in written]
    assert done == sorted(done) and done[0] == 0 and len(set(done)) >= 3
    assert all(2000 <= total <= 3000 for _done, total in written)
    assert written[-1] == (2500, 2500)
