"""The fields an import can fill, the header names (English and Chinese) that propose them, and
the cleaning of one cell into a value or a plain reason why it cannot be one."""

import datetime as dt
import functools
import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from alma.imports.reading import Formula, cell_text
from alma.lib.reasons import Reason
from alma.lib.text import unstorable_reason
from alma.people.models import DegreeLevel, Gender, PersonRelation, Stage
from alma.people.validation import PHONE_REASON, NotAPhone, date_of_birth_problem
from alma.people.validation import normalise_phone as _normalise_phone


@dataclass(frozen=True)
class ImportField:
    name: str
    label: Any
    headers: tuple[str, ...]
    max_length: int = 0


FIELDS: dict[str, ImportField] = {
    f.name: f
    for f in [
        ImportField(
            "full_name",
            gettext_lazy("Full name"),
            ("姓名", "名字", "name", "full name", "fullname"),
            200,
        ),
        ImportField(
            "family_name",
            gettext_lazy("Family name"),
            ("姓", "姓氏", "family name", "last name", "lastname", "surname"),
            100,
        ),
        ImportField(
            "given_name",
            gettext_lazy("Given name"),
            ("名", "given name", "given names", "first name", "firstname", "forename"),
            100,
        ),
        ImportField(
            "name_latin",
            gettext_lazy("Name in Latin letters"),
            (
                "拼音",
                "姓名拼音",
                "英文名",
                "pinyin",
                "english name",
                "name latin",
                "romanised name",
            ),
            200,
        ),
        ImportField(
            "student_number",
            gettext_lazy("Student number"),
            ("学号", "student number", "student no", "student id", "studentid"),
            30,
        ),
        ImportField("gender", gettext_lazy("Gender"), ("性别", "gender", "sex")),
        ImportField(
            "date_of_birth",
            gettext_lazy("Date of birth"),
            ("出生日期", "生日", "出生年月", "date of birth", "dob", "birthday", "birth date"),
        ),
        ImportField(
            "entry_year",
            gettext_lazy("Entry year"),
            (
                "入学年份",
                "入学年",
                "入学时间",
                "entry year",
                "enrolment year",
                "enrollment year",
                "year of entry",
            ),
        ),
        ImportField(
            "graduation_year",
            gettext_lazy("Graduation year"),
            (
                "毕业年份",
                "毕业年",
                "毕业时间",
                "届别",
                "graduation year",
                "class year",
                "class of",
                "year of graduation",
            ),
        ),
        ImportField(
            "school",
            gettext_lazy("School / college"),
            ("学院", "院系", "院校", "school", "college", "faculty", "department"),
            120,
        ),
        ImportField(
            "major",
            gettext_lazy("Major"),
            ("专业", "major", "programme", "program", "subject"),
            120,
        ),
        ImportField(
            "degree_level",
            gettext_lazy("Degree"),
            ("学历", "学位", "层次", "degree", "degree level", "level"),
        ),
        ImportField(
            "organization_name",
            gettext_lazy("Employer"),
            (
                "工作单位",
                "单位",
                "公司",
                "employer",
                "company",
                "organisation",
                "organization",
                "workplace",
            ),
            200,
        ),
        ImportField(
            "title",
            gettext_lazy("Job title"),
            ("职务", "职位", "职称", "title", "job title", "position"),
            120,
        ),
        ImportField(
            "industry", gettext_lazy("Industry"), ("行业", "所属行业", "industry", "sector"), 100
        ),
        ImportField(
            "phone",
            gettext_lazy("Phone"),
            (
                "手机",
                "手机号",
                "手机号码",
                "电话",
                "联系电话",
                "phone",
                "mobile",
                "cell",
                "telephone",
                "phone number",
            ),
            40,
        ),
        ImportField(
            "email",
            gettext_lazy("Email"),
            ("邮箱", "电子邮箱", "电子邮件", "email", "e-mail", "mail", "email address"),
            254,
        ),
        ImportField(
            "wechat", gettext_lazy("WeChat ID"), ("微信", "微信号", "wechat", "wechat id"), 60
        ),
        ImportField(
            "hometown_country",
            gettext_lazy("Hometown country"),
            (
                "生源国家",
                "籍贯国家",
                "家乡国家",
                "hometown country",
                "home country",
                "country of origin",
            ),
            80,
        ),
        ImportField(
            "hometown_province",
            gettext_lazy("Hometown province"),
            (
                "生源省份",
                "生源地省份",
                "生源省",
                "籍贯省份",
                "家乡省份",
                "hometown province",
                "home province",
                "province of origin",
                "home state",
            ),
            80,
        ),
        ImportField(
            "hometown_city",
            gettext_lazy("Hometown city"),
            (
                "生源地",
                "生源城市",
                "生源地城市",
                "籍贯",
                "家乡",
                "家乡城市",
                "hometown",
                "hometown city",
                "home town",
                "home city",
                "city of origin",
            ),
            80,
        ),
        ImportField(
            "current_country",
            gettext_lazy("Current country"),
            ("所在国家", "现居国家", "国家", "country", "current country", "country of residence"),
            80,
        ),
        ImportField(
            "current_province",
            gettext_lazy("Current province"),
            (
                "所在省份",
                "现居省份",
                "省份",
                "province",
                "current province",
                "state",
                "state province",
            ),
            80,
        ),
        ImportField(
            "current_city",
            gettext_lazy("Current city"),
            ("所在城市", "城市", "现居城市", "工作城市", "city", "current city", "location"),
            80,
        ),
        ImportField(
            "stage",
            gettext_lazy("Lifecycle stage"),
            ("阶段", "身份", "学籍状态", "人员类别", "stage", "status", "lifecycle stage"),
        ),
        ImportField(
            "admission_year",
            gettext_lazy("Admission year"),
            (
                "录取年份",
                "录取年",
                "录取年度",
                "admission year",
                "year of admission",
                "admitted",
                "intake",
                "intake year",
            ),
        ),
        ImportField(
            "chapter",
            gettext_lazy("Chapter"),
            (
                "校友会",
                "所属校友会",
                "地方校友会",
                "分会",
                "chapter",
                "alumni chapter",
                "alumni association",
            ),
            200,
        ),
        ImportField(
            "parent_name",
            gettext_lazy("Parent or guardian's name"),
            (
                "家长姓名",
                "家长",
                "父母姓名",
                "监护人",
                "监护人姓名",
                "parent",
                "parent name",
                "guardian",
                "guardian name",
                "parent guardian",
                "parent or guardian",
            ),
            200,
        ),
        ImportField(
            "parent_relation",
            gettext_lazy("Parent or guardian's relation"),
            ("与学生关系", "家长关系", "关系", "relationship", "relation", "parent relation"),
        ),
        ImportField(
            "parent_phone",
            gettext_lazy("Parent or guardian's phone"),
            (
                "家长电话",
                "家长手机",
                "家长联系电话",
                "监护人电话",
                "父母电话",
                "parent phone",
                "parent mobile",
                "guardian phone",
            ),
            40,
        ),
        ImportField(
            "parent_email",
            gettext_lazy("Parent or guardian's email"),
            ("家长邮箱", "监护人邮箱", "父母邮箱", "parent email", "guardian email"),
            254,
        ),
        ImportField(
            "parent_consent",
            gettext_lazy("Parent or guardian agrees to be contacted"),
            (
                "家长同意",
                "家长同意联系",
                "家长授权",
                "同意联系",
                "parent consent",
                "guardian consent",
                "consent",
                "parent agrees",
            ),
        ),
    ]
}
# The fields of each record an import writes, by the record they belong to.
PERSON_IMPORT_FIELDS = (
    "full_name",
    "family_name",
    "given_name",
    "name_latin",
    "gender",
    "date_of_birth",
    "phone",
    "email",
    "wechat",
    "hometown_country",
    "hometown_province",
    "hometown_city",
    "current_country",
    "current_province",
    "current_city",
)
EDUCATION_IMPORT_FIELDS = (
    "student_number",
    "entry_year",
    "graduation_year",
    "school",
    "major",
    "degree_level",
)
EMPLOYMENT_IMPORT_FIELDS = ("organization_name", "title", "industry")
PARENT_IMPORT_FIELDS = (
    "parent_name",
    "parent_relation",
    "parent_phone",
    "parent_email",
    "parent_consent",
)
# Fields that, mapped, stand for the person's name (full, or composed from its parts).
NAME_FIELDS = ("full_name", "family_name", "given_name")


def _norm(header: str) -> str:
    header = unicodedata.normalize("NFKC", header).strip().lower()
    header = re.sub(r"[\s_\-./:：()（）*]+", " ", header).strip()
    return header


_BY_HEADER = {_norm(h): f.name for f in FIELDS.values() for h in f.headers}


def header_field(header: str) -> str | None:
    """The field a header names, or None."""
    norm = _norm(header)
    if norm in _BY_HEADER:
        return _BY_HEADER[norm]
    return _BY_HEADER.get(norm.replace(" ", ""))


def propose_mapping(headers: list[str]) -> dict[str, str]:
    """header -> field for the headers recognised; each field is proposed once, leftmost first."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        name = header_field(header) if header else None
        if name and name not in used and header not in mapping:
            mapping[header] = name
            used.add(name)
    return mapping


GENDERS = {
    "男": Gender.MALE, "m": Gender.MALE, "male": Gender.MALE, "man": Gender.MALE,
    "女": Gender.FEMALE, "f": Gender.FEMALE, "female": Gender.FEMALE, "woman": Gender.FEMALE,
    "其他": Gender.OTHER, "other": Gender.OTHER, "x": Gender.OTHER,
    "未知": Gender.UNDISCLOSED, "保密": Gender.UNDISCLOSED, "unknown": Gender.UNDISCLOSED,
}  # fmt: skip
DEGREES = {
    "本科": DegreeLevel.BACHELOR, "学士": DegreeLevel.BACHELOR, "bachelor": DegreeLevel.BACHELOR,
    "ba": DegreeLevel.BACHELOR, "bs": DegreeLevel.BACHELOR, "bsc": DegreeLevel.BACHELOR,
    "undergraduate": DegreeLevel.BACHELOR, "beng": DegreeLevel.BACHELOR,
    "硕士": DegreeLevel.MASTER, "研究生": DegreeLevel.MASTER, "硕士研究生": DegreeLevel.MASTER,
    "master": DegreeLevel.MASTER, "masters": DegreeLevel.MASTER, "ma": DegreeLevel.MASTER,
    "ms": DegreeLevel.MASTER, "msc": DegreeLevel.MASTER, "mba": DegreeLevel.MASTER,
    "meng": DegreeLevel.MASTER,
    "博士": DegreeLevel.DOCTORATE, "博士研究生": DegreeLevel.DOCTORATE, "phd": DegreeLevel.DOCTORATE,
    "doctorate": DegreeLevel.DOCTORATE, "doctor": DegreeLevel.DOCTORATE,
    "专科": DegreeLevel.ASSOCIATE, "大专": DegreeLevel.ASSOCIATE, "高职": DegreeLevel.ASSOCIATE,
    "associate": DegreeLevel.ASSOCIATE, "diploma": DegreeLevel.ASSOCIATE,
    "交换生": DegreeLevel.EXCHANGE, "exchange": DegreeLevel.EXCHANGE,
    "继续教育": DegreeLevel.CONTINUING, "成人教育": DegreeLevel.CONTINUING,
    "continuing": DegreeLevel.CONTINUING, "continuing education": DegreeLevel.CONTINUING,
}  # fmt: skip
STAGES = {
    "录取": Stage.PROSPECTIVE, "已录取": Stage.PROSPECTIVE, "拟录取": Stage.PROSPECTIVE,
    "准新生": Stage.PROSPECTIVE, "admitted": Stage.PROSPECTIVE, "prospective": Stage.PROSPECTIVE,
    "prospective student": Stage.PROSPECTIVE, "offer": Stage.PROSPECTIVE,
    "在读": Stage.STUDENT, "在校": Stage.STUDENT, "在校生": Stage.STUDENT, "在读生": Stage.STUDENT,
    "学生": Stage.STUDENT, "student": Stage.STUDENT, "enrolled": Stage.STUDENT,
    "current student": Stage.STUDENT,
    "校友": Stage.ALUMNUS, "毕业": Stage.ALUMNUS, "已毕业": Stage.ALUMNUS, "毕业生": Stage.ALUMNUS,
    "alumnus": Stage.ALUMNUS, "alumna": Stage.ALUMNUS, "alumni": Stage.ALUMNUS,
    "graduate": Stage.ALUMNUS, "graduated": Stage.ALUMNUS,
}  # fmt: skip
RELATIONS = {
    "父亲": PersonRelation.Kind.PARENT, "母亲": PersonRelation.Kind.PARENT,
    "父": PersonRelation.Kind.PARENT, "母": PersonRelation.Kind.PARENT,
    "爸爸": PersonRelation.Kind.PARENT, "妈妈": PersonRelation.Kind.PARENT,
    "家长": PersonRelation.Kind.PARENT, "父母": PersonRelation.Kind.PARENT,
    "father": PersonRelation.Kind.PARENT, "mother": PersonRelation.Kind.PARENT,
    "parent": PersonRelation.Kind.PARENT,
    "监护人": PersonRelation.Kind.GUARDIAN, "guardian": PersonRelation.Kind.GUARDIAN,
    "祖父": PersonRelation.Kind.GUARDIAN, "祖母": PersonRelation.Kind.GUARDIAN,
    "爷爷": PersonRelation.Kind.GUARDIAN, "奶奶": PersonRelation.Kind.GUARDIAN,
    "外公": PersonRelation.Kind.GUARDIAN, "外婆": PersonRelation.Kind.GUARDIAN,
    "grandparent": PersonRelation.Kind.GUARDIAN,
}  # fmt: skip
AGREEMENT = {
    "是": True, "同意": True, "已同意": True, "y": True, "yes": True, "true": True, "1": True,
    "agree": True, "agreed": True, "✓": True,
    "否": False, "不同意": False, "n": False, "no": False, "false": False, "0": False,
    "disagree": False,
}  # fmt: skip
DURATION = {
    "associate": 3,
    "bachelor": 4,
    "master": 3,
    "doctorate": 4,
    "exchange": 1,
    "continuing": 2,
}
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%Y年%m月%d日",
    "%d/%m/%Y",
    "%Y-%m",
    "%Y/%m",
    "%Y年%m月",
)


class CellError(Exception):
    """Why a cell cannot be imported, kept in no language (shown in the reader's)."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.msgid)
        self.reason = reason

    def __str__(self) -> str:
        return str(self.reason)


def normalise_phone(value: str) -> str:
    """The people rules' phone form (alma.people.validation); raises CellError if not a phone."""
    try:
        return _normalise_phone(value)
    except NotAPhone:
        raise CellError(PHONE_REASON) from None


def phone_key(value: str) -> str:
    """The form phones are matched on; '' for what is not a phone."""
    try:
        return normalise_phone(value)
    except CellError:
        return ""


def _today() -> dt.date:
    # Many cells per second: the local date is looked up once a minute at most, not per cell.
    now = time.monotonic()
    if now - _TODAY[1] > 60:
        _TODAY[:] = [timezone.localdate(), now]
    return _TODAY[0]  # type: ignore[no-any-return]


_TODAY: list[Any] = [None, -1e9]
_YEAR = re.compile(r"(\d{4})(?:\s*[年届级])?(?:\.0)?")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


def _nfkc(text: str) -> str:
    # Full-width digits and letters become plain ones; ASCII text is already in that form.
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _year(text: str) -> int:
    match = _YEAR.fullmatch(text)
    if not match:
        raise CellError(Reason(gettext_noop("not a year")))
    year = int(match.group(1))
    if not 1900 <= year <= _today().year + 10:
        raise CellError(Reason(gettext_noop("year out of range")))
    return year


def _date(value: Any, text: str) -> dt.date:
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = _nfkc(text)
        day = _iso_date(text) or _formatted_date(text)
    if date_of_birth_problem(day):
        raise CellError(Reason(gettext_noop("date out of range")))
    return day


def _iso_date(text: str) -> dt.date | None:
    """The common YYYY-MM-DD without strptime (what "%Y-%m-%d" reads), or None."""
    match = _ISO_DATE.fullmatch(text)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _formatted_date(text: str) -> dt.date:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise CellError(Reason(gettext_noop("not a date (use YYYY-MM-DD)")))


# Django's own pattern, compiled here: its lazy proxy costs more per call than the match.
_EMAIL_USER = re.compile(validate_email.user_regex.pattern, validate_email.user_regex.flags)


def _valid_email(text: str) -> bool:
    """Django's validate_email, with the verdict on each domain remembered (few domains recur)."""
    if not text or "@" not in text or len(text) > 320:
        return False
    user, domain = text.rsplit("@", 1)
    return bool(_EMAIL_USER.match(user)) and _valid_domain(domain)


@functools.lru_cache(maxsize=10_000)
def _valid_domain(domain: str) -> bool:
    return domain in validate_email.domain_allowlist or validate_email.validate_domain_part(domain)


def clean_column(name: str, cells: Sequence[Any]) -> tuple[list[Any], list[int]]:
    """A whole column cleaned: each cell's value or its CellError, and the positions of errors.

    A column of text (every CSV) is cleaned once per distinct text: 100,000 rows hold a few
    dozen schools, majors, degrees and cities and many repeated dates. Workbook cells keep their
    types (True and 1 are equal as keys, their texts are not), so they are cleaned one by one.
    """
    if set(map(type, cells)) <= {str, type(None)}:
        # clean_cell for text and empty cells, the field's rule looked up once for the column
        rule, empty = _text_rule(name), _empty(name)
        cleaned: dict[Any, Any] = {}
        failed = False
        for cell in set(cells):
            text = cell.strip() if cell else ""
            try:
                cleaned[cell] = rule(text) if text else empty
            except CellError as error:
                cleaned[cell] = error
                failed = True
        values = list(map(cleaned.__getitem__, cells))
        if not failed:
            return values, []
    else:
        values = [_clean_or_error(name, cell) for cell in cells]
    return values, [k for k, v in enumerate(values) if isinstance(v, CellError)]


def _clean_or_error(name: str, value: Any) -> Any:
    try:
        return clean_cell(name, value)
    except CellError as error:
        return error


def clean_cell(name: str, value: Any) -> Any:
    """The field's value from a cell: '' or None when empty; raises CellError with a reason."""
    if isinstance(value, Formula):
        raise CellError(
            Reason(
                gettext_noop("holds a formula; Alma does not evaluate formulas, paste the values")
            )
        )
    if name == "date_of_birth" and isinstance(value, dt.date):
        return _date(value, cell_text(value))
    text = cell_text(value)
    return _text_rule(name)(text) if text else _empty(name)


def _empty(name: str) -> Any:
    return None if name in _EMPTY_IS_NONE else ""


_EMPTY_IS_NONE = frozenset(
    ("date_of_birth", "entry_year", "graduation_year", "admission_year", "parent_consent")
)


@functools.cache
def _text_rule(name: str) -> Callable[[str], Any]:
    """The function that cleans a field's non-empty text (or raises CellError)."""
    return _storable(_field_rule(name))


def _storable(rule: Callable[[str], Any]) -> Callable[[str], Any]:
    """The rule, after Alma's one check for text a database cannot store (alma.lib.text)."""

    def checked(text: str) -> Any:
        reason = unstorable_reason(text)
        if reason:
            raise CellError(reason)
        return rule(text)

    return checked


def _field_rule(name: str) -> Callable[[str], Any]:
    rule = _TEXT_RULES.get(name)
    if rule is not None:
        return rule
    spec = FIELDS[name]
    if name in ("email", "parent_email"):
        return functools.partial(_email, spec)
    return functools.partial(_plain, spec)


def _gender(text: str) -> str:
    try:
        return GENDERS[text.lower()]
    except KeyError:
        raise CellError(Reason(gettext_noop("unknown gender"))) from None


def _degree(text: str) -> str:
    key = re.sub(r"[\s.]", "", text.lower()) if text.isascii() else text
    degree = DEGREES.get(key) or DEGREES.get(text.lower())
    if degree is None:
        raise CellError(Reason(gettext_noop("unknown degree")))
    return str(degree.value)


def _stage(text: str) -> str:
    stage = STAGES.get(text.lower())
    if stage is None:
        raise CellError(Reason(gettext_noop("unknown stage (admitted, student or alumnus)")))
    return str(stage.value)


def _relation(text: str) -> str:
    kind = RELATIONS.get(text.lower())
    if kind is None:
        raise CellError(Reason(gettext_noop("unknown relation (parent or guardian)")))
    return str(kind.value)


def _agreement(text: str) -> bool:
    agreed = AGREEMENT.get(text.lower())
    if agreed is None:
        raise CellError(Reason(gettext_noop("not yes or no")))
    return agreed


def _email(spec: ImportField, text: str) -> str:
    text = _nfkc(text).lower()
    _check_length(spec, text)
    if not _valid_email(text):
        raise CellError(Reason(gettext_noop("malformed email address")))
    return text


def _plain(spec: ImportField, text: str) -> str:
    text = " ".join(text.split())
    _check_length(spec, text)
    return text


_TEXT_RULES: dict[str, Callable[[str], Any]] = {
    "gender": _gender,
    "date_of_birth": lambda text: _date(text, text),
    "entry_year": _year,
    "graduation_year": _year,
    "degree_level": _degree,
    "phone": normalise_phone,
    "parent_phone": normalise_phone,
    "stage": _stage,
    "admission_year": _year,
    "parent_relation": _relation,
    "parent_consent": _agreement,
}


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def composed_name(family: str, given: str) -> str:
    """The full name from its parts, in the order the name's language writes it: family name
    first and no space in Chinese (张 + 伟 = 张伟), given name first elsewhere (John Smith)."""
    if not family or not given:
        return family or given
    if _CJK.search(family) or _CJK.search(given):
        return family + given
    return f"{given} {family}"


def _check_length(spec: ImportField, text: str) -> None:
    if spec.max_length and len(text) > spec.max_length:
        raise CellError(
            Reason(gettext_noop("longer than %(n)d characters"), {"n": spec.max_length})
        )
