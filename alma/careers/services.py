"""Writes for careers: the alliance, postings and their review, applications and their
pipeline, job fairs, enterprise visits. Side effects (notifications) run after commit."""

from __future__ import annotations

import datetime as dt
import io
import secrets
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from PIL import Image, ImageOps

from alma.activity.models import Aspect, ProcessStage, Provider
from alma.activity.services import activity_record
from alma.careers import kinds, notifications
from alma.careers.models import (
    AllianceMembership,
    ApplicationStatus,
    ApplicationStep,
    Booth,
    BoothSignIn,
    CareerProfile,
    EmployerLink,
    EnterpriseVisit,
    JobApplication,
    JobFair,
    OrganizationSize,
    Posting,
    PostingKind,
    PracticeBase,
    VisitPhoto,
    private_storage,
    split_list,
)
from alma.careers.selectors import (
    SEARCH_KIND,
    employer_link_is_uncertain,
    is_career_staff,
    may_manage_organization,
)
from alma.comms.selectors import mail_language_of, mail_settings_for
from alma.comms.services import notify_later
from alma.events.models import Event, EventKind, Program
from alma.events.services import event_create, program_create
from alma.lib.errors import ApplicationError
from alma.lib.reasons import Reason
from alma.people.models import DegreeLevel, Employment, Organization, Person, Stage
from alma.search.services import search_index, search_remove

CV_MAX_BYTES = 5 * 1024 * 1024
# A visit report's photos: a few, each checked and re-encoded by Pillow.
PHOTOS_PER_VISIT = 6
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000  # refused before decoding: no decompression bombs
PHOTO_MAX_SIDE = 2000
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
# Checked by content, not by the name or the type the browser claims.
CV_TYPES = [
    (b"%PDF-", ".pdf", "application/pdf"),
    (
        b"PK\x03\x04",
        ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
]
# Where an application may go from each step; representatives move forward or decline, the
# student withdraws.
NEXT_STEPS: dict[str, set[str]] = {
    ApplicationStatus.APPLIED: {"screening", "interview", "declined"},
    ApplicationStatus.SCREENING: {"interview", "offer", "declined"},
    ApplicationStatus.INTERVIEW: {"offer", "declined"},
    ApplicationStatus.OFFER: {"hired", "declined"},
    ApplicationStatus.HIRED: set(),
    ApplicationStatus.DECLINED: set(),
    ApplicationStatus.WITHDRAWN: set(),
}
STUDENT_STAGES = (Stage.STUDENT, Stage.PROSPECTIVE)


def posting_index(posting: Posting) -> None:
    """Keep the search index true: a live posting is findable by everyone signed in (level 1),
    any other is not in the index at all."""
    if posting.status != Posting.Status.LIVE:
        search_remove(SEARCH_KIND, posting.pk)
        return
    organization = posting.organization
    text = "\n".join(
        [
            posting.title,
            organization.name,
            organization.aliases,
            posting.industry,
            posting.skills,
            posting.target_majors,
            posting.cities,
            posting.description,
        ]
    )
    search_index(
        SEARCH_KIND,
        posting.pk,
        text,
        facets={"kind": posting.kind, "city": posting.city_list, "major": posting.major_list},
    )


@transaction.atomic
def postings_reindex() -> int:
    """Rebuild the postings' search documents (after an import or a restore); idempotent."""
    for posting in Posting.objects.select_related("organization").iterator():
        posting_index(posting)
    return Posting.objects.filter(status=Posting.Status.LIVE).count()


def _person_of(user: Any) -> Person:
    if user.person_id is None:
        raise ApplicationError(_("Your account is not linked to a person record."))
    return user.person


def _representative(organization: Organization) -> Person | None:
    return organization.representatives.order_by("pk").first()


def _record_for_enterprise(
    *, kind: str, organization: Organization, student: Person, source: Any, note: str = ""
) -> None:
    """The ledger's row for something an organisation did for a student: the enterprise acts
    through its representative (an alumnus representative's CASE mode is derived there)."""
    activity_record(
        kind=kind,
        actor=_representative(organization),
        beneficiary=student,
        provider=Provider.ENTERPRISE,
        note=note or organization.name,
        source=source,
    )


# --- The alliance --------------------------------------------------------------------------


@transaction.atomic
def alliance_request(
    *,
    user: Any,
    name: str,
    kind: str = Organization.Kind.ALUMNI_ENTERPRISE,
    industry: str = "",
    city: str = "",
    size: str = "",
    cities: str = "",
    description: str = "",
) -> AllianceMembership:
    """Ask to join the alliance for an organisation (an existing one by its name, or a new
    one); the office decides, and on approval the requester represents it."""
    person = _person_of(user)
    name = " ".join(name.split())
    if not name:
        raise ApplicationError(_("Give the organisation's name."), field="name")
    if size and size not in OrganizationSize.values:
        raise ApplicationError(_("Choose a size from the list."), field="size")
    if kind not in (Organization.Kind.ALUMNI_ENTERPRISE, Organization.Kind.PARTNER):
        raise ApplicationError(_("Choose a kind from the list."), field="kind")
    organization = Organization.objects.filter(name__iexact=name).first()
    if organization is None:
        organization = Organization.objects.create(
            name=name, kind=kind, industry=industry, city=city, description=description
        )
    membership = AllianceMembership.objects.filter(organization=organization).first()
    if membership is not None and membership.status != AllianceMembership.Status.DECLINED:
        raise ApplicationError(
            _("%(name)s has already asked to join, or is a member.") % {"name": organization}
        )
    membership = membership or AllianceMembership(organization=organization)
    membership.status = AllianceMembership.Status.REQUESTED
    membership.size = size
    membership.cities = ", ".join(split_list(cities or city))
    membership.requested_by = person
    membership.requested_at = timezone.now()
    membership.decided_by = None
    membership.decided_at = None
    membership.save()
    return membership


@transaction.atomic
def alliance_decide(*, membership: AllianceMembership, user: Any, approve: bool) -> None:
    if not is_career_staff(user):
        raise ApplicationError(_("Only the career or alumni office decides on the alliance."))
    membership = AllianceMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != AllianceMembership.Status.REQUESTED:
        raise ApplicationError(_("This request has already been decided."))
    membership.status = (
        AllianceMembership.Status.APPROVED if approve else AllianceMembership.Status.DECLINED
    )
    membership.decided_by = user.person
    membership.decided_at = timezone.now()
    membership.save()
    if approve and membership.requested_by_id:
        membership.organization.representatives.add(membership.requested_by_id)


ORGANIZATION_FIELDS = ("industry", "city", "website", "description", "aliases")
MEMBERSHIP_FIELDS = ("size", "cities", "sponsorships")


@transaction.atomic
def organization_profile_update(
    *, user: Any, organization: Organization, **fields: Any
) -> Organization:
    """Its representatives or career staff keep an alliance member's page up to date."""
    if not may_manage_organization(user, organization.pk):
        raise ApplicationError(_("You do not represent this organisation."))
    unknown = set(fields) - set(ORGANIZATION_FIELDS) - set(MEMBERSHIP_FIELDS)
    if unknown:
        raise ApplicationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if fields.get("size") and fields["size"] not in OrganizationSize.values:
        raise ApplicationError(_("Choose a size from the list."), field="size")
    for name in ORGANIZATION_FIELDS:
        if name in fields:
            value = str(fields[name] or "").strip()
            if name == "aliases":
                value = "\n".join(dict.fromkeys(a.strip() for a in value.splitlines() if a.strip()))
            setattr(organization, name, value)
    organization.save()
    membership = AllianceMembership.objects.filter(organization=organization).first()
    if membership is not None:
        for name in MEMBERSHIP_FIELDS:
            if name in fields:
                value = str(fields[name] or "").strip()
                setattr(
                    membership, name, ", ".join(split_list(value)) if name == "cities" else value
                )
        membership.save()
    return organization


@transaction.atomic
def practice_base_add(
    *, organization: Organization, title: str, starts_on: dt.date, ends_on: dt.date
) -> PracticeBase:
    if ends_on < starts_on:
        raise ApplicationError(_("The agreement must end after it starts."), field="ends_on")
    return PracticeBase.objects.create(
        organization=organization, title=title, starts_on=starts_on, ends_on=ends_on
    )


# --- Postings ------------------------------------------------------------------------------


@transaction.atomic
def posting_create(
    *,
    user: Any,
    organization: Organization,
    kind: str,
    title: str,
    description: str,
    deadline: dt.date,
    openings: int = 1,
    target_majors: str = "",
    degree_levels: list[str] | str = "",
    skills: str = "",
    cities: str = "",
    remote: bool = False,
    salary_min: Decimal | None = None,
    salary_max: Decimal | None = None,
    industry: str = "",
    today: dt.date | None = None,
) -> Posting:
    """A representative (or career staff) posts for their organisation; it waits for review."""
    if not may_manage_organization(user, organization.pk):
        raise ApplicationError(_("You do not represent this organisation."))
    membership = getattr(organization, "alliance_membership", None)
    if not is_career_staff(user) and (
        membership is None or membership.status != AllianceMembership.Status.APPROVED
    ):
        raise ApplicationError(_("Only alliance members post; ask to join first."))
    if kind not in PostingKind.values:
        raise ApplicationError(_("Choose a kind from the list."), field="kind")
    if not title.strip():
        raise ApplicationError(_("Give the posting a title."), field="title")
    if not description.strip():
        raise ApplicationError(_("Describe the position."), field="description")
    if deadline < (today or timezone.localdate()):
        raise ApplicationError(_("The deadline has passed."), field="deadline")
    if openings < 1:
        raise ApplicationError(_("Offer at least one opening."), field="openings")
    if salary_min is not None and salary_max is not None and salary_max < salary_min:
        raise ApplicationError(_("The salary band's top is below its bottom."), field="salary_max")
    levels = split_list(degree_levels) if isinstance(degree_levels, str) else degree_levels
    if any(level not in DegreeLevel.values for level in levels):
        raise ApplicationError(_("Choose degree levels from the list."), field="degree_levels")
    return Posting.objects.create(
        organization=organization,
        kind=kind,
        title=title.strip(),
        description=description,
        deadline=deadline,
        openings=openings,
        target_majors=", ".join(split_list(target_majors)),
        degree_levels=", ".join(levels),
        skills=", ".join(split_list(skills)),
        cities=", ".join(split_list(cities)),
        remote=remote,
        salary_min=salary_min,
        salary_max=salary_max,
        industry=industry or organization.industry,
        created_by=user.person,
    )


@transaction.atomic
def posting_review(*, posting: Posting, user: Any, approve: bool, note: str = "") -> Posting:
    """Career staff put a posting live or return it with a note; its organisation is told."""
    if not is_career_staff(user):
        raise ApplicationError(_("Only the career or alumni office reviews postings."))
    posting = Posting.objects.select_for_update().get(pk=posting.pk)
    if posting.status != Posting.Status.PENDING:
        raise ApplicationError(_("This posting is not waiting for review."))
    if not approve and not note.strip():
        raise ApplicationError(_("Say why the posting is returned."), field="note")
    posting.status = Posting.Status.LIVE if approve else Posting.Status.REJECTED
    posting.reviewed_by = user.person
    posting.reviewed_at = timezone.now()
    posting.review_note = note.strip()[:300]
    posting.save()
    posting_index(posting)
    recipients = list(posting.organization.representatives.values_list("pk", flat=True))
    if recipients:
        subject = Reason(
            gettext_noop("Your posting “%(title)s” is live.")
            if approve
            else gettext_noop("Your posting “%(title)s” was returned."),
            {"title": posting.title},
        )
        notify_later(
            recipient_ids=recipients,
            kind=notifications.POSTING_REVIEWED.slug,
            subject=subject,
            body=posting.review_note,
            link=f"/careers/postings/{posting.pk}/",
        )
    return posting


@transaction.atomic
def postings_expire(*, today: dt.date | None = None) -> int:
    """Close live postings whose deadline has passed (the pages already hide them; this keeps
    the status true for reports). Idempotent: run daily from cron (`alma careers expire`)."""
    day = today or timezone.localdate()
    expired = list(
        Posting.objects.select_for_update()
        .filter(status=Posting.Status.LIVE, deadline__lt=day)
        .values_list("pk", flat=True)
    )
    Posting.objects.filter(pk__in=expired).update(status=Posting.Status.CLOSED)
    for pk in expired:
        search_remove(SEARCH_KIND, pk)
    return len(expired)


# --- Applications --------------------------------------------------------------------------


def _cv_checked(upload: UploadedFile) -> tuple[str, str]:
    if upload.size is None or upload.size > CV_MAX_BYTES:
        raise ApplicationError(
            _("A CV may be at most %(n)d MB.") % {"n": CV_MAX_BYTES // (1024 * 1024)}, field="cv"
        )
    if upload.size == 0:
        raise ApplicationError(_("The file is empty."), field="cv")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for magic, extension, content_type in CV_TYPES:
        if head.startswith(magic):
            return extension, content_type
    raise ApplicationError(_("Attach your CV as a PDF or Word (.docx) file."), field="cv")


def _notify_step(applications: list[JobApplication], status: str) -> None:
    """Tell each student of the step, worded in the student's own mail language (chosen in
    their mail settings, else guessed from their name, as comms does), not the mover's."""
    if not applications:
        return
    posting = applications[0].posting
    chosen = mail_settings_for(person_ids=[a.student_id for a in applications])
    by_language: dict[str, list[int]] = {}
    for application in applications:
        row = chosen.get(application.student_id)
        language = mail_language_of(application.student, row.language if row else "")
        by_language.setdefault(language, []).append(application.student_id)
    for language, recipient_ids in sorted(by_language.items()):
        with translation.override(language):
            label = str(dict(ApplicationStatus.choices)[status])
            subject = _("Your application to “%(title)s”: %(step)s") % {
                "title": posting.title,
                "step": label,
            }
        notify_later(
            recipient_ids=recipient_ids,
            kind=notifications.APPLICATION_STEP.slug,
            subject=subject,
            link="/careers/applications/",
        )


@transaction.atomic
def application_submit(
    *,
    user: Any,
    posting: Posting,
    note: str = "",
    cv: UploadedFile | None = None,
    at_fair: JobFair | None = None,
) -> JobApplication:
    """A student applies to a live posting, with a CV (PDF or .docx, checked by content)."""
    student = _person_of(user)
    if student.stage not in STUDENT_STAGES:
        raise ApplicationError(_("Only students apply to postings."))
    if not posting.is_open():
        raise ApplicationError(_("This posting is not open for applications."))
    if JobApplication.objects.filter(posting=posting, student=student).exists():
        raise ApplicationError(_("You have already applied to this posting."))
    if at_fair is not None and (
        at_fair.status != JobFair.Status.OPEN
        or not Booth.objects.filter(fair=at_fair, postings=posting).exists()
    ):
        raise ApplicationError(_("This posting is not at an open fair's booth."))
    application = JobApplication(
        posting=posting, student=student, note=note.strip(), at_fair=at_fair
    )
    if cv is not None:
        extension, content_type = _cv_checked(cv)
        application.new_cv_token()
        application.cv_extension = extension
        application.cv_content_type = content_type
        application.cv_size = cv.size or 0
        application.cv.save(f"cv{extension}", cv, save=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        if application.cv:
            application.cv.delete(save=False)
        raise ApplicationError(_("You have already applied to this posting.")) from None
    ApplicationStep.objects.create(application=application, status=application.status, by=student)
    _notify_step([application], application.status)
    return application


@transaction.atomic
def applications_move(
    *, user: Any, posting: Posting, application_ids: list[int], status: str
) -> int:
    """Move applicants of one posting to a step, all or none; each student is told. A hire is
    recorded in the ledger (and an internship hosted, for internships and practice places)."""
    if not may_manage_organization(user, posting.organization_id):
        raise ApplicationError(_("You do not manage this posting."))
    if status not in ApplicationStatus.values or status == ApplicationStatus.WITHDRAWN:
        raise ApplicationError(_("Choose a step from the list."), field="status")
    if not application_ids:
        raise ApplicationError(_("Choose at least one applicant."))
    applications = list(
        JobApplication.objects.select_for_update()
        .filter(posting=posting, pk__in=application_ids)
        .select_related("posting__organization", "student")
        .order_by("pk")
    )
    if len(applications) != len(set(application_ids)):
        raise ApplicationError(_("Some of those applications are not for this posting."))
    label = dict(ApplicationStatus.choices)[status]
    for application in applications:
        if status not in NEXT_STEPS[application.status]:
            raise ApplicationError(
                _("%(name)s's application cannot move from %(from)s to %(to)s.")
                % {
                    "name": application.student.full_name,
                    "from": application.get_status_display(),
                    "to": label,
                }
            )
    now = timezone.now()
    JobApplication.objects.filter(pk__in=[a.pk for a in applications]).update(
        status=status, updated_at=now
    )
    ApplicationStep.objects.bulk_create(
        [
            ApplicationStep(application=a, status=status, at=now, by=user.person)
            for a in applications
        ]
    )
    if status == ApplicationStatus.HIRED:
        hosted = posting.kind in (PostingKind.INTERNSHIP, PostingKind.PRACTICE_BASE)
        for application in applications:
            _record_for_enterprise(
                kind=(kinds.INTERNSHIP_HOSTED if hosted else kinds.HIRED).slug,
                organization=posting.organization,
                student=application.student,
                source=application,
                note=posting.title,
            )
    _notify_step(applications, status)
    return len(applications)


@transaction.atomic
def application_withdraw(*, user: Any, application: JobApplication) -> JobApplication:
    if user.person_id != application.student_id:
        raise ApplicationError(_("Only the applicant withdraws an application."))
    application = JobApplication.objects.select_for_update().get(pk=application.pk)
    if application.status in (ApplicationStatus.HIRED, ApplicationStatus.WITHDRAWN):
        raise ApplicationError(_("This application can no longer be withdrawn."))
    application.status = ApplicationStatus.WITHDRAWN
    application.updated_at = timezone.now()
    application.save(update_fields=["status", "updated_at"])
    ApplicationStep.objects.create(
        application=application, status=application.status, by=application.student
    )
    return application


@transaction.atomic
def career_profile_save(*, user: Any, **fields: Any) -> CareerProfile:
    person = _person_of(user)
    profile, _created = CareerProfile.objects.get_or_create(person=person)
    for name in ("skills", "target_industries", "preferred_cities"):
        if name in fields:
            setattr(profile, name, ", ".join(split_list(str(fields[name]))))
    if "open_to_employers" in fields:
        profile.open_to_employers = bool(fields["open_to_employers"])
    profile.save()
    return profile


# --- Employer links ------------------------------------------------------------------------


@transaction.atomic
def employer_link_decide(
    *, user: Any, employment: Employment, organization: Organization, confirm: bool
) -> EmployerLink:
    """The office confirms (the record counts among the alumni working there) or rejects
    (never proposed again, while the record names its employer the same way) an uncertain
    link between an employment record and an organisation."""
    if not is_career_staff(user):
        raise ApplicationError(_("Only the career or alumni office decides employer links."))
    if not employer_link_is_uncertain(employment, organization):
        raise ApplicationError(_("This link is not waiting for a decision."))
    link, _created = EmployerLink.objects.update_or_create(
        employment=employment,
        organization=organization,
        defaults={
            "status": EmployerLink.Status.CONFIRMED if confirm else EmployerLink.Status.REJECTED,
            "matched_name": employment.organization_name,
            "decided_by": user.person,
            "decided_at": timezone.now(),
        },
    )
    return link


# --- Job fairs -----------------------------------------------------------------------------


# The program every fair's event belongs to in the events catalogue (made on first use).
FAIR_PROGRAM = "Job fairs"
FAIR_OPENS_AT = dt.time(9)
FAIR_CLOSES_AT = dt.time(17)


def fair_program() -> Program:
    program = Program.objects.filter(name__iexact=FAIR_PROGRAM).first()
    if program is not None:
        return program
    return program_create(
        by=None,
        name=FAIR_PROGRAM,
        stage=ProcessStage.LEAVING,
        aspect=Aspect.WORK,
        description="Alumni-enterprise job fairs (careers).",
    )


@transaction.atomic
def fair_create(
    *,
    name: str,
    date: dt.date,
    venue: str,
    status: str = JobFair.Status.PLANNED,
    user: Any = None,
) -> JobFair:
    """A job fair and its event of kind job fair in the events calendar (the school hosts it;
    students, alumni and partners register there), made together or not at all. With a
    `user`, only the career or alumni office creates fairs (None: the demo, tests, scripts)."""
    if user is not None and not is_career_staff(user):
        raise ApplicationError(_("Only the career or alumni office creates fairs."))
    name = name.strip()
    if not name:
        raise ApplicationError(_("Give the fair a name."), field="name")
    if status not in JobFair.Status.values:
        raise ApplicationError(_("Choose a status from the list."), field="status")
    venue = venue.strip()
    if not venue:
        raise ApplicationError(_("Say where the fair takes place."), field="venue")
    zone = timezone.get_current_timezone()
    event = event_create(
        # The careers office's right to hold a fair was checked above; the event is the
        # school's, not one chapter's or unit's.
        by=None,
        program=fair_program(),
        title=name,
        kind=EventKind.JOB_FAIR,
        aspect=Aspect.WORK,
        starts_at=dt.datetime.combine(date, FAIR_OPENS_AT, tzinfo=zone),
        ends_at=dt.datetime.combine(date, FAIR_CLOSES_AT, tzinfo=zone),
        venue=venue,
        description=_("A job fair: organisations at booths, each with its postings."),
    )
    if user is not None and user.person_id is not None:
        Event.objects.filter(pk=event.pk).update(created_by=user.person)
    return JobFair.objects.create(name=name, date=date, venue=venue, status=status, event=event)


@transaction.atomic
def booth_add(
    *, fair: JobFair, organization: Organization, location: str, postings: list[Posting]
) -> Booth:
    if any(p.organization_id != organization.pk for p in postings):
        raise ApplicationError(_("A booth brings only its own organisation's postings."))
    if Booth.objects.filter(fair=fair, organization=organization).exists():
        raise ApplicationError(_("This organisation already has a booth at the fair."))
    booth = Booth.objects.create(fair=fair, organization=organization, location=location)
    booth.postings.set(postings)
    return booth


@transaction.atomic
def booth_sign_in(*, user: Any, token: str) -> BoothSignIn:
    """A student scans the booth's QR code: signed in once, and the ledger records the
    enterprise meeting them."""
    student = _person_of(user)
    if student.stage not in STUDENT_STAGES:
        raise ApplicationError(_("Only students sign in at booths."))
    booth = Booth.objects.select_related("fair", "organization").filter(sign_in_token=token).first()
    if booth is None:
        raise ApplicationError(_("This booth code is not known."))
    if booth.fair.status != JobFair.Status.OPEN:
        raise ApplicationError(_("The fair is not open."))
    existing = BoothSignIn.objects.filter(booth=booth, student=student).first()
    if existing is not None:
        return existing
    sign_in = BoothSignIn.objects.create(booth=booth, student=student)
    _record_for_enterprise(
        kind=kinds.FAIR_BOOTH.slug,
        organization=booth.organization,
        student=student,
        source=sign_in,
        note=booth.fair.name,
    )
    return sign_in


# --- Enterprise visits ---------------------------------------------------------------------


@transaction.atomic
def visit_sign_up(
    *, user: Any, organization: Organization, visit_on: dt.date, city: str = ""
) -> EnterpriseVisit:
    student = _person_of(user)
    if student.stage not in STUDENT_STAGES:
        raise ApplicationError(_("Enterprise visits are for students."))
    membership = getattr(organization, "alliance_membership", None)
    if membership is None or membership.status != AllianceMembership.Status.APPROVED:
        raise ApplicationError(_("Visits are to alliance members."))
    if visit_on < timezone.localdate():
        raise ApplicationError(_("Choose a day that has not passed."), field="visit_on")
    if EnterpriseVisit.objects.filter(
        organization=organization, student=student, visit_on=visit_on
    ).exists():
        raise ApplicationError(_("You have already signed up for this visit."))
    return EnterpriseVisit.objects.create(
        organization=organization,
        student=student,
        visit_on=visit_on,
        city=city or organization.city,
    )


@transaction.atomic
def visit_report(*, user: Any, visit: EnterpriseVisit, report: str) -> EnterpriseVisit:
    """The student files their report after the visit; the ledger records the visit hosted."""
    if user.person_id != visit.student_id:
        raise ApplicationError(_("Only the visitor files the report."))
    if visit.visit_on > timezone.localdate():
        raise ApplicationError(_("File the report after the visit."))
    if not report.strip():
        raise ApplicationError(_("Write the report."), field="report")
    first = visit.status == EnterpriseVisit.Status.SIGNED_UP
    visit.report = report.strip()
    visit.reported_at = timezone.now()
    if first:
        visit.status = EnterpriseVisit.Status.REPORTED
    visit.save()
    if first:
        _record_for_enterprise(
            kind=kinds.VISIT_HOSTED.slug,
            organization=visit.organization,
            student=visit.student,
            source=visit,
        )
    return visit


def _photo_encoded(upload: UploadedFile) -> tuple[bytes, str, str, int, int]:
    """The upload proved to be a JPEG, PNG or WebP photo by Pillow (not by its name or claimed
    type), re-encoded without its metadata and at most PHOTO_MAX_SIDE pixels a side: PNG stays
    PNG (drawings, screenshots), everything else becomes JPEG."""
    if upload.size is None or upload.size > PHOTO_MAX_BYTES:
        raise ApplicationError(
            _("A photo may be at most %(n)d MB.") % {"n": PHOTO_MAX_BYTES // (1024 * 1024)},
            field="photo",
        )
    refused = ApplicationError(_("Attach a photo as a JPEG, PNG or WebP image."), field="photo")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in PHOTO_FORMATS:
                raise refused
            if probe.width * probe.height > PHOTO_MAX_PIXELS:
                raise refused
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            source_format = image.format
            picture = ImageOps.exif_transpose(image)
    except ApplicationError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise refused from None
    picture.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    out = io.BytesIO()
    if source_format == "PNG":
        if picture.mode not in ("RGB", "RGBA", "L", "LA"):
            picture = picture.convert("RGBA")
        picture.save(out, format="PNG", optimize=True)
        extension, content_type = ".png", "image/png"
    else:
        picture.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
        extension, content_type = ".jpg", "image/jpeg"
    return out.getvalue(), extension, content_type, picture.width, picture.height


@transaction.atomic
def visit_photo_add(*, user: Any, visit: EnterpriseVisit, upload: UploadedFile) -> VisitPhoto:
    """The visitor adds a photo to their report (a few at most), before the office publishes it."""
    if user.person_id != visit.student_id:
        raise ApplicationError(_("Only the visitor adds photos to the report."))
    visit = EnterpriseVisit.objects.select_for_update().get(pk=visit.pk)
    if visit.status == EnterpriseVisit.Status.PUBLISHED:
        raise ApplicationError(_("The story is published; its photos no longer change."))
    if visit.visit_on > timezone.localdate():
        raise ApplicationError(_("Add photos after the visit."))
    if visit.photos.count() >= PHOTOS_PER_VISIT:
        raise ApplicationError(
            _("A report carries at most %(n)d photos.") % {"n": PHOTOS_PER_VISIT}, field="photo"
        )
    content, extension, content_type, width, height = _photo_encoded(upload)
    photo = VisitPhoto(
        visit=visit,
        token=secrets.token_hex(16),
        extension=extension,
        content_type=content_type,
        width=width,
        height=height,
        size=len(content),
    )
    photo.image.save(f"photo{extension}", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            photo.save()
    except Exception:
        photo.image.delete(save=False)
        raise
    return photo


@transaction.atomic
def visit_photo_remove(*, user: Any, photo: VisitPhoto) -> None:
    visit = photo.visit
    if user.person_id != visit.student_id:
        raise ApplicationError(_("Only the visitor removes photos from the report."))
    if visit.status == EnterpriseVisit.Status.PUBLISHED:
        raise ApplicationError(_("The story is published; its photos no longer change."))
    stored = photo.image.name or ""
    photo.delete()
    if stored:
        transaction.on_commit(lambda: private_storage().delete(stored))


@transaction.atomic
def visit_publish(*, user: Any, visit: EnterpriseVisit) -> EnterpriseVisit:
    if not is_career_staff(user):
        raise ApplicationError(_("Only the office publishes stories."))
    if visit.status != EnterpriseVisit.Status.REPORTED:
        raise ApplicationError(_("Only a filed report is published."))
    visit.status = EnterpriseVisit.Status.PUBLISHED
    visit.save(update_fields=["status"])
    return visit
