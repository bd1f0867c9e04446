"""Writes to the ledger. `activity_record` is the only function that creates an Activity."""

import datetime as dt
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alma.accounts.models import User
from alma.accounts.roles import Role, roles_of
from alma.activity.kinds import STAFF_SERVICE, get_kind
from alma.activity.models import Activity, Aspect, ProcessStage, Provider
from alma.lib.errors import ApplicationError
from alma.people.models import Person, Post, Stage

NOTE_MAX_LENGTH = 2000
# When someone holds several posts, the ledger credits the one closest to students' daily life.
POST_PRIORITY = [Post.TEACHING, Post.ADMINISTRATIVE, Post.LOGISTICS, Post.ALUMNI_OFFICE]


def process_stage_of(person: Person, *, at: dt.date) -> str:
    """The five-service process stage of a person on a date, from their stage and education."""
    if person.stage == Stage.PROSPECTIVE:
        return ProcessStage.PRE_ENTRY
    if person.stage == Stage.ALUMNUS:
        return ProcessStage.ALUMNUS
    if person.stage == Stage.STUDENT:
        expected = [
            e.expected_graduation_year
            for e in person.educations.all()
            if e.graduation_year is None and e.expected_graduation_year
        ]
        # The last year before graduation is "leaving": job hunting, theses, send-offs.
        if expected and min(expected) <= at.year:
            return ProcessStage.LEAVING
        return ProcessStage.IN_SCHOOL
    return ""


def provider_of(person: Person) -> str:
    posts = set(person.staff_posts.filter(active=True).values_list("post", flat=True))
    for post in POST_PRIORITY:
        if post in posts:
            return str(post)
    if person.stage == Stage.ALUMNUS:
        return Provider.ALUMNUS
    if person.represented_organizations.exists():
        return Provider.PARTNER
    raise ApplicationError(_("This person holds no post from which to serve students."))


@transaction.atomic
def activity_record(
    *,
    kind: str,
    actor: Person | None,
    beneficiary: Person | None,
    aspect: str | None = None,
    provider: str | None = None,
    note: str = "",
    occurred_at: dt.datetime | None = None,
    source: models.Model | None = None,
    recorded_by: User | None = None,
) -> Activity:
    try:
        activity_kind = get_kind(kind)
    except LookupError:
        raise ApplicationError(_("Unknown activity kind.")) from None
    aspect = aspect or (activity_kind.default_aspect and str(activity_kind.default_aspect))
    if aspect not in Aspect.values:
        raise ApplicationError(_("Choose an aspect: life, study or work."), field="aspect")
    if len(note) > NOTE_MAX_LENGTH:
        raise ApplicationError(
            _("The note is too long (at most %(n)d characters).") % {"n": NOTE_MAX_LENGTH},
            field="note",
        )
    when = occurred_at or timezone.now()
    if provider is None:
        if actor is None:
            raise ApplicationError(_("An activity needs an actor or a provider."))
        provider = provider_of(actor)
    mode = ""
    if actor is not None and actor.stage == Stage.ALUMNUS and activity_kind.alumni_mode:
        mode = str(activity_kind.alumni_mode)
    source_fields: dict[str, Any] = {}
    if source is not None:
        from django.contrib.contenttypes.models import ContentType

        source_fields = {
            "source_type": ContentType.objects.get_for_model(source),
            "source_id": str(source.pk),
        }
    return Activity.objects.create(
        kind=activity_kind.slug,
        occurred_at=when,
        actor=actor,
        provider=provider,
        beneficiary=beneficiary,
        beneficiary_stage=process_stage_of(beneficiary, at=timezone.localdate(when))
        if beneficiary is not None
        else "",
        aspect=aspect,
        engagement_mode=mode,
        note=note,
        recorded_by=recorded_by,
        **source_fields,
    )


def activity_notify_beneficiary(*, activity_id: int) -> bool:
    """Email the person served, asking how helpful it was. Returns whether a mail was sent."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse

    activity = (
        Activity.objects.select_related("actor", "beneficiary").filter(pk=activity_id).first()
    )
    if activity is None or activity.beneficiary is None or not activity.beneficiary.email:
        return False
    body = render_to_string(
        "activity/email/service_recorded.txt",
        {"activity": activity, "link": settings.SITE_URL + reverse("activity:received")},
    )
    send_mail(
        _("A service was recorded for you — was it helpful?"),
        body,
        None,
        [activity.beneficiary.email],
    )
    return True


def staff_service_log(
    *, staff: User, student: Person, aspect: str, note: str, occurred_on: dt.date | None = None
) -> Activity:
    """A staff member of any post records a service given to a student."""
    held = roles_of(staff)
    if not held & {Role.STAFF, Role.ALUMNI_OFFICE} or staff.person is None:
        raise ApplicationError(_("Only staff can record services to students."))
    if student.stage not in (Stage.PROSPECTIVE, Stage.STUDENT):
        raise ApplicationError(_("Services are recorded for students."), field="student")
    if student.pk == staff.person_id:
        raise ApplicationError(_("You cannot record a service to yourself."), field="student")
    note = note.strip()
    if not note:
        raise ApplicationError(_("Say in a few words what the service was."), field="note")
    today = timezone.localdate()
    occurred_on = occurred_on or today
    if occurred_on > today:
        raise ApplicationError(_("The date cannot be in the future."), field="occurred_on")
    if occurred_on < today - dt.timedelta(days=366):
        raise ApplicationError(
            _("Services older than a year cannot be logged."), field="occurred_on"
        )
    occurred_at = (
        timezone.now()
        if occurred_on == today
        else timezone.make_aware(dt.datetime.combine(occurred_on, dt.time(12, 0)))
    )
    activity = activity_record(
        kind=STAFF_SERVICE.slug,
        actor=staff.person,
        beneficiary=student,
        aspect=aspect,
        note=note,
        occurred_at=occurred_at,
        recorded_by=staff,
    )
    from alma.activity.tasks import service_recorded_notify

    transaction.on_commit(lambda: service_recorded_notify.enqueue(activity.pk))
    return activity


@transaction.atomic
def activity_rate(*, activity: Activity, by: User, rating: int) -> Activity:
    """The person served says how helpful it was (1 to 5); they may change their mind."""
    if by.person_id is None or activity.beneficiary_id != by.person_id:
        raise ApplicationError(_("Only the person served can rate this."))
    if not get_kind(activity.kind).beneficiary_may_rate:
        raise ApplicationError(_("This kind of activity is not rated."))
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ApplicationError(_("A rating is a whole number from 1 to 5."), field="rating")
    Activity.objects.filter(pk=activity.pk).update(rating=rating, rated_at=timezone.now())
    activity.refresh_from_db()
    return activity
