"""Record linkage of people with Splink (skipped only where the dedup extra is not installed)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from alma.imports.linkage import name_key
from alma.imports.models import DuplicateCandidate
from alma.testing import factories as f

pytest.importorskip("splink")
pytest.importorskip("duckdb")
pytestmark = pytest.mark.django_db

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "华"]


def test_name_keys_agree_across_scripts_and_orders():
    assert (
        name_key("张伟") == name_key("Zhang Wei") == name_key("WEI zhang") == name_key("zhang-wei")
    )
    assert name_key("王秀英") == name_key("Wang Xiuying")
    assert name_key("José Müller") == "jose muller"


def test_dedup_finds_the_planted_duplicates(alice):
    import datetime as dt

    people = []
    for i in range(120):
        name = SURNAMES[i % 10] + GIVEN[(i * 7) % 15] + ("" if i % 3 else GIVEN[i % 15])
        person = f.PersonFactory(
            full_name=name,
            email=f"p{i}@example.com",
            phone=f"+86139{i:08d}",
            date_of_birth=dt.date(1980 + i % 20, 1 + i % 12, 1 + i % 28),
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
    from pypinyin import lazy_pinyin

    planted = set()
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
    out = StringIO()
    call_command("dedup", "--threshold", "0.8", "--json", stdout=out)
    pairs = json.loads(out.getvalue())
    found = {(p["person_a"], p["person_b"]) for p in pairs}
    assert planted <= found
    assert len(found - planted) <= 2
    one = next(p for p in pairs if (p["person_a"], p["person_b"]) == min(planted))
    assert one["email_a"] and one["student_number_a"] and 0.8 <= one["probability"] <= 1
    assert one["comparison"]["name_key"] == "agree" and one["comparison"]["phone"] == "missing"
    assert DuplicateCandidate.objects.filter(status="open").count() == len(pairs)


def test_common_names_pair_only_within_a_year_and_swapped_dates_still_match():
    import pandas as pd
    from splink import block_on

    from alma.imports.linkage import KEYS, people_settings, predict

    def person(pk, name, dob, year, *, email=None, city="shanghai"):
        return {
            "unique_id": pk, "name_key": name_key(name), "date_of_birth": dob,
            "student_number": None, "email": email, "phone": None,
            "graduation_year": year, "major": "law", "city": city,
        }  # fmt: skip

    rows = [
        person(1, "张伟", "1980-03-07", "2002", email="zw@example.com"),
        person(2, "Zhang Wei", "1980-07-03", "2002"),  # the same man, day and month swapped
        person(3, "张伟", "1990-05-11", "2012"),  # a namesake, ten years younger
        person(4, "张伟", "1971-01-20", "1993", city="beijing"),
    ] + [person(10 + i, f"{'王李刘陈杨'[i % 5]}{'芳娜敏静丽'[i // 5]}", f"19{70 + i}-01-01", str(1992 + i)) for i in range(25)]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["unique_id", *KEYS])
    scored = predict(
        frame,
        people_settings(),
        training=[],
        threshold=0.0,
        deterministic=[block_on("email")],
    )
    pairs = {
        tuple(sorted(p)) for p in zip(scored["unique_id_l"], scored["unique_id_r"], strict=True)
    }
    # Blocking on the name key alone would compare every 张伟 with every other.
    assert pairs == {(1, 2)}
    # Day and month swapped is its own level (2), above two slips of the keyboard (1).
    assert scored["gamma_date_of_birth"].tolist() == [2]
