"""A small world of support around the personas, for page and role tests.

bob (teaching staff) opened a case for carol (student), whose hometown is the city of erin's
chapter; carol agreed to share a summary with the chapter's officers and with alumni; dave
(alumnus) accepts requests for help and was asked, as was erin's chapter; erin offered help.
alice (alumni office, the site's admin) is not on that case's team: it is not hers to open.
She leads a second case, for gina, on which an emergency grant can be paid. A third person,
not a persona, is a named case officer.
"""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from alma.giving import services as giving
from alma.giving.models import Purpose
from alma.people.models import Person, Post
from alma.support import services
from alma.support.models import Category, HelpKind, Urgency
from alma.support.selectors import helper_candidates
from alma.testing import factories as f

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NARRATIVE = "Carol broke her leg in a cycling accident; the surgery costs 30000."


def support_world(users: dict[str, Any]) -> dict[str, Any]:
    alice, bob, carol, dave, erin, gina = (
        users[n] for n in ("alice", "bob", "carol", "dave", "erin", "gina")
    )
    chapter = erin.person.chapter_memberships.get().chapter
    Person.objects.filter(pk=carol.person_id).update(hometown_city=chapter.city)
    carol.person.refresh_from_db()
    Person.objects.filter(pk=dave.person_id).update(expertise="orthopaedics, surgery")
    dave.person.refresh_from_db()
    services.preference_set(person=dave.person, accepts=True)

    officer = f.PersonFactory(full_name="Olga Officer")
    f.StaffPostFactory(person=officer, post=Post.ALUMNI_OFFICE)
    services.case_officer_name(person=officer)

    case = services.case_open(
        student=carol.person,
        category=Category.ACCIDENT,
        urgency=Urgency.HIGH,
        narrative=NARRATIVE,
        needs=[HelpKind.MONEY, HelpKind.PROFESSIONAL],
        expertise_needed="orthopaedics",
        by=bob,
    )
    note = services.note_add(case=case, body="Spoke with her mother.", by=bob)
    stored = services.file_add(
        case=case,
        upload=SimpleUploadedFile("bill.pdf", PDF, content_type="application/pdf"),
        title="Hospital bill",
        by=bob,
    )
    task = services.task_add(
        case=case, title="Call the hospital", owner=bob.person, due_on=_tomorrow(), by=bob
    )
    consent = services.consent_record(
        case=case,
        by=carol,
        summary="A second-year student needs an orthopaedic surgeon's advice.",
        to_chapter=True,
        to_alumni=True,
    )
    picks = helper_candidates(case, viewer=bob)
    requests = services.requests_send(case=case, by=bob, to_chapter=True, alumni=picks)
    chapter_request = next(r for r in requests if r.chapter_id)
    dave_request = next(r for r in requests if r.alumnus_id)
    offer = services.offer_make(
        request=chapter_request, by=erin, kind=HelpKind.STAY, details="A room near the hospital."
    )

    office_case = services.case_open(
        student=gina.person,
        category=Category.FINANCIAL,
        urgency=Urgency.NORMAL,
        narrative="Gina's family lost their income.",
        by=alice,
    )
    fund = giving.fund_create(
        by=alice, code="support-hardship", name="Emergency Hardship Fund", purpose=Purpose.HARDSHIP
    )
    giving.gift_record(
        donor=giving.donor_for_person(person=dave.person), fund=fund, by=alice, amount="3000"
    )
    return {
        "support_case": case.pk,
        "support_office_case": office_case.pk,
        "support_note": note.pk,
        "support_file": stored.pk,
        "support_task": task.pk,
        "support_consent": consent.pk,
        "support_chapter_request": chapter_request.pk,
        "support_dave_request": dave_request.pk,
        "support_offer": offer.pk,
        "support_fund": fund.pk,
        "support_bob_person": bob.person_id,
    }


def _tomorrow() -> Any:
    import datetime as dt

    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=1)


def canaries_in_a_case(alumna: Any, student: Any) -> None:
    """Put two people where support shows people: `student` has an open case (bob's team), her
    name agreed to be shared with the hometown chapter (erin's) and alumni; `alumna` accepts
    requests for help and was asked. Neither's private fields may show to anyone."""
    from alma.accounts.models import User

    bob = User.objects.get(email="bob@example.edu")
    services.preference_set(person=alumna, accepts=True)
    case = services.case_open(
        student=student,
        category=Category.FAMILY,
        urgency=Urgency.HIGH,
        narrative="Canary narrative",
        expertise_needed="family law",
        by=bob,
    )
    services.consent_record(
        case=case,
        by=bob,
        summary="Canary summary",
        share_name=True,
        to_chapter=True,
        to_alumni=True,
    )
    services.requests_send(
        case=case,
        by=bob,
        to_chapter=True,
        alumni=[{"person": alumna, "score": 0.5, "reasons": []}],
    )
