"""Giving pages, receipts, documents, the impact page and exports, as their users meet them."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from alma.events.models import Registration
from alma.events.tests.factories import EventFactory
from alma.giving import services
from alma.giving.models import Application, ApplicationDocument, Award, Fund, Gift
from alma.giving.tests.world import PDF, giving_world
from alma.lib.errors import ApplicationError
from alma.testing import factories as f
from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def world(persona_users):
    return giving_world(persona_users)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_fonts(content: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def test_a_receipt_prints_chinese_and_a_reprint_is_marked_duplicate(alice, dave):
    fund = services.fund_create(by=alice, code="li", name="李氏奖学金", purpose="scholarship")
    dave.person.full_name = "王小明"
    dave.person.save()
    donor = services.donor_for_person(person=dave.person)
    gift = services.gift_record(donor=donor, fund=fund, by=alice, amount="1234.50")
    client = client_for(dave)
    first = client.get(f"/giving/receipts/{gift.receipt.pk}.pdf")
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    text = pdf_text(first.content)
    assert "李氏奖学金" in text and "王小明" in text and "¥1,234.50" in text
    assert gift.receipt.label in text
    assert "DUPLICATE" not in text
    assert "not the statutory donation invoice" in text
    assert any("NotoSansCJK" in name.replace("-", "") for name in pdf_fonts(first.content))
    again = client_for(alice).get(f"/giving/receipts/{gift.receipt.pk}.pdf")
    assert "DUPLICATE" in pdf_text(again.content)
    assert list(gift.receipt.prints.values_list("is_duplicate", flat=True)) == [False, True]


def test_receipt_wording_is_configurable_per_language(alice, dave):
    fund = services.fund_create(by=alice, code="x", name="Exchange Fund", purpose="study_abroad")
    donor = services.donor_for_person(person=dave.person)
    gift = services.gift_record(donor=donor, fund=fund, by=alice, amount="10")
    office = client_for(alice)
    office.cookies["django_language"] = "zh-hans"
    response = office.post(
        "/giving/receipts/wording/",
        {
            "organisation": "教育基金会",
            "title": "捐赠收据",
            "body": "感谢{donor}向{fund}捐赠{amount}。",
            "footer": "本收据不是公益事业捐赠票据。",
        },
    )
    assert response.status_code == 302
    donor_client = client_for(dave)
    donor_client.cookies["django_language"] = "zh-hans"
    text = pdf_text(donor_client.get(f"/giving/receipts/{gift.receipt.pk}.pdf").content)
    assert "捐赠收据" in text and "Exchange Fund" in text and "¥10.00" in text
    # English receipts keep the default wording.
    english = pdf_text(client_for(dave).get(f"/giving/receipts/{gift.receipt.pk}.pdf").content)
    assert "Acknowledgement of your gift" in english
    # A placeholder that does not exist is refused with a clear message.
    bad = office.post(
        "/giving/receipts/wording/",
        {"organisation": "x", "title": "x", "body": "{donor_address}", "footer": "x"},
    )
    assert bad.status_code == 200
    assert "{donor}" in bad.content.decode()


def test_an_annual_summary_lists_the_years_gifts_and_total(alice, dave):
    fund = services.fund_create(by=alice, code="s", name="Scholarship", purpose="scholarship")
    donor = services.donor_for_person(person=dave.person)
    services.gift_record(donor=donor, fund=fund, by=alice, amount="100")
    services.gift_record(donor=donor, fund=fund, by=alice, amount="250.25")
    year = timezone.localdate().year
    response = client_for(dave).get(f"/giving/donors/{donor.pk}/summary/{year}.pdf")
    text = pdf_text(response.content)
    assert f"Annual summary of gifts, {year}" in text and "¥350.25" in text


def test_documents_are_checked_by_content_and_stored_under_our_name(
    alice, carol, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    fund = services.fund_create(by=alice, code="d", name="Doc Fund", purpose="hardship")
    award_round = services.round_create(
        fund=fund, name="R", criteria="-", amount="1", places=1, opens_on=today,
        closes_on=today, by=alice,
    )  # fmt: skip
    client = client_for(carol)
    fake = SimpleUploadedFile(
        "transcript.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = client.post(
        f"/giving/rounds/{award_round.pk}/apply/",
        {"statement": "Please", "documents": [fake]},
        HTTP_REFERER=f"/giving/rounds/{award_round.pk}/",
    )
    assert response.status_code == 302
    assert not Application.objects.exists()  # all or nothing
    sneaky = SimpleUploadedFile("../../etc/passwd.pdf", PNG, content_type="application/pdf")
    client.post(
        f"/giving/rounds/{award_round.pk}/apply/", {"statement": "Please", "documents": [sneaky]}
    )
    document = ApplicationDocument.objects.get()
    assert document.content_type == "image/png" and document.extension == ".png"
    assert "passwd" not in document.file.name and ".." not in document.file.name
    assert document.file.name.startswith("private/giving/")
    download = client.get(f"/giving/documents/{document.pk}/")
    assert download.content == PNG
    assert download["Content-Type"] == "image/png"
    assert "passwd" not in download["Content-Disposition"]


def test_a_document_over_the_size_limit_is_refused(alice, carol, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ALMA_UPLOAD_MAX_BYTES = 100
    today = timezone.localdate()
    fund = services.fund_create(by=alice, code="d", name="Doc Fund", purpose="hardship")
    award_round = services.round_create(
        fund=fund, name="R", criteria="-", amount="1", places=1, opens_on=today,
        closes_on=today, by=alice,
    )  # fmt: skip
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 200)
    with pytest.raises(ApplicationError, match="at most"):
        services.application_submit(
            award_round=award_round, by=carol, statement="x", documents=[big]
        )
    assert not Application.objects.exists()


def test_donors_see_only_consenting_students_by_name_and_only_approved_letters(
    world, alice, dave, gina
):
    # gina (no consent) is awarded and paid too.
    gina_application = Application.objects.get(pk=world["gina_application"])
    award = services.application_decide(application=gina_application, by=alice, award=True)
    services.award_pay(award=award, by=alice)
    page = client_for(dave).get("/giving/impact/").content.decode()
    assert "Carol Student" in page
    assert "Gina Prospective" not in page
    assert "and 1 student who prefers not to be named" in page
    assert "Thank you, donors!" in page  # approved
    assert "And again, thank you." not in page  # waiting for the office
    api = client_for(dave).get("/api/giving/impact").json()
    [mine] = api
    assert [s["name"] for s in mine["students_named"]] == ["Carol Student"]
    assert mine["students_not_named"] == 1
    assert "Gina" not in str(api)


def test_a_student_who_withdraws_consent_is_no_longer_named(world, carol, dave):
    client_for(carol).post(
        f"/giving/applications/{world['carol_application']}/named/", {"named": "0"}
    )
    page = client_for(dave).get("/giving/impact/").content.decode()
    assert "Carol Student" not in page
    assert "A student who prefers not to be named" in page


def test_an_anonymous_donor_is_not_named_to_the_students(world, carol, dave):
    assert "Dave Alumnus" in client_for(carol).get("/giving/awards/").content.decode()
    client_for(dave).post(f"/giving/donors/{world['dave_donor']}/anonymity/", {"anonymous": "1"})
    page = client_for(carol).get("/giving/awards/").content.decode()
    assert "Dave Alumnus" not in page and "An anonymous donor" in page


def test_students_and_representatives_never_see_gifts_not_theirs(world, carol, frank, dave):
    frank_page = client_for(frank).get("/giving/impact/").content.decode()
    assert "Hardship Aid Fund" in frank_page  # his company's gift
    assert "Li Family Scholarship" not in frank_page  # dave's
    assert client_for(carol).get("/giving/impact/").content.decode().count("Receipt") == 0
    assert client_for(frank).get(f"/giving/receipts/{world['dave_receipt']}.pdf").status_code == 404
    assert client_for(carol).get("/api/giving/impact").json() == []


def test_the_ceremony_seats_the_funds_donors_and_the_award_holders(
    world, alice, dave, carol, frank
):
    ceremony = EventFactory(kind="ceremony", title="Award ceremony 2026")
    response = client_for(alice).post(
        f"/giving/rounds/{world['round']}/ceremony/", {"event": ceremony.pk}
    )
    assert response.status_code == 302
    guests = set(Registration.objects.filter(event=ceremony).values_list("person_id", flat=True))
    assert guests == {dave.person_id, carol.person_id}  # frank's company gave to another fund
    assert "Award ceremony 2026" in client_for(dave).get("/giving/impact/").content.decode()


def test_totals_export_reconciles_with_the_ledger(world, alice):
    client = client_for(alice)
    content = client.get("/giving/reports/?format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    money = sum(Decimal(r[4]) for r in rows[1:])
    assert money == Decimal("25000.00")  # dave's 20,000 and the company's 5,000
    book = openpyxl.load_workbook(io.BytesIO(client.get("/giving/reports/?format=xlsx").content))
    sheet = book.worksheets[0]
    assert [c.value for c in next(sheet.iter_rows(max_row=1))][:3] == ["Year", "Purpose", "Source"]
    statement = client.get(
        f"/giving/funds/{world['fund']}/statement/?start=2000-01-01&end={timezone.localdate()}&format=pdf"
    )
    text = pdf_text(statement.content)
    assert "Closing balance" in text and "15000.00" in text


def test_a_name_that_looks_like_a_formula_is_escaped_in_exports(alice):
    evil = f.AlumnusFactory(full_name="=HYPERLINK(1)")
    fund = Fund.objects.create(code="e", name="=cmd|calc", purpose="unrestricted")
    donor = services.donor_for_person(person=evil)
    services.gift_record(donor=donor, fund=fund, by=alice, amount="5")
    content = (
        client_for(alice).get(f"/giving/donors/{donor.pk}/?format=csv").content.decode("utf-8-sig")
    )
    assert "'=cmd|calc" in content and ",=cmd" not in content
    totals = client_for(alice).get("/giving/reports/?format=csv").content.decode("utf-8-sig")
    assert "'=" not in totals  # numbers and labels only, none escaped needlessly


def test_recording_a_gift_with_a_bad_amount_shows_the_message_and_changes_nothing(
    world, alice, dave
):
    before = Gift.objects.count()
    response = client_for(alice).post(
        "/giving/gifts/new/",
        {"person": dave.person_id, "fund": world["fund"], "kind": "money", "amount": "12.345",
         "currency": "CNY", "received_on": timezone.localdate()},
    )  # fmt: skip
    assert response.status_code == 200
    assert "CNY amounts have at most 2 decimal places." in response.content.decode()
    assert Gift.objects.count() == before


def test_the_api_records_a_gift_and_explains_a_refusal(world, alice, dave):
    client = client_for(alice)
    ok = client.post(
        "/api/giving/gifts",
        {"fund_id": world["fund"], "person_id": dave.person_id, "amount": "100", "currency": "USD",
         "exchange_rate": "7.2"},
        content_type="application/json",
    )  # fmt: skip
    assert ok.status_code == 201
    assert ok.json()["amount"] in ("720.00", 720.0, "720")
    bad = client.post(
        "/api/giving/gifts",
        {"fund_id": world["fund"], "person_id": dave.person_id, "amount": "1.001"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "amount"]


@pytest.mark.parametrize("path", ["/giving/gifts/", "/giving/letters/", "/giving/"])
def test_list_pages_take_the_same_number_of_queries_for_more_rows(
    path, alice, dave, django_assert_num_queries
):
    fund = services.fund_create(by=alice, code="q", name="Query Fund", purpose="scholarship")
    client = client_for(alice)

    def grow(n: int) -> None:
        for _ in range(n):
            donor = services.donor_for_person(person=f.AlumnusFactory())
            services.gift_record(donor=donor, fund=fund, by=alice, amount="1")
            services.fund_create(
                by=alice, code=f"q{Fund.objects.count()}", name=f"Fund {Fund.objects.count()}",
                purpose="hardship",
            )  # fmt: skip
        today = timezone.localdate()
        award_round = services.round_create(
            fund=fund, name=f"R{n}", criteria="-", amount="1", places=n, opens_on=today,
            closes_on=today, by=alice,
        )  # fmt: skip
        students = [f.UserFactory(person=f.StudentFactory()) for _ in range(n)]
        apps = [
            services.application_submit(award_round=award_round, by=s, statement="x")
            for s in students
        ]
        services.round_close(award_round=award_round, by=alice)
        for s, a in zip(students, apps, strict=True):
            award = services.application_decide(application=a, by=alice, award=True)
            assert isinstance(award, Award)
            services.letter_write(award=award, by=s, text="Thanks")

    grow(2)
    client.get(path)  # warm caches (content types, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    grow(5)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(path).status_code == 200


def test_phone_width_is_declared_and_tables_scroll_inside_their_box(world, alice):
    page = client_for(alice).get(f"/giving/funds/{world['fund']}/").content.decode()
    assert 'name="viewport" content="width=device-width' in page
    assert 'class="table-wrap"' in page


def test_a_pledge_from_the_give_page_shows_on_my_giving(world, erin):
    fund = Fund.objects.get(pk=world["fund"])
    client = client_for(erin)
    response = client.post(
        "/giving/give/",
        {"fund": fund.pk, "total": "600", "instalments": "3", "months_between": "4",
         "first_due_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get("/giving/impact/").content.decode()
    assert "Li Family Scholarship: ¥600.00" in page
