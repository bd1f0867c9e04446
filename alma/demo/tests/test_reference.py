"""In 中文 the demo reads Chinese: every school, major, industry, place, chapter, program and
event it made has a Chinese name, and pages show it."""

import pytest
from django.test import Client

from alma.demo import events as events_demo
from alma.demo import people as people_demo
from alma.demo import reference as reference_demo
from alma.demo.builders import DemoRun
from alma.events.models import Event, Program
from alma.people.models import Chapter, Education, Employment, LocalName, Person

pytestmark = pytest.mark.django_db


def named(kind: str) -> set[str]:
    return set(
        LocalName.objects.filter(kind=kind, language="zh-hans").values_list("value", flat=True)
    )


def test_every_reference_value_of_the_demo_has_a_chinese_name():
    people_demo.build(DemoRun(scale=0.03))
    events_demo.build(DemoRun())
    reference_demo.build(DemoRun())
    values = {
        "school": set(Education.objects.values_list("school", flat=True)),
        "major": set(Education.objects.exclude(major="").values_list("major", flat=True)),
        "industry": set(Employment.objects.exclude(industry="").values_list("industry", flat=True)),
        "chapter": set(Chapter.objects.values_list("name", flat=True)),
        "program": set(Program.objects.values_list("name", flat=True)),
        "event": set(Event.objects.values_list("title", flat=True)),
        "place": {
            value
            for row in Person.objects.values_list(
                "current_city", "current_province", "current_country", "hometown_city"
            )
            for value in row
            if value
        },
    }
    for kind, stored in values.items():
        assert stored, kind
        assert stored <= named(kind), (kind, sorted(stored - named(kind))[:5])
    # Safe to run again: nothing doubles.
    count = LocalName.objects.count()
    reference_demo.build(DemoRun())
    assert LocalName.objects.count() == count


def test_pages_show_the_chinese_names_in_chinese_and_the_stored_value_in_english(carol):
    from alma.testing import factories as f

    f.EducationFactory(person=carol.person, school="School of Law", major="Intellectual Property")
    LocalName.objects.create(
        kind="school", value="School of Law", language="zh-hans", name="法学院"
    )
    LocalName.objects.create(
        kind="major", value="Intellectual Property", language="zh-hans", name="知识产权"
    )
    client = Client()
    client.force_login(carol)
    page = f"/people/{carol.person_id}/"
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(page).content.decode()
    assert "法学院" in chinese and "知识产权" in chinese
    client.cookies["django_language"] = "en"
    english = client.get(page).content.decode()
    assert "School of Law" in english and "法学院" not in english
