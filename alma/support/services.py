"""Writes for support cases: intake, team, notes, files, tasks, consent, requests for help,
offers, grants, closure, follow-ups, purging and key rotation.

Every function checks who may do it (a case's team and the named case officers work on a
case; the student records or withdraws their own consent; a request's recipients offer help).
Notices say only that a case needs attention; they are queued after the transaction commits.
"""

import datetime as dt
import os
import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from alma.accounts.models import User
from alma.accounts.roles import Role, roles_of
from alma.activity.models import Aspect
from alma.activity.services import activity_record
from alma.comms.services import notify_later
from alma.giving import services as giving_services
from alma.giving.models import Fund
from alma.lib.errors import ApplicationError
from alma.lib.reasons import Reason
from alma.people.models import Person, Stage
from alma.support import crypto
from alma.support.access import (
    is_staff,
    may_open_case,
    officer_chapter_ids,
    person_id_of,
)
from alma.support.files import FILE_TYPES, file_path
from alma.support.kinds import HELP
from alma.support.models import (
    Case,
    CaseEvent,
    CaseFile,
    CaseNote,
    CaseOfficer,
    CaseReadLog,
    CaseTask,
    CaseTeamMember,
    Category,
    Consent,
    Grant,
    HelpKind,
    HelpRequest,
    Offer,
    SupportPreference,
    Urgency,
)
from alma.support.notifications import ATTENTION, HELP_REQUEST
from alma.support.selectors import hometown_chapter

NARRATIVE_MAX = 20_000
SUMMARY_MAX = 2_000
NOTE_MAX = 20_000


def _text(value: Any, *, field: str, limit: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ApplicationError(_("This field is required."), field=field)
    if len(text) > limit:
        raise ApplicationError(_("At most %(n)d characters.") % {"n": limit}, field=field)
    return text


def _require_case_worker(case: Case, by: User | None) -> User:
    if by is None or not may_open_case(by, case):
        raise ApplicationError(_("Only the case's team can do this."))
    return by


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise ApplicationError(_("This case is closed."))


def _event(case: Case, kind: str, by: User | None, detail: str = "") -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=kind, actor=by, detail=detail[:200])


def _case_link(case: Case) -> str:
    return reverse("support:case", args=[case.pk])


def _attention(case: Case, *, exclude: User | None = None, officers: bool = False) -> None:
    """Tell the team (and the case officers) that the case needs attention: nothing more."""
    ids = set(case.team.values_list("person_id", flat=True))
    if officers:
        ids |= set(CaseOfficer.objects.values_list("person_id", flat=True))
    if exclude is not None and exclude.person_id:
        ids.discard(exclude.person_id)
    if ids:
        notify_later(
            recipient_ids=sorted(ids),
            kind=ATTENTION.slug,
            subject=Reason(gettext_noop("A support case needs your attention")),
            link=_case_link(case),
        )


def case_read_log(*, case: Case, by: User | None, what: str) -> CaseReadLog:
    """Record a read of a case's protected content (the page, a note, a file)."""
    return CaseReadLog.objects.create(case=case, reader=by, what=what[:60])


# --- Intake and the team ------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    student: Person,
    category: str,
    urgency: str,
    narrative: str,
    needs: Iterable[str] = (),
    expertise_needed: str = "",
    by: User | None,
) -> Case:
    """Intake by any staff member, who leads the case's team until others join."""
    if by is None or by.person is None or not is_staff(by):
        raise ApplicationError(_("Only staff open support cases."))
    if student.stage not in (Stage.STUDENT, Stage.PROSPECTIVE):
        raise ApplicationError(_("Support cases are for students."), field="student")
    if student.pk == by.person_id:
        raise ApplicationError(_("You cannot open a case about yourself."), field="student")
    if category not in Category.values:
        raise ApplicationError(_("Choose a category."), field="category")
    if urgency not in Urgency.values:
        raise ApplicationError(_("Choose an urgency."), field="urgency")
    needs = sorted(set(needs))
    if any(need not in HelpKind.values for need in needs):
        raise ApplicationError(_("Unknown kind of help."), field="needs")
    case = Case.objects.create(
        student=student,
        category=category,
        urgency=urgency,
        needs=needs,
        expertise_needed=_text(
            expertise_needed, field="expertise_needed", limit=300, required=False
        ),
        narrative_encrypted=crypto.encrypt(
            _text(narrative, field="narrative", limit=NARRATIVE_MAX)
        ),
        opened_by=by,
    )
    CaseTeamMember.objects.create(case=case, person=by.person, lead=True)
    _event(case, CaseEvent.Kind.OPENED, by)
    _attention(case, exclude=by, officers=True)
    return case


@transaction.atomic
def team_member_add(*, case: Case, person: Person, by: User | None) -> CaseTeamMember:
    _require_case_worker(case, by)
    _require_open(case)
    if not person.staff_posts.filter(active=True).exists():
        raise ApplicationError(_("Only staff join a case's team."), field="person")
    if person.pk == case.student_id:
        raise ApplicationError(_("The student is not on their own case's team."), field="person")
    member, created = CaseTeamMember.objects.get_or_create(case=case, person=person)
    if created:
        _event(case, CaseEvent.Kind.TEAM, by, person.full_name)
        notify_later(
            recipient_ids=[person.pk],
            kind=ATTENTION.slug,
            subject=Reason(gettext_noop("A support case needs your attention")),
            link=_case_link(case),
        )
    return member


def case_narrative(case: Case) -> str:
    return crypto.decrypt(case.narrative_encrypted)


# --- Notes, files, tasks ------------------------------------------------------------------


@transaction.atomic
def note_add(*, case: Case, body: str, by: User | None) -> CaseNote:
    _require_case_worker(case, by)
    _require_open(case)
    note = CaseNote.objects.create(
        case=case,
        author=by,
        body_encrypted=crypto.encrypt(_text(body, field="body", limit=NOTE_MAX)),
    )
    _event(case, CaseEvent.Kind.NOTE, by)
    return note


def _sniff(upload: UploadedFile) -> tuple[str, str]:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, extension, content_type in FILE_TYPES:
        if head.startswith(magic):
            return extension, content_type
    raise ApplicationError(_("Attach a PDF, PNG or JPEG file."), field="upload")


@transaction.atomic
def file_add(*, case: Case, upload: UploadedFile, title: str, by: User | None) -> CaseFile:
    """Keep a file encrypted outside MEDIA_ROOT; only the case's file view serves it."""
    _require_case_worker(case, by)
    _require_open(case)
    limit = settings.ALMA_UPLOAD_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ApplicationError(
            _("A file may be at most %(n)d MB.") % {"n": limit // (1024 * 1024)}, field="upload"
        )
    if upload.size == 0:
        raise ApplicationError(_("The file is empty."), field="upload")
    extension, content_type = _sniff(upload)
    title = _text(title or upload.name or _("File"), field="title", limit=120)
    token = secrets.token_hex(16)
    path = file_path(token)
    content = b"".join(upload.chunks())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(crypto.encrypt_bytes(content))
    try:
        stored = CaseFile.objects.create(
            case=case,
            storage_token=token,
            extension=extension,
            content_type=content_type,
            title_encrypted=crypto.encrypt(title),
            size=len(content),
            uploaded_by=by,
        )
        _event(case, CaseEvent.Kind.FILE, by)
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return stored


def file_read(*, stored: CaseFile, by: User | None) -> tuple[bytes, str]:
    """The file's content and title for someone who may open the case; the read is logged."""
    case = stored.case
    _require_case_worker(case, by)
    content = crypto.decrypt_bytes(file_path(stored.storage_token).read_bytes())
    case_read_log(case=case, by=by, what=f"file {stored.pk}")
    return content, crypto.decrypt(stored.title_encrypted)


@transaction.atomic
def task_add(
    *, case: Case, title: str, owner: Person, due_on: dt.date, by: User | None
) -> CaseTask:
    _require_case_worker(case, by)
    _require_open(case)
    if not case.team.filter(person=owner).exists():
        raise ApplicationError(_("A task's owner is on the case's team."), field="owner")
    task = CaseTask.objects.create(
        case=case, title=_text(title, field="title", limit=200), owner=owner, due_on=due_on
    )
    _event(case, CaseEvent.Kind.TASK, by, task.title)
    return task


@transaction.atomic
def task_done(*, task: CaseTask, by: User | None) -> CaseTask:
    _require_case_worker(task.case, by)
    if task.done_at is None:
        task.done_at = timezone.now()
        CaseTask.objects.filter(pk=task.pk).update(done_at=task.done_at)
        _event(task.case, CaseEvent.Kind.TASK_DONE, by, task.title)
    return task


# --- Consent ------------------------------------------------------------------------------


def active_consent(case: Case) -> Consent | None:
    return case.consents.filter(withdrawn_at__isnull=True).first()


@transaction.atomic
def consent_record(
    *,
    case: Case,
    by: User | None,
    summary: str,
    given_by: str = Consent.GivenBy.STUDENT,
    contact_name: str = "",
    contact_relation: str = "",
    share_name: bool = False,
    to_chapter: bool = False,
    to_alumni: bool = False,
) -> Consent:
    """What may be shared and with whom: agreed by the student (recorded by them or the team),
    or by a named contact when the student cannot, recorded as such by the team."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_open(case)
    by_student = by is not None and by.person_id == case.student_id
    if not by_student:
        _require_case_worker(case, by)
    if given_by not in Consent.GivenBy.values:
        raise ApplicationError(_("Say who gave the consent."), field="given_by")
    if by_student and given_by != Consent.GivenBy.STUDENT:
        raise ApplicationError(_("You give your own consent."), field="given_by")
    contact_name = _text(contact_name, field="contact_name", limit=200, required=False)
    if given_by == Consent.GivenBy.CONTACT and not contact_name:
        raise ApplicationError(_("Name the contact who agreed."), field="contact_name")
    if given_by == Consent.GivenBy.STUDENT:
        contact_name = contact_relation = ""
    if not (to_chapter or to_alumni):
        raise ApplicationError(_("Choose who may hear of the case."), field="to_chapter")
    if active_consent(case) is not None:
        raise ApplicationError(_("Withdraw the current consent before recording a new one."))
    consent = Consent.objects.create(
        case=case,
        given_by=given_by,
        contact_name=contact_name,
        contact_relation=_text(
            contact_relation, field="contact_relation", limit=100, required=False
        ),
        summary_encrypted=crypto.encrypt(_text(summary, field="summary", limit=SUMMARY_MAX)),
        share_name=bool(share_name),
        to_chapter=bool(to_chapter),
        to_alumni=bool(to_alumni),
        recorded_by=by,
    )
    _event(case, CaseEvent.Kind.CONSENT, by)
    if by_student:
        _attention(case)
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, by: User | None) -> Consent:
    """Withdrawn: the requests sent under it close, and their summary is hidden from recipients."""
    case = consent.case
    if by is None or (by.person_id != case.student_id and not may_open_case(by, case)):
        raise ApplicationError(_("Only the student or the case's team can withdraw consent."))
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        return consent
    now = timezone.now()
    consent.withdrawn_at, consent.withdrawn_by = now, by
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    HelpRequest.objects.filter(consent=consent, status=HelpRequest.Status.OPEN).update(
        status=HelpRequest.Status.CLOSED, closed_at=now
    )
    _event(case, CaseEvent.Kind.CONSENT_WITHDRAWN, by)
    if by.person_id == case.student_id:
        _attention(case)
    return consent


def consent_summary(consent: Consent) -> str:
    return crypto.decrypt(consent.summary_encrypted)


# --- Requests for help and offers ---------------------------------------------------------


def accepts_help_requests(person_ids: Iterable[int]) -> set[int]:
    return set(
        SupportPreference.objects.filter(
            person_id__in=list(person_ids), accepts_help_requests=True
        ).values_list("person_id", flat=True)
    )


@transaction.atomic
def requests_send(
    *,
    case: Case,
    by: User | None,
    to_chapter: bool = False,
    alumni: list[dict[str, Any]] | None = None,
) -> list[HelpRequest]:
    """Send the consented summary to the hometown chapter's officers and to alumni who accept
    requests for help. `alumni` are the matching engine's picks: {person, score, reasons}."""
    _require_case_worker(case, by)
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_open(case)
    consent = active_consent(case)
    if consent is None:
        raise ApplicationError(_("Nobody outside the team hears of a case before consent."))
    alumni = alumni or []
    if not to_chapter and not alumni:
        raise ApplicationError(_("Choose whom to ask for help."))
    chapter = None
    if to_chapter:
        if not consent.to_chapter:
            raise ApplicationError(_("The consent does not cover the hometown chapter."))
        chapter = hometown_chapter(case.student)
        if chapter is None:
            raise ApplicationError(_("The student's hometown has no chapter."))
    if alumni and not consent.to_alumni:
        raise ApplicationError(_("The consent does not cover alumni."))
    willing = accepts_help_requests(pick["person"].pk for pick in alumni)
    sent: list[HelpRequest] = []
    open_requests = HelpRequest.objects.filter(case=case, status=HelpRequest.Status.OPEN)
    if chapter is not None and not open_requests.filter(chapter=chapter).exists():
        sent.append(
            HelpRequest.objects.create(case=case, consent=consent, chapter=chapter, sent_by=by)
        )
    for pick in alumni:
        person = pick["person"]
        if person.pk not in willing:
            raise ApplicationError(
                _("%(name)s does not accept requests for help.") % {"name": person.full_name}
            )
        if person.pk == case.student_id or open_requests.filter(alumnus=person).exists():
            continue
        sent.append(
            HelpRequest.objects.create(
                case=case,
                consent=consent,
                alumnus=person,
                score=pick.get("score"),
                reasons=pick.get("reasons", []),
                sent_by=by,
            )
        )
    for request in sent:
        _event(case, CaseEvent.Kind.REQUEST, by)
        if request.chapter_id:
            from alma.people.models import ChapterMembership

            recipients = list(
                ChapterMembership.objects.filter(
                    chapter_id=request.chapter_id, role=ChapterMembership.Role.OFFICER
                ).values_list("person_id", flat=True)
            )
        else:
            recipients = [request.alumnus_id] if request.alumnus_id else []
        if recipients:
            notify_later(
                recipient_ids=recipients,
                kind=HELP_REQUEST.slug,
                subject=Reason(gettext_noop("A request for help for a student")),
                link=reverse("support:request", args=[request.pk]),
            )
    return sent


def is_recipient(user: Any, request: HelpRequest) -> bool:
    if request.chapter_id:
        return request.chapter_id in officer_chapter_ids(user)
    return person_id_of(user) == request.alumnus_id


@transaction.atomic
def offer_make(*, request: HelpRequest, by: User | None, kind: str, details: str) -> Offer:
    if by is None or by.person is None or not is_recipient(by, request):
        raise ApplicationError(_("Only those asked can offer help."))
    request = HelpRequest.objects.select_related("case", "consent").get(pk=request.pk)
    if request.status != HelpRequest.Status.OPEN or request.consent.withdrawn_at is not None:
        raise ApplicationError(_("This request for help is closed."))
    if kind not in HelpKind.values:
        raise ApplicationError(_("Choose a kind of help."), field="kind")
    offer = Offer.objects.create(
        request=request,
        helper=by.person,
        kind=kind,
        details=_text(details, field="details", limit=500),
    )
    _event(request.case, CaseEvent.Kind.OFFER, by, offer.get_kind_display())
    _attention(request.case)
    return offer


@transaction.atomic
def offer_set_status(*, offer: Offer, status: str, by: User | None) -> Offer:
    """The team accepts, declines or marks an offer given; help given enters the ledger."""
    case = offer.request.case
    _require_case_worker(case, by)
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if status not in Offer.Status.values or status == Offer.Status.OFFERED:
        raise ApplicationError(_("Choose what became of the offer."), field="status")
    if offer.status in (Offer.Status.DONE, Offer.Status.DECLINED):
        raise ApplicationError(_("This offer is settled."))
    offer.status = status
    offer.updated_at = timezone.now()
    offer.save(update_fields=["status", "updated_at"])
    _event(case, CaseEvent.Kind.OFFER_STATUS, by, offer.get_status_display())
    if status == Offer.Status.DONE:
        # The ledger learns that help was given, never the case behind it.
        activity_record(
            kind=HELP.slug,
            actor=offer.helper,
            beneficiary=case.student,
            aspect=Aspect.LIFE,
            source=offer,
            recorded_by=by,
        )
    return offer


# --- The emergency grant ------------------------------------------------------------------


@transaction.atomic
def grant_pay(*, case: Case, fund: Fund, amount: Any, by: User | None) -> Grant:
    """Pay an emergency grant from a hardship fund through giving's ledger (the office only)."""
    _require_case_worker(case, by)
    _require_open(case)
    if Role.ALUMNI_OFFICE not in roles_of(by):
        raise ApplicationError(_("Only the alumni office pays grants."))
    entry = giving_services.emergency_grant_pay(
        fund=fund, student=case.student, amount=amount, by=by
    )
    assert entry.award is not None  # an award payment always names its award
    grant = Grant.objects.create(case=case, award=entry.award, amount=-entry.amount, paid_by=by)
    _event(case, CaseEvent.Kind.GRANT, by)
    return grant


# --- Closure, follow-up, purge ------------------------------------------------------------


@transaction.atomic
def case_close(
    *, case: Case, outcome: str, by: User | None, follow_up_on: dt.date | None = None
) -> Case:
    _require_case_worker(case, by)
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_open(case)
    if outcome not in Case.Outcome.values:
        raise ApplicationError(_("Choose the outcome."), field="outcome")
    today = timezone.localdate()
    if follow_up_on is not None and follow_up_on <= today:
        raise ApplicationError(_("A follow-up is in the future."), field="follow_up_on")
    now = timezone.now()
    case.status, case.outcome, case.closed_at = Case.Status.CLOSED, outcome, now
    case.follow_up_on = follow_up_on
    case.save(update_fields=["status", "outcome", "closed_at", "follow_up_on"])
    HelpRequest.objects.filter(case=case, status=HelpRequest.Status.OPEN).update(
        status=HelpRequest.Status.CLOSED, closed_at=now
    )
    _event(case, CaseEvent.Kind.CLOSED, by, case.get_outcome_display())
    case_id = case.pk
    transaction.on_commit(lambda: _schedule_after_closing(case_id, now, follow_up_on))
    return case


def _schedule_after_closing(case_id: int, closed_at: dt.datetime, follow_up: Any) -> None:
    from alma.support.tasks import case_follow_up_task, case_purge_task

    purge_at = closed_at + dt.timedelta(days=settings.ALMA_SUPPORT_RETENTION_DAYS)
    if case_purge_task.get_backend().supports_defer:
        case_purge_task.using(run_after=purge_at).enqueue(case_id)
        if follow_up is not None:
            moment = dt.datetime.combine(
                follow_up, dt.time(9), tzinfo=timezone.get_current_timezone()
            )
            case_follow_up_task.using(run_after=moment).enqueue(case_id)


def follow_up_send(*, case_id: int, today: dt.date | None = None) -> bool:
    """Remind the team of a closed case's follow-up once it is due; once only."""
    today = today or timezone.localdate()
    case = Case.objects.filter(pk=case_id).first()
    if case is None or case.follow_up_on is None or case.follow_up_on > today:
        return False
    with transaction.atomic():
        claimed = Case.objects.filter(pk=case_id, follow_up_sent_at__isnull=True).update(
            follow_up_sent_at=timezone.now()
        )
        if not claimed:
            return False
        _event(case, CaseEvent.Kind.FOLLOW_UP, None)
        _attention(case)
    return True


def follow_ups_send(*, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    due = Case.objects.filter(follow_up_on__lte=today, follow_up_sent_at__isnull=True)
    return sum(follow_up_send(case_id=pk, today=today) for pk in due.values_list("pk", flat=True))


def tasks_due_remind(*, today: dt.date | None = None) -> int:
    """Remind each owner of an open case's task due by today, once (a conditional update
    claims the task, so two sweeps never remind twice). Returns the number reminded."""
    today = today or timezone.localdate()
    due = CaseTask.objects.filter(
        done_at__isnull=True,
        reminded_at__isnull=True,
        due_on__lte=today,
        case__status=Case.Status.OPEN,
    ).values_list("pk", "owner_id", "case_id")
    reminded = 0
    for pk, owner_id, case_id in list(due):
        with transaction.atomic():
            if not CaseTask.objects.filter(pk=pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            ):
                continue
            notify_later(
                recipient_ids=[owner_id],
                kind=ATTENTION.slug,
                subject=Reason(gettext_noop("A support case needs your attention")),
                link=reverse("support:case", args=[case_id]),
            )
        reminded += 1
    return reminded


def case_purge(*, case_id: int, now: dt.datetime | None = None) -> bool:
    """Purge a closed case past its retention period of narrative, notes, files and the
    consented summaries; what remains is who, when, what kind and the outcome. Idempotent."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.ALMA_SUPPORT_RETENTION_DAYS)
    with transaction.atomic():
        case = (
            Case.objects.select_for_update()
            .filter(
                pk=case_id,
                status=Case.Status.CLOSED,
                closed_at__lte=cutoff,
                purged_at__isnull=True,
            )
            .first()
        )
        if case is None:
            return False
        paths = [file_path(token) for token in case.files.values_list("storage_token", flat=True)]
        case.files.all().delete()
        case.notes.all().delete()
        case.consents.update(summary_encrypted="")
        case.narrative_encrypted = ""
        case.purged_at = now
        case.save(update_fields=["narrative_encrypted", "purged_at"])
        _event(case, CaseEvent.Kind.PURGED, None)
        # The rows go first; the files follow once that is committed (a rollback keeps both).
        transaction.on_commit(lambda: _files_remove(paths))
    return True


def _files_remove(paths: list[Any]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def cases_purge(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.ALMA_SUPPORT_RETENTION_DAYS)
    due = Case.objects.filter(
        status=Case.Status.CLOSED, closed_at__lte=cutoff, purged_at__isnull=True
    ).values_list("pk", flat=True)
    return sum(case_purge(case_id=pk, now=now) for pk in list(due))


# --- Keys, preferences, officers ----------------------------------------------------------


def keys_rotate() -> dict[str, int]:
    """Re-encrypt every protected value under the first key of ALMA_SUPPORT_KEYS."""
    counts = {"cases": 0, "notes": 0, "consents": 0, "files": 0}
    for case in Case.objects.exclude(narrative_encrypted="").only("pk", "narrative_encrypted"):
        with transaction.atomic():
            Case.objects.filter(pk=case.pk).update(
                narrative_encrypted=crypto.rotate(case.narrative_encrypted)
            )
        counts["cases"] += 1
    for note in CaseNote.objects.only("pk", "body_encrypted"):
        CaseNote.objects.filter(pk=note.pk).update(
            body_encrypted=crypto.rotate(note.body_encrypted)
        )
        counts["notes"] += 1
    for consent in Consent.objects.exclude(summary_encrypted="").only("pk", "summary_encrypted"):
        Consent.objects.filter(pk=consent.pk).update(
            summary_encrypted=crypto.rotate(consent.summary_encrypted)
        )
        counts["consents"] += 1
    for stored in CaseFile.objects.only("pk", "storage_token", "title_encrypted"):
        path = file_path(stored.storage_token)
        if path.exists():
            rotated = crypto.rotate_bytes(path.read_bytes())
            temporary = path.with_suffix(".rotating")
            temporary.write_bytes(rotated)
            temporary.chmod(0o600)
            temporary.replace(path)
        CaseFile.objects.filter(pk=stored.pk).update(
            title_encrypted=crypto.rotate(stored.title_encrypted)
        )
        counts["files"] += 1
    return counts


@transaction.atomic
def preference_set(*, person: Person, accepts: bool) -> SupportPreference:
    preference, _created = SupportPreference.objects.update_or_create(
        person=person,
        defaults={"accepts_help_requests": bool(accepts), "updated_at": timezone.now()},
    )
    return preference


@transaction.atomic
def case_officer_name(*, person: Person) -> CaseOfficer:
    """Name an alumni-office member to open every case (by `alma support_officer`)."""
    if not person.staff_posts.filter(active=True, post="alumni_office").exists():
        raise ApplicationError(_("Only alumni-office staff are named case officers."))
    officer, _created = CaseOfficer.objects.get_or_create(person=person)
    return officer


def grant_total(case: Case) -> Decimal:
    return sum((g.amount for g in case.grants.all()), Decimal(0))
