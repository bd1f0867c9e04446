"""A small careers world around the personas, for page, role and canary tests.

frank represents Partner Co, an alliance member with a live internship (carol applied, with a
CV) and a posting waiting for review. Other Bank, represented by Olga (no persona), has a live
job carol also applied to: frank must never reach that application or its CV. An open fair has
a booth for each; carol visited Partner Co last week and filed a report; dave asked for his
company to join the alliance.
"""

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from alma.careers import services
from alma.careers.models import AllianceMembership, EnterpriseVisit, JobFair, Posting
from alma.people.models import DegreeLevel, Organization, Post
from alma.testing import factories as f

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def cv(name: str = "cv.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def photo(name: str = "photo.jpg", image_format: str = "JPEG", size: tuple = (64, 48)) -> Any:
    """A small real image, as a browser uploads it."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=image_format)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def member(organization: Organization) -> AllianceMembership:
    return AllianceMembership.objects.create(
        organization=organization,
        status=AllianceMembership.Status.APPROVED,
        cities="Shanghai, Beijing",
        size="medium",
    )


def career_officer() -> Any:
    """A member of the career office: approves postings without being alumni office."""
    person = f.PersonFactory(full_name="Kai Careers")
    f.StaffPostFactory(person=person, post=Post.CAREER_OFFICE)
    return f.UserFactory(email="kai@example.edu", person=person)


def posting_for(
    user: Any, organization: Organization, *, title: str, live: bool = True, **extra: Any
) -> Posting:
    fields: dict[str, Any] = {
        "kind": "internship",
        "description": "Work on **real** projects.",
        "deadline": timezone.localdate() + dt.timedelta(days=30),
        "target_majors": "Finance, Computer Science",
        "cities": "Shanghai",
        "skills": "Python, SQL",
        **extra,
    }
    posting = services.posting_create(user=user, organization=organization, title=title, **fields)
    if live:
        Posting.objects.filter(pk=posting.pk).update(status=Posting.Status.LIVE)
        posting.refresh_from_db()
        services.posting_index(posting)
    return posting


def careers_world(users: dict[str, Any]) -> dict[str, Any]:
    alice, carol, dave, frank = (users[n] for n in ("alice", "carol", "dave", "frank"))
    partner = Organization.objects.get(name="Partner Co")
    member(partner)
    bank = Organization.objects.create(
        name="Other Bank", kind="alumni_enterprise", industry="Banking"
    )
    member(bank)
    olga = f.UserFactory(email="olga@example.edu", person=f.PersonFactory(full_name="Olga Other"))
    bank.representatives.add(olga.person)
    internship = posting_for(frank, partner, title="Data intern")
    pending = posting_for(frank, partner, title="Marketing intern", live=False)
    returnable = posting_for(frank, partner, title="Legal intern", live=False)
    bank_job = posting_for(
        olga, bank, title="Risk analyst", kind="graduate_job", degree_levels=[DegreeLevel.BACHELOR]
    )
    carol_application = services.application_submit(user=carol, posting=internship, cv=cv())
    carol_bank_application = services.application_submit(user=carol, posting=bank_job, cv=cv())
    fair = services.fair_create(
        name="Spring alumni-enterprise fair",
        date=timezone.localdate(),
        venue="Sports Centre",
        status=JobFair.Status.OPEN,
    )
    booth = services.booth_add(
        fair=fair, organization=partner, location="A1", postings=[internship]
    )
    bank_booth = services.booth_add(
        fair=fair, organization=bank, location="A2", postings=[bank_job]
    )
    visit = EnterpriseVisit.objects.create(
        organization=partner,
        student=carol.person,
        visit_on=timezone.localdate() - dt.timedelta(days=7),
        city="Shanghai",
    )
    services.visit_report(user=carol, visit=visit, report="We saw the trading floor.")
    visit_photo = services.visit_photo_add(user=carol, visit=visit, upload=photo())
    join_request = services.alliance_request(user=dave, name="Dave Ventures", industry="Finance")
    # An alumnus names Other Bank only by another name: the office confirms or rejects it.
    Organization.objects.filter(pk=bank.pk).update(aliases="OB")
    uncertain = f.EmploymentFactory(
        person=f.AlumnusFactory(full_name="Uma Uncertain"), organization_name="OB", is_current=True
    )
    return {
        "c_partner": partner.pk,
        "c_bank": bank.pk,
        "c_internship": internship.pk,
        "c_pending": pending.pk,
        "c_returnable": returnable.pk,
        "c_bank_job": bank_job.pk,
        "c_carol_application": carol_application.pk,
        "c_carol_bank_application": carol_bank_application.pk,
        "c_fair": fair.pk,
        "c_booth": booth.pk,
        "c_booth_token": booth.sign_in_token,
        "c_bank_booth": bank_booth.pk,
        "c_visit": visit.pk,
        "c_photo": visit_photo.pk,
        "c_join_org": join_request.organization_id,
        "c_uncertain_employment": uncertain.pk,
        "c_office": alice.pk,
        "c_deadline": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
        "c_tomorrow": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
    }


def canaries_apply_and_visit(student: Any) -> None:
    """Put a student where careers shows people: an applicant to Partner Co (frank's
    applicants page) with a CV, open to employers (recommended students), and a visitor."""
    from alma.careers.models import CareerProfile, JobApplication

    partner = Organization.objects.get(name="Partner Co")
    membership = getattr(partner, "alliance_membership", None) or member(partner)
    assert membership.status == AllianceMembership.Status.APPROVED
    posting = Posting.objects.create(
        organization=partner,
        kind="internship",
        title="Canary internship",
        description="-",
        target_majors="",
        deadline=timezone.localdate() + dt.timedelta(days=10),
        status=Posting.Status.LIVE,
    )
    JobApplication.objects.create(posting=posting, student=student, note="")
    CareerProfile.objects.create(person=student, open_to_employers=True, skills="canary-skill")
    EnterpriseVisit.objects.create(
        organization=partner, student=student, visit_on=timezone.localdate(), city="Shanghai"
    )
