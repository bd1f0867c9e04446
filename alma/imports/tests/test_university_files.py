"""Importing what universities' systems export: name parts, places, stages, admission years,
parents with consent, chapters, several degrees of one person, WeChat, and the columns Alma
does not take (shown, never dropped silently)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from alma.imports.fields import propose_mapping
from alma.imports.people_import import people_import
from alma.imports.reading import read_table
from alma.imports.tests.sheets import csv_bytes, shown
from alma.people.models import (
    ChapterMembership,
    Consent,
    ConsentPurpose,
    Education,
    Person,
    PersonRelation,
    Stage,
    StageTransition,
)
from alma.testing import factories as f

pytestmark = pytest.mark.django_db


def run(headers: list[str], rows: list[list[str]], **kwargs):  # type: ignore[no-untyped-def]
    table = read_table(
        csv_bytes(rows, headers=headers, encoding="utf-8"), filename="x.csv", lazy=True
    )
    mapping = kwargs.pop("mapping", None) or propose_mapping(table.headers)
    return people_import(table=table, mapping=mapping, **kwargs)


ENGLISH = [
    "First name", "Last name", "Email", "WeChat", "Hometown", "Home province", "Home country",
    "Country", "Province", "City", "Stage", "Admission year", "Chapter", "Parent name",
    "Relationship", "Parent phone", "Parent email", "Parent consent", "Dormitory",
]  # fmt: skip
CHINESE = [
    "名", "姓", "邮箱", "微信号", "生源地", "生源省份", "生源国家", "所在国家", "所在省份", "所在城市",
    "阶段", "录取年份", "校友会", "家长姓名", "与学生关系", "家长电话", "家长邮箱", "家长同意", "宿舍",
]  # fmt: skip
EXPECTED_FIELDS = [
    "given_name", "family_name", "email", "wechat", "hometown_city", "hometown_province",
    "hometown_country", "current_country", "current_province", "current_city", "stage",
    "admission_year", "chapter", "parent_name", "parent_relation", "parent_phone",
    "parent_email", "parent_consent",
]  # fmt: skip


@pytest.mark.parametrize("headers", [ENGLISH, CHINESE], ids=["english", "chinese"])
def test_the_new_columns_are_proposed_from_english_and_chinese_headers(headers):
    mapping = propose_mapping(headers)
    assert [mapping.get(h) for h in headers] == [*EXPECTED_FIELDS, None]


def admitted_row(**changes: str) -> list[str]:
    values = {
        "given": "伟", "family": "张", "email": "zhangwei@example.com", "wechat": "zw_1999",
        "hometown": "绵阳", "home_province": "四川", "home_country": "中国", "country": "中国",
        "province": "四川", "city": "成都", "stage": "录取", "admission": "2031",
        "chapter": "Chengdu Alumni", "parent": "张建国", "relation": "父亲",
        "parent_phone": "13900001111", "parent_email": "", "consent": "是", "dorm": "A-101",
    }  # fmt: skip
    values.update(changes)
    return list(values.values())


@pytest.mark.parametrize("headers", [ENGLISH, CHINESE], ids=["english", "chinese"])
def test_an_admitted_student_comes_in_with_places_stage_parent_and_chapter(headers, settings):
    chapter = f.ChapterFactory(name="Chengdu Alumni")
    report = run(headers, [admitted_row()], source="import 7: admissions.csv")
    assert report.committed and not report.errors, report.errors
    assert report.not_imported == [headers[-1]]  # the dormitory: shown as not imported
    person = Person.objects.get(email="zhangwei@example.com")
    assert (person.full_name, person.family_name, person.given_name) == ("张伟", "张", "伟")
    assert person.wechat == "zw_1999"
    assert (person.hometown_city, person.hometown_province, person.hometown_country) == (
        "绵阳",
        "四川",
        "中国",
    )
    assert (person.current_city, person.current_province, person.current_country) == (
        "成都",
        "四川",
        "中国",
    )
    # admitted before they enrol: a prospective student with the year they come in
    assert person.stage == Stage.PROSPECTIVE
    education = person.educations.get()
    assert (education.entry_year, education.graduation_year) == (2031, None)
    transition = StageTransition.objects.get(person=person)
    assert (transition.from_stage, transition.to_stage) == (Stage.NONE, Stage.PROSPECTIVE)
    assert ChapterMembership.objects.filter(chapter=chapter, person=person).exists()
    relation = PersonRelation.objects.get(person=person)
    parent = relation.relative
    assert (parent.full_name, parent.phone, relation.kind) == ("张建国", "+8613900001111", "parent")
    consents = Consent.objects.filter(person=parent)
    assert {(c.purpose, c.granted, c.source) for c in consents} == {
        (ConsentPurpose.SEND_OFF, True, "import 7: admissions.csv"),
        (ConsentPurpose.NEW_PARENTS, True, "import 7: admissions.csv"),
    }
    assert report.parents_added == 1


def test_the_same_admissions_file_twice_changes_nothing():
    f.ChapterFactory(name="Chengdu Alumni")
    rows = [admitted_row(), admitted_row(given="芳", email="f@example.com", relation="母亲")]
    first = run(ENGLISH, rows)
    assert first.committed and first.created == 2 and first.parents_added == 1  # one parent
    counts = [
        m.objects.count()
        for m in (Person, Education, StageTransition, ChapterMembership, PersonRelation, Consent)
    ]
    history = Person.history.count()
    again = run(ENGLISH, rows)
    assert (again.created, again.updated, again.unchanged, again.parents_added) == (0, 0, 2, 0)
    assert counts == [
        m.objects.count()
        for m in (Person, Education, StageTransition, ChapterMembership, PersonRelation, Consent)
    ]
    assert Person.history.count() == history


def test_a_parent_who_withdraws_consent_is_recorded_once_more_and_emails_nobody(mailoutbox):
    f.ChapterFactory(name="Chengdu Alumni")
    run(ENGLISH, [admitted_row()])
    run(ENGLISH, [admitted_row(consent="否")])
    parent = Person.objects.get(full_name="张建国")
    latest = {
        c.purpose: c.granted for c in Consent.objects.filter(person=parent).order_by("recorded_at")
    }
    assert latest == {ConsentPurpose.SEND_OFF: False, ConsentPurpose.NEW_PARENTS: False}
    assert Consent.objects.filter(person=parent).count() == 4
    assert mailoutbox == []  # stage changes by import send no lifecycle email


def test_an_unknown_chapter_is_a_row_error_naming_it():
    report = run(ENGLISH, [admitted_row(chapter="Atlantis Alumni")])
    assert [shown(e) for e in report.errors] == [
        {"row": 2, "column": "Chapter", "message": "unknown chapter: Atlantis Alumni"}
    ]
    assert not report.committed and not Person.objects.exists()


def test_stage_changes_write_the_lifecycle_transitions():
    person = f.PersonFactory(email="s@example.com", stage=Stage.PROSPECTIVE)
    report = run(["Name", "Email", "Stage"], [["Student One", "s@example.com", "在读"]])
    assert report.updated == 1
    person.refresh_from_db()
    assert person.stage == Stage.STUDENT
    assert list(
        StageTransition.objects.filter(person=person).values_list("from_stage", "to_stage")
    ) == [(Stage.PROSPECTIVE, Stage.STUDENT)]
    bad = run(["Name", "Email", "Stage"], [["Student One", "s@example.com", "dropped out"]])
    assert bad.errors[0].message == "unknown stage (admitted, student or alumnus)"


def test_a_western_name_file_composes_given_then_family_name():
    headers = ["First Name", "Last Name", "E-mail", "Class of", "Degree"]
    report = run(headers, [["Mary Ann", "O'Neil", "mary@example.edu", "2012", "BA"]])
    assert report.committed
    person = Person.objects.get()
    assert (person.full_name, person.given_name, person.family_name) == (
        "Mary Ann O'Neil",
        "Mary Ann",
        "O'Neil",
    )
    assert person.stage == Stage.ALUMNUS


def test_a_row_without_any_name_part_is_an_error():
    report = run(["First name", "Last name", "Email"], [["", "", "x@example.com"]])
    assert [e.message for e in report.errors] == ["name is missing"]


def test_two_degrees_of_one_person_are_two_educations_and_the_latest_row_wins():
    """Rows with the same email and another student number add an education; the person's own
    fields take the latest degree's row (whatever the order of the rows), and the preview
    shows which rows were merged."""
    headers = ["姓名", "学号", "邮箱", "入学年份", "毕业年份", "学历", "所在城市", "微信"]
    rows = [
        ["王芳", "M2019001", "wangfang@example.com", "2019", "2022", "硕士", "上海", ""],
        ["王芳", "B2015001", "wangfang@example.com", "2015", "2019", "本科", "南京", "wf88"],
        ["李雷", "B2015002", "lilei@example.com", "2015", "2019", "本科", "北京", ""],
    ]
    preview = run(headers, rows, dry_run=True)
    assert (preview.created, preview.merged_rows, preview.educations_added) == (2, 1, 3)
    assert preview.merged == [{"row": 3, "with_row": 2}]
    assert not Person.objects.exists()
    report = run(headers, rows)
    assert report.committed and report.created == 2
    wang = Person.objects.get(email="wangfang@example.com")
    assert sorted(wang.educations.values_list("student_number", "degree_level")) == [
        ("B2015001", "bachelor"),
        ("M2019001", "master"),
    ]
    # the master's row is the latest: its city; the bachelor's row fills what it left empty
    assert (wang.current_city, wang.wechat) == ("上海", "wf88")
    again = run(headers, list(reversed(rows)))  # any order, again: nothing changes
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Education.objects.count() == 3
    assert wang.history.count() == 1


def test_two_degrees_in_different_chunks_are_one_person(monkeypatch):
    from alma.imports import people_import as module

    monkeypatch.setattr(module, "CHUNK", 2)
    headers = ["姓名", "学号", "手机", "毕业年份", "学历"]
    rows = [
        ["赵六", "B1", "13800000001", "2016", "本科"],
        ["钱七", "B2", "13800000002", "2016", "本科"],
        ["孙八", "B3", "13800000003", "2016", "本科"],
        ["赵六", "M1", "138 0000 0001", "2019", "硕士"],
    ]
    report = run(headers, rows)
    assert (report.created, report.merged_rows, report.educations_added) == (3, 1, 4)
    zhao = Person.objects.get(full_name="赵六")
    assert sorted(zhao.educations.values_list("student_number", flat=True)) == ["B1", "M1"]


def test_a_row_whose_email_and_phone_are_two_other_rows_is_an_error():
    headers = ["Name", "Email", "Phone"]
    rows = [
        ["A", "a@example.com", "13800000001"],
        ["B", "b@example.com", "13800000002"],
        ["C", "a@example.com", "13800000002"],
    ]
    report = run(headers, rows)
    assert [(e.row, e.column) for e in report.errors] == [(4, "Phone")]


def test_cli_json_prints_educations_added_and_not_imported(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(
        csv_bytes(
            [["王芳", "M1", "w@example.com", "2022", "硕士", "x"],
             ["王芳", "B1", "w@example.com", "2019", "本科", "y"]],
            headers=["姓名", "学号", "邮箱", "毕业年份", "学历", "备注"],
            encoding="utf-8",
        )
    )  # fmt: skip
    out = StringIO()
    call_command("import", "people", str(path), "--json", stdout=out, stderr=StringIO())
    data = json.loads(out.getvalue())
    assert (data["created"], data["educations_added"], data["not_imported"]) == (1, 2, ["备注"])
    assert data["merged"] == [{"row": 3, "with_row": 2}]
