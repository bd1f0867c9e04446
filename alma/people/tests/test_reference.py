"""Reference values in the reader's language, and loading their names."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from alma.lib.errors import ApplicationError
from alma.people.models import LocalName
from alma.people.reference import local_name, local_place
from alma.people.services import local_names_load, local_names_shipped

pytestmark = pytest.mark.django_db


def test_a_value_shows_its_name_in_the_active_language_else_as_stored():
    LocalName.objects.create(kind="place", value="Shanghai", language="zh-hans", name="上海")
    with translation.override("zh-hans"):
        assert local_name("place", "Shanghai") == "上海"
        assert local_name("place", "Atlantis") == "Atlantis"
        assert local_name("major", "Shanghai") == "Shanghai"  # another kind's name
        assert local_place(["Shanghai", "", "Atlantis"]) == "上海, Atlantis"
    with translation.override("en"):
        assert local_name("place", "Shanghai") == "Shanghai"


def test_a_university_storing_chinese_values_names_them_in_english():
    LocalName.objects.create(kind="school", value="法学院", language="en", name="School of Law")
    with translation.override("en"):
        assert local_name("school", "法学院") == "School of Law"


def test_a_changed_name_shows_at_once_in_this_process():
    row = LocalName.objects.create(kind="industry", value="Law", language="zh-hans", name="律师")
    assert local_name("industry", "Law", "zh-hans") == "律师"
    row.name = "法律"
    row.save()
    assert local_name("industry", "Law", "zh-hans") == "法律"


def test_loading_is_all_or_nothing_and_safe_to_repeat():
    rows = [("major", "Law", "法学"), ("planet", "Mars", "火星")]
    with pytest.raises(ApplicationError, match="Line 3"):
        local_names_load(rows=rows, language="zh-hans")
    assert not LocalName.objects.exists()
    with pytest.raises(ApplicationError):
        local_names_load(rows=rows[:1], language="fr")
    assert local_names_load(rows=rows[:1], language="zh-hans") == 1
    assert local_names_load(rows=[("major", "Law", "法律学")], language="zh-hans") == 1
    assert LocalName.objects.get().name == "法律学"


def test_the_command_loads_the_shipped_names_and_a_file(tmp_path):
    out = io.StringIO()
    call_command("local_names", stdout=out)
    shipped = local_names_shipped("zh-hans")
    assert len(shipped) > 200
    assert LocalName.objects.count() == len(shipped)
    assert local_name("place", "Guangdong", "zh-hans") == "广东"
    sheet = tmp_path / "names.csv"
    sheet.write_text("kind,value,name\norganization,Acme Ltd,艾克米公司\n", encoding="utf-8")
    call_command("local_names", str(sheet), stdout=out)
    assert local_name("organization", "Acme Ltd", "zh-hans") == "艾克米公司"
    sheet.write_text("kind,value\nplace,Paris\n", encoding="utf-8")
    with pytest.raises(CommandError, match="columns"):
        call_command("local_names", str(sheet), stdout=out)
