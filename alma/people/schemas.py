"""JSON shapes for people. Hidden fields are left out of the output, never sent empty."""

import datetime as dt

from ninja import Schema
from pydantic import EmailStr, Field

from alma.people.models import Audience


class EducationOut(Schema):
    degree_level: str
    school: str
    major: str
    entry_year: int
    graduation_year: int | None


class EmploymentOut(Schema):
    organization_name: str
    title: str
    industry: str
    is_current: bool


class PersonOut(Schema):
    id: int
    full_name: str
    name_latin: str
    stage: str
    email: str | None = None
    phone: str | None = None
    wechat: str | None = None
    date_of_birth: dt.date | None = None
    gender: str | None = None
    hometown_country: str | None = None
    hometown_province: str | None = None
    hometown_city: str | None = None
    current_country: str | None = None
    current_province: str | None = None
    current_city: str | None = None
    headline: str | None = None
    bio: str | None = None
    expertise: str | None = None
    interests: str | None = None
    # The profile photo's version, "" without one: its thumbnails are at
    # /people/{id}/photo/{64,160,400}/?v={photo_version} (as the photo's audience allows).
    photo_version: str | None = None
    educations: list[EducationOut] | None = None
    employments: list[EmploymentOut] | None = None


class ProfileIn(Schema):
    name_latin: str | None = Field(None, max_length=200)
    gender: str | None = None
    date_of_birth: dt.date | None = None
    email: EmailStr | None = None
    phone: str | None = Field(None, max_length=40)
    wechat: str | None = Field(None, max_length=60)
    hometown_country: str | None = Field(None, max_length=80)
    hometown_province: str | None = Field(None, max_length=80)
    hometown_city: str | None = Field(None, max_length=80)
    current_country: str | None = Field(None, max_length=80)
    current_province: str | None = Field(None, max_length=80)
    current_city: str | None = Field(None, max_length=80)
    headline: str | None = Field(None, max_length=200)
    bio: str | None = Field(None, max_length=5000)
    expertise: str | None = Field(None, max_length=2000)
    interests: str | None = Field(None, max_length=2000)


class PrivacyIn(Schema):
    audiences: dict[str, Audience]


class PrivacyOut(Schema):
    audiences: dict[str, str]
