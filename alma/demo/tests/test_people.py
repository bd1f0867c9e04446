"""`alma seed`, the demo university and `alma demo`: sizes, coverage, determinism, validity."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone
from PIL import Image

from alma.accounts.models import User
from alma.accounts.roles import Role, roles_of
from alma.activity.kinds import all_kinds
from alma.activity.models import Activity, Aspect, ProcessStage, Provider
from alma.activity.services import (
    POST_PRIORITY,
    process_stage_of,
)
from alma.demo.people import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    GRADUATION_YEARS,
    SeedSize,
    demo_size,
    seed_university,
)
from alma.people.models import (
    Chapter,
    ChapterMembership,
    Consent,
    DegreeLevel,
    Education,
    Employment,
    Organization,
    Person,
    Post,
    StaffPost,
    Stage,
)
from alma.people.photos import photo_path
from alma.people.privacy import PRIVATE_FIELDS

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 28)


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


def test_seed_creates_the_requested_people_and_covers_every_level_post_and_year():
    output = seed("--alumni", "200", "--students", "80", "--staff", "12", "--seed", "7")

    assert Person.objects.filter(stage=Stage.ALUMNUS).count() == 200
    assert Person.objects.filter(stage__in=[Stage.STUDENT, Stage.PROSPECTIVE]).count() == 80
    assert Person.objects.filter(staff_posts__isnull=False).distinct().count() == 12
    assert "people/s" in output.splitlines()[-1]

    alumni_degrees = Education.objects.filter(person__stage=Stage.ALUMNUS)
    assert set(alumni_degrees.values_list("degree_level", flat=True)) == set(DegreeLevel.values)
    years = set(alumni_degrees.values_list("graduation_year", flat=True))
    assert len(years) == GRADUATION_YEARS and max(years) - min(years) == GRADUATION_YEARS - 1
    # Mostly bachelors, as at any comprehensive university.
    by_level = dict(alumni_degrees.values_list("degree_level").annotate(n=Count("id")))
    assert by_level[DegreeLevel.BACHELOR] == max(by_level.values())

    assert set(StaffPost.objects.values_list("post", flat=True)) == set(Post.values)
    kinds = dict(Organization.objects.values_list("kind").annotate(n=Count("id")))
    assert sum(kinds.values()) == 40 and set(kinds) == set(Organization.Kind.values)
    assert kinds[Organization.Kind.ALUMNI_ENTERPRISE] > sum(kinds.values()) / 2
    assert set(Chapter.objects.values_list("kind", flat=True)) == set(Chapter.Kind.values)
    assert Chapter.objects.count() == 8

    # Students across stages, with some in their final year.
    stages = set(Person.objects.values_list("stage", flat=True))
    assert {Stage.PROSPECTIVE, Stage.STUDENT} <= stages
    this_year = timezone.localdate().year
    final_year = Education.objects.filter(
        person__stage=Stage.STUDENT, expected_graduation_year__lte=this_year + 1
    )
    assert final_year.exists()
    # Enrolled students and alumni have student numbers; admitted ones do not yet.
    assert not Education.objects.filter(
        person__stage__in=[Stage.STUDENT, Stage.ALUMNUS], student_number__isnull=True
    ).exists()
    assert not Education.objects.filter(
        person__stage=Stage.PROSPECTIVE, student_number__isnull=False
    ).exists()


def test_seeded_people_are_realistic_and_bilingual():
    seed("--alumni", "300", "--students", "50", "--staff", "8", "--seed", "3")
    alumni = Person.objects.filter(stage=Stage.ALUMNUS)

    chinese = alumni.exclude(name_latin="")
    assert chinese.count() > alumni.count() * 0.8
    for person in chinese[:50]:
        # 王芳 / "Wang Fang": a Chinese name and its pinyin, family name first.
        assert person.full_name == person.family_name + person.given_name
        family, given = person.name_latin.split(" ")
        assert family.isascii() and given.isascii() and family[0].isupper()
    assert alumni.filter(name_latin="").exists()  # international alumni, with Latin names

    # Employment histories: one to three jobs, exactly one current, many at seeded organisations.
    jobs = dict(
        Employment.objects.filter(person__stage=Stage.ALUMNUS)
        .values_list("person")
        .annotate(n=Count("id"))
    )
    assert jobs and set(jobs.values()) <= {1, 2, 3}
    current = dict(
        Employment.objects.filter(person__stage=Stage.ALUMNUS, is_current=True)
        .values_list("person")
        .annotate(n=Count("id"))
    )
    assert current.keys() == jobs.keys() and set(current.values()) == {1}
    assert (
        Employment.objects.filter(organization__kind=Organization.Kind.ALUMNI_ENTERPRISE).count()
        > len(jobs) / 5
    )
    # Alumni enterprises are represented by their alumni founders.
    assert Person.objects.filter(
        stage=Stage.ALUMNUS, represented_organizations__kind=Organization.Kind.ALUMNI_ENTERPRISE
    ).exists()

    # Places: mostly Chinese cities, some abroad; chapters gather alumni of their region.
    assert alumni.filter(current_country="China").count() > alumni.count() * 0.7
    assert alumni.exclude(current_country="China").exists()
    for membership in ChapterMembership.objects.filter(
        chapter__kind=Chapter.Kind.REGIONAL, chapter__city="Shanghai"
    ).select_related("person"):
        assert membership.person.current_city == "Shanghai"
    assert ChapterMembership.objects.filter(role=ChapterMembership.Role.OFFICER).exists()

    # Privacy: most keep the defaults; those who chose use known fields and audiences.
    defaults = alumni.filter(privacy={}).count()
    assert alumni.count() * 0.5 < defaults < alumni.count()
    for privacy in alumni.exclude(privacy={}).values_list("privacy", flat=True):
        assert set(privacy) <= set(PRIVATE_FIELDS)
    assert Consent.objects.exists()
    assert alumni.exclude(expertise="").count() == alumni.count()


def _snapshot() -> list[tuple]:
    people = list(
        Person.objects.order_by("id").values_list(
            "full_name", "name_latin", "email", "stage", "current_city", "privacy"
        )
    )
    numbers = list(Education.objects.order_by("id").values_list("student_number", "major"))
    jobs = list(Employment.objects.order_by("id").values_list("organization_name", "title"))
    services = list(
        Activity.objects.order_by("id").values_list("occurred_at", "aspect", "note", "rating")
    )
    return [people, numbers, jobs, services]


def _wipe() -> None:
    Activity.objects.all().delete()
    Person.objects.all().delete()
    Organization.objects.all().delete()
    Chapter.objects.all().delete()


def test_the_same_seed_gives_the_same_university():
    size = SeedSize(alumni=80, students=30, staff=6, organizations=12, activities_per_staff=5)
    seed_university(size=size, seed=11, today=TODAY)
    first = _snapshot()
    _wipe()
    seed_university(size=size, seed=11, today=TODAY)
    assert _snapshot() == first
    _wipe()
    seed_university(size=size, seed=12, today=TODAY)
    other = _snapshot()
    assert other[0] != first[0] and other[0][0] != first[0][0]


def test_seeding_twice_adds_people_and_reuses_organisations():
    seed("--alumni", "60", "--students", "20", "--staff", "4", "--organizations", "10")
    seed("--alumni", "60", "--students", "20", "--staff", "4", "--organizations", "10")
    assert Person.objects.filter(stage=Stage.ALUMNUS).count() == 120
    assert Organization.objects.count() == 10 and Chapter.objects.count() == 8
    numbers = Education.objects.exclude(student_number=None).values_list("student_number")
    assert numbers.count() == numbers.distinct().count()


def test_seeded_activities_are_valid_ledger_rows():
    seed_university(
        size=SeedSize(alumni=50, students=120, staff=12, activities_per_staff=20), seed=5
    )
    activities = list(Activity.objects.select_related("actor", "beneficiary"))
    assert len(activities) > 100
    registered = {kind.slug for kind in all_kinds()}
    now = timezone.now()
    posts: dict[int, set[str]] = {}
    for person_id, post in StaffPost.objects.values_list("person_id", "post"):
        posts.setdefault(person_id, set()).add(post)
    for activity in activities:
        assert activity.kind in registered
        assert activity.aspect in Aspect.values
        assert activity.provider in Provider.values
        assert activity.beneficiary_stage in ProcessStage.values
        assert now - dt.timedelta(days=366) < activity.occurred_at < now
        assert activity.rating is None or 1 <= activity.rating <= 5
        assert activity.note
        # The actor is staff and is credited under the post the service layer would pick.
        held = posts[activity.actor_id]
        # (the career office, not in POST_PRIORITY, serves as administrative staff).
        assert activity.provider == next((p for p in POST_PRIORITY if p in held), "administrative")
        assert activity.beneficiary.stage in (Stage.STUDENT, Stage.PROSPECTIVE)
        assert activity.beneficiary_stage == process_stage_of(
            activity.beneficiary, at=timezone.localdate(activity.occurred_at)
        )
    stages = {a.beneficiary_stage for a in activities}
    assert {ProcessStage.PRE_ENTRY, ProcessStage.IN_SCHOOL} <= stages
    assert {a.aspect for a in activities} == set(Aspect.values)
    assert any(a.rating for a in activities) and any(a.rating is None for a in activities)


@pytest.mark.parametrize(
    "args",
    [
        ["--alumni", "-5", "--students", "1"],
        ["--alumni", "many", "--students", "1"],
        ["--students", "1"],
        ["--alumni", "1", "--students", "1", "--chapters", "99"],
    ],
)
def test_seed_rejects_bad_arguments_with_a_message_and_creates_nothing(args):
    with pytest.raises(CommandError):
        seed(*args)
    assert not Person.objects.exists()


@pytest.fixture
def demo_dirs(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    settings.VAR_DIR = tmp_path / "var"
    settings.STATIC_ROOT = tmp_path / "var" / "static"
    return tmp_path


def demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", "--no-serve", "--scale", "0.05", *args, stdout=out)
    return out.getvalue()


EXPECTED_ROLES = {
    "office": {Role.ALUMNI_OFFICE, Role.STAFF},
    "teacher": {Role.STAFF},
    "advisor": {Role.STAFF},
    "logistics": {Role.STAFF},
    "student": {Role.STUDENT},
    "prospective": {Role.STUDENT},
    "alumnus": {Role.ALUMNUS},
    "officer": {Role.ALUMNUS, Role.CHAPTER_OFFICER},
    "partner": {Role.PARTNER},
}


def test_demo_loads_once_with_a_sign_in_for_every_role(demo_dirs):
    first = demo()
    size = demo_size(0.05)
    people = Person.objects.count()
    activities = Activity.objects.count()
    assert Person.objects.filter(stage=Stage.ALUMNUS).count() == size.alumni + 2
    assert (demo_dirs / "var" / "static").is_dir()  # collected, for WhiteNoise with DEBUG off

    held: set[Role] = set()
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(email=account.email)
        assert user.check_password(DEMO_PASSWORD)
        assert account.email in first
        roles = roles_of(user)
        assert roles == EXPECTED_ROLES[account.email.split("@")[0]], account.email
        held |= roles
    assert held == set(Role)
    assert DEMO_PASSWORD in first and "http://127.0.0.1:8000/" in first
    # The demo student has services to look at, and may rate them.
    student = User.objects.get(email=DEMO_ACCOUNTS[4].email).person
    assert Activity.objects.filter(beneficiary=student).count() >= 5
    # A share of the alumni, the demo's alumnus and officer among them, have a drawn photo.
    with_photo = Person.objects.exclude(photo_version="")
    assert (
        with_photo.filter(email__in=[DEMO_ACCOUNTS[6].email, DEMO_ACCOUNTS[7].email]).count() == 2
    )
    assert 5 <= with_photo.count() < Person.objects.filter(stage=Stage.ALUMNUS).count()
    alumnus = with_photo.get(email=DEMO_ACCOUNTS[6].email)
    thumbnail = photo_path(alumnus.pk, alumnus.photo_version, 160)
    assert thumbnail is not None and Image.open(thumbnail).size == (160, 160)

    second = demo()
    assert "already loaded" in second
    assert Person.objects.count() == people and Activity.objects.count() == activities
    assert User.objects.count() == len(DEMO_ACCOUNTS)


# --reset empties the database with TRUNCATE on PostgreSQL, which cannot run inside the
# transaction that wraps ordinary tests: this one commits, and the database is flushed after.
@pytest.mark.django_db(transaction=True)
def test_demo_reset_loads_afresh_without_duplicates(demo_dirs):
    demo()
    people = Person.objects.count()
    User.objects.create_user("someone@example.edu", "pw-pw-pw-pw")
    out = demo("--reset")
    assert "already loaded" not in out
    assert Person.objects.count() == people
    assert not User.objects.filter(email="someone@example.edu").exists()


@pytest.mark.parametrize("port", ["http", "0", "70000"])
def test_demo_rejects_a_bad_port_before_doing_anything(demo_dirs, port):
    with pytest.raises(CommandError, match="port"):
        call_command("demo", "--no-serve", "--port", port, stdout=io.StringIO())
    assert not Person.objects.exists()
