"""factory_boy factories for people, organisations, chapters and accounts."""

import functools

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from alma.accounts.models import User
from alma.people.models import (
    Chapter,
    ChapterMembership,
    DegreeLevel,
    Education,
    Employment,
    Organization,
    Person,
    Post,
    StaffPost,
    Stage,
)

PASSWORD = "correct-horse-battery-staple"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    full_name = factory.Faker("name")
    stage = Stage.NONE
    email = factory.Sequence(lambda n: f"person{n}@example.edu")
    phone = factory.Sequence(lambda n: f"+86138{n:08d}")  # the stored form (people.validation)
    current_city = "Shanghai"
    current_country = "China"


class EducationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Education

    person = factory.SubFactory(PersonFactory)
    degree_level = DegreeLevel.BACHELOR
    school = "School of Engineering"
    major = "Computer Science"
    entry_year = 2023
    student_number = factory.Sequence(lambda n: f"S{n:08d}")


def this_year() -> int:
    return timezone.localdate().year


class StudentFactory(PersonFactory):
    """A second-year student, whatever the year: in school, not yet leaving."""

    stage = Stage.STUDENT
    education = factory.RelatedFactory(
        EducationFactory,
        factory_related_name="person",
        entry_year=factory.LazyFunction(lambda: this_year() - 1),
        expected_graduation_year=factory.LazyFunction(lambda: this_year() + 3),
    )


class AlumnusFactory(PersonFactory):
    stage = Stage.ALUMNUS
    education = factory.RelatedFactory(
        EducationFactory, factory_related_name="person", entry_year=2010, graduation_year=2014
    )


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Alumni Enterprise {n}")
    kind = Organization.Kind.ALUMNI_ENTERPRISE
    industry = "Software"


class EmploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employment

    person = factory.SubFactory(AlumnusFactory)
    organization = factory.SubFactory(OrganizationFactory)
    organization_name = factory.SelfAttribute("organization.name")
    title = "Engineer"
    industry = "Software"
    is_current = True


class StaffPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffPost

    person = factory.SubFactory(PersonFactory)
    post = Post.TEACHING


class ChapterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chapter

    name = factory.Sequence(lambda n: f"Chapter {n}")
    kind = Chapter.Kind.REGIONAL
    city = "Shanghai"


class ChapterMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChapterMembership

    chapter = factory.SubFactory(ChapterFactory)
    person = factory.SubFactory(AlumnusFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.edu")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        password = kwargs.pop("password", PASSWORD)
        user = model_class(*args, **kwargs)
        user.email = model_class.objects.normalize_email(user.email).lower()
        # The real hasher is slow by design: hash each test password once per run.
        user.password = hashed_password(password)
        user.save()
        return user


def hashed_password(password: str) -> str:
    return _hashed_password(password, settings.PASSWORD_HASHERS[0])


@functools.cache
def _hashed_password(password: str, hasher: str) -> str:
    return make_password(password)
