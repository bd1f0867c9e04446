"""Record linkage of people with Splink (skipped only where the dedup extra is not installed)."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from alma.imports.linkage import (
    blocking_rules,
    groups_of,
    name_key,
    name_parts,
    people_frame,
    people_linkage,
)
from alma.imports.models import DuplicateCandidate
from alma.testing import factories as f

pytest.importorskip("splink")
pytest.importorskip("duckdb")
pytest.importorskip("jellyfish")
pytestmark = pytest.mark.django_db

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "华"]
WESTERN_GIVEN = ["oliver", "amelia", "jack", "isla", "harry", "mia", "noah", "grace", "leo", "ruby", "oscar", "chloe"]  # fmt: skip
WESTERN_FAMILY = ["hollis", "brennan", "ashworth", "delaney", "kowalski", "pemberton", "quinlan", "rutherford", "sinclair", "tremaine", "vasquez", "whitlock", "yardley", "zielinski"]  # fmt: skip


def test_given_and_family_names_in_either_script_and_order():
    zhang = name_parts("张伟")
    assert (zhang.family, zhang.given, zhang.cjk) == ("zhang", "wei", "张伟")
    ouyang = name_parts("欧阳修")  # a family name of two characters
    assert (ouyang.family, ouyang.given) == ("ouyang", "xiu")
    western = name_parts("Mary-Ann O'Neil")
    assert (western.given, western.family, western.cjk) == ("mary", "neil", None)
    # Pinyin of two parts starting with a common Chinese family name is in Chinese order.
    pinyin = name_parts("Zhang Weiming")
    assert (pinyin.family, pinyin.given, pinyin.cjk) == ("zhang", "weiming", None)
    # Parts an import stored are used as they are.
    stored = name_parts("Wei Zhang", given_name="Wei", family_name="Zhang")
    assert (stored.family, stored.given) == ("zhang", "wei")
    assert (
        name_key("张伟") == name_key("Zhang Wei") == name_key("WEI zhang") == name_key("zhang-wei")
    )
    assert name_key("王秀英") == name_key("Wang Xiuying")
    assert name_key("José Müller") == "jose muller"


def test_groups_are_the_connected_pairs():
    assert groups_of([(5, 9), (1, 2), (9, 12), (2, 3), (7, 8)]) == [[1, 2, 3], [5, 9, 12], [7, 8]]
    assert groups_of([]) == []


def western_crowd(count: int = 160) -> list:
    """People with varied Western names, each born on another day."""
    people = []
    for i in range(count):
        given = WESTERN_GIVEN[i % len(WESTERN_GIVEN)]
        family = WESTERN_FAMILY[(i * 5) % len(WESTERN_FAMILY)]
        people.append(
            f.PersonFactory(
                full_name=f"{given.title()} {family.title()}",
                email="",
                phone="",
                date_of_birth=dt.date(1950, 1, 1) + dt.timedelta(days=97 * i),
                current_city=["Leeds", "York", "Bath", "Hull", "Ely"][i % 5],
            )
        )
    return people


def test_a_typo_in_the_name_and_one_in_the_date_of_birth_are_still_compared():
    western_crowd()
    planted = [
        # given name typo, day typo
        (("Katherine Pembroke", "1980-03-14"), ("Katherin Pembroke", "1980-03-17")),
        # family name typo, year typo
        (("Michael Brennagh", "1975-06-02"), ("Michael Brenagh", "1976-06-02")),
        # given name typo, year typo
        (("Theodore Ashcombe", "1966-09-23"), ("Theodor Ashcombe", "1969-09-23")),
        # family name typo, month typo
        (("Philippa Whitcombe", "1991-04-27"), ("Philippa Whitcomb", "1991-07-27")),
        # both written another way that sounds the same, month typo
        (("Stephen Reid", "1984-11-20"), ("Steven Reed", "1984-12-20")),
        # pinyin of a Chinese name, day typo
        (("张伟明", "1985-04-12"), ("Zhang Weiming", "1985-04-13")),
    ]
    expected = set()
    for (name_a, day_a), (name_b, day_b) in planted:
        a = f.PersonFactory(
            full_name=name_a, email="", phone="", date_of_birth=day_a, current_city="Leeds"
        )
        b = f.PersonFactory(
            full_name=name_b, email="", phone="", date_of_birth=day_b, current_city="Leeds"
        )
        expected.add((a.pk, b.pk))
    frame = people_frame()
    # Without the loose rules (those a million records cannot afford), every planted pair is
    # still compared (threshold 0: every pair blocking makes) ...
    compared = people_linkage(threshold=0.0, frame=frame, loose=False)
    assert expected <= {(p.person_a, p.person_b) for p in compared.pairs}
    # ... and found, each its own group.
    found = people_linkage(threshold=0.5, frame=frame, loose=False)
    assert expected <= {(p.person_a, p.person_b) for p in found.pairs}
    for a, b in expected:
        assert [a, b] in found.groups


def test_loose_rules_are_left_out_where_they_would_compare_too_many():
    import pandas as pd

    from alma.imports import linkage

    rows = [
        {
            "family_name": "zhang",
            "given_name": "wei",
            "name_key": "wei zhang",
            "birth_year": str(1960 + i % 40),
        }  # fmt: skip
        for i in range(3000)
    ]
    frame = pd.DataFrame(rows)
    for key in linkage.KEYS + linkage.BLOCKING_KEYS:
        if key not in frame:
            frame[key] = None
    # 3,000 people named Zhang Wei: 4.5 million pairs on the name alone, about 56,000 within a
    # birth year; the budget for 3,000 people is RULE_MIN_PAIRS (2 million).
    rules = blocking_rules(frame)
    assert ("name_key",) not in rules and ("name_key", "birth_year") in rules


def chinese_alumni(count: int = 120) -> list:
    people = []
    for i in range(count):
        name = SURNAMES[i % 10] + GIVEN[(i * 7) % 15] + ("" if i % 3 else GIVEN[i % 15])
        person = f.PersonFactory(
            full_name=name,
            email=f"p{i}@example.com",
            phone=f"+86139{i:08d}",
            date_of_birth=dt.date(1960, 1, 1) + dt.timedelta(days=97 * i),
            current_city=["上海", "北京", "深圳"][i % 3],
        )
        f.EducationFactory(
            person=person,
            student_number=f"S{i:06d}",
            entry_year=2000 + i % 10,
            graduation_year=2004 + i % 10,
            major=["数学", "物理", "化学"][i % 3],
        )
        people.append(person)
    return people


def test_dedup_finds_the_planted_duplicates_and_groups_them(alice):
    from pypinyin import lazy_pinyin

    people = chinese_alumni()
    planted = set()
    twins = {}
    for i in (3, 17, 42, 77, 101):
        original = people[i]
        syllables = lazy_pinyin(original.full_name)
        twin = f.PersonFactory(
            full_name=f"{syllables[0].title()} {''.join(syllables[1:]).title()}",  # the pinyin spelling
            email=f"p{i}@example.com" if i % 2 else f"other{i}@example.org",
            phone="",
            date_of_birth=original.date_of_birth,
            current_city=original.current_city,
        )
        f.EducationFactory(
            person=twin,
            student_number=None,
            entry_year=2000 + i % 10,
            graduation_year=2004 + i % 10,
            major=["数学", "物理", "化学"][i % 3],
        )
        planted.add((original.pk, twin.pk))
        twins[i] = twin
    # A third record of person 42, in characters, without email or phone: one group of three.
    third = f.PersonFactory(
        full_name=people[42].full_name,
        email="",
        phone="",
        date_of_birth=people[42].date_of_birth,
        current_city=people[42].current_city,
    )
    out = StringIO()
    call_command("dedup", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) == {"pairs", "groups"}
    found = {(p["person_a"], p["person_b"]) for p in result["pairs"]}
    assert planted <= found
    assert len(found - planted) <= 3
    groups = result["groups"]
    assert sorted([people[42].pk, twins[42].pk, third.pk]) in groups
    for i in (3, 17, 77, 101):
        assert [people[i].pk, twins[i].pk] in groups
    grouped = [pk for group in groups for pk in group]
    assert len(grouped) == len(set(grouped))  # each person in one group at most
    one = next(p for p in result["pairs"] if (p["person_a"], p["person_b"]) == min(planted))
    assert 0.5 <= one["probability"] <= 1 and one["group"] == min(planted)[0]
    # both in characters and pinyin: the pinyin parts tell; no phone on the twin
    assert one["comparison"]["family_name"] == "agree" and one["comparison"]["phone"] == "missing"
    # The review queue holds the same pairs, each with its group.
    queue = {
        (c.person_a_id, c.person_b_id): c.group
        for c in DuplicateCandidate.objects.filter(status="open")
    }
    assert queue == {(p["person_a"], p["person_b"]): p["group"] for p in result["pairs"]}


def test_dedup_says_what_it_found_and_refuses_a_bad_threshold():
    western_crowd(40)
    a = f.PersonFactory(full_name="Amelia Quinlan", date_of_birth="1970-05-05", email="")
    b = f.PersonFactory(full_name="Amelia Quinlan", date_of_birth="1970-05-05", email="")
    out = StringIO()
    call_command("dedup", stdout=out)
    assert f"#{a.pk} #{b.pk}" in out.getvalue() and "1 pairs in 1 groups" in out.getvalue()
    with pytest.raises(CommandError, match="between 0 and 1"):
        call_command("dedup", "--threshold", "1.5")


def test_namesakes_born_apart_are_not_one_person():
    chinese_alumni(60)
    a = f.PersonFactory(full_name="张伟", date_of_birth="1980-03-07", email="", phone="")
    b = f.PersonFactory(full_name="Zhang Wei", date_of_birth="1980-07-03", email="", phone="")
    c = f.PersonFactory(full_name="张伟", date_of_birth="1990-05-11", email="", phone="")
    d = f.PersonFactory(full_name="张伟", date_of_birth="1971-01-20", email="", phone="")
    found = people_linkage(threshold=0.0)  # every compared pair, to look at each
    pairs = {(p.person_a, p.person_b) for p in found.pairs if p.probability >= 0.5}
    assert (a.pk, b.pk) in pairs  # day and month the other way round
    assert not pairs & {(a.pk, c.pk), (a.pk, d.pk), (c.pk, d.pk), (b.pk, c.pk), (b.pk, d.pk)}
