"""The alumni office imports a messy GB18030 spreadsheet: checks the columns, reads the problems,
skips the bad row, imports; then merges a duplicate and undoes it."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from alma.accounts.models import User
from alma.imports.models import DuplicateCandidate
from alma.imports.tests.sheets import GOOD_ROWS, csv_bytes
from alma.people.models import Person
from alma.testing import factories as f

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_office_imports_a_spreadsheet_and_merges_a_duplicate(
    live_server, page: Page, sign_in, screenshot, alice: User, tmp_path, settings
):
    settings.ALMA_IMPORTS_DIR = tmp_path / "imports"
    sheet = tmp_path / "校友名单.csv"
    sheet.write_bytes(
        csv_bytes(
            [*GOOD_ROWS, ["钱七", "", "", "1990-02-30", "", "", "", "", "", "", "", "", "", ""]]
        )
    )
    sign_in(page, "alice@example.edu")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Imports").click()
    page.get_by_label("CSV or XLSX file").set_input_files(str(sheet))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_label("姓名")).to_have_value("full_name")
    expect(page.get_by_label("手机")).to_have_value("phone")
    page.get_by_label("Save this mapping as").fill("registrar")
    page.get_by_role("button", name="Check the rows").click()
    expect(page.get_by_role("main")).to_contain_text("not a date")
    expect(page.get_by_role("link", name="Download all problems as CSV")).to_be_visible()
    screenshot(page, "imports-preview")
    page.get_by_label("Skip the invalid rows and import the rest").check()
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("3 created")
    assert Person.objects.filter(full_name="张伟").exists()

    twin = f.PersonFactory(full_name="Zhang Wei", email="zw2@example.org")
    original = Person.objects.get(full_name="张伟")
    DuplicateCandidate.objects.create(
        person_a=original,
        person_b=twin,
        probability=0.97,
        comparison={"family_name": "agree"},
        group=original.pk,
    )
    page.goto(live_server.url + reverse("imports:duplicates"))
    expect(page.get_by_role("main")).to_contain_text("2 records, probability up to 0.970")
    expect(page.get_by_role("main")).to_contain_text("zw2@example.org")
    page.get_by_role("button", name="Merge the ticked records").click()
    expect(page.get_by_role("main")).to_contain_text(f"Merged 1 record into record {original.pk}")
    assert not Person.objects.filter(pk=twin.pk).exists()
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("main")).to_contain_text("separate record again")
    assert Person.objects.filter(pk=twin.pk).exists()
