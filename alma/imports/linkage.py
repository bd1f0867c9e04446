"""Duplicate detection: probabilistic record linkage of people with Splink on DuckDB.

Optional: needs the `dedup` extra (`pip install alma[dedup]`: splink, duckdb, jellyfish). Each
person is reduced to comparable keys: the given and the family name apart (Latin letters: a
Chinese name as its pinyin), the full name in Chinese characters where there is one, the date of
birth, place (city, province), and the identifiers (student number, email, phone) with
graduation year and major.

Blocking decides which pairs are compared at all. Its rules are built so that a pair with a
typo in the name *and* one in the date of birth is still compared: phonetic keys of both name
parts; each name part with the birth year, and with the birth month and day (a typo in the
year); the date of birth with the city, or with the name's initial; the identifiers alone.
Splink then weighs the agreements (u from random pairs, m from prior knowledge refined by
expectation maximisation on large data sets; a common surname or city agreeing counts for less
than a rare one), and the pairs above the threshold are clustered into groups (connected
components): one group is one person's records, reviewed and merged together.
"""

import functools
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from alma.imports.fields import phone_key
from alma.imports.models import DuplicateCandidate, DuplicateDismissal
from alma.people.models import Education, Person

# The comparisons, in the order the review page lists them.
KEYS = (
    "family_name",
    "given_name",
    "name_cjk",
    "date_of_birth",
    "student_number",
    "email",
    "phone",
    "graduation_year",
    "major",
    "city",
    "province",
)
# Blocking keys: computed once per person, never compared themselves.
BLOCKING_KEYS = (
    "name_key",
    "name_initial",
    "given_initial",
    "family_initial",
    "family_phonetic",
    "given_phonetic",
    "birth_year",
    "birth_month",
    "birth_dom",  # day of the month
    "birth_day",  # month and day
)
# Pairs more likely one person than two go to the review queue, grouped; staff decide.
DEFAULT_THRESHOLD = 0.5
# EM needs many true pairs to learn from; smaller data sets keep the prior m probabilities.
EM_MIN = 1_000
_CJK = re.compile(r"[\u3400-\u9fff]")
# Family names of two characters (欧阳修: 欧阳 + 修); every other Chinese family name is one.
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "令狐",
        "夏侯",
        "长孙",
        "宇文",
        "司徒",
        "轩辕",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "百里",
        "呼延",
        "万俟",
        "闻人",
        "澹台",
        "公冶",
        "太史",
        "申屠",
        "钟离",
        "赫连",
        "拓跋",
        "第五",
    ]
)

# The most common Chinese family names: a Latin name of two parts that starts with one of
# them in pinyin ("Zhang Weiming") is in Chinese order, family name first.
COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)


def available() -> bool:
    try:
        import duckdb  # noqa: F401
        import jellyfish  # noqa: F401
        import splink  # noqa: F401
    except ImportError:
        return False
    return True


def _latin_tokens(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.findall(r"[a-z]+", folded)


def _pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text.replace(" ", "")))


def _latin(text: str) -> str:
    """One name part in Latin letters: pinyin for Chinese, folded and joined otherwise."""
    return _pinyin(text) if _CJK.search(text) else "".join(_latin_tokens(text))


@functools.cache
def _pinyin_surnames() -> frozenset[str]:
    return frozenset(_pinyin(surname) for surname in COMMON_SURNAMES) | {"zeng"}


@dataclass(frozen=True)
class NameParts:
    given: str | None
    family: str | None
    cjk: str | None  # the full name in Chinese characters, spaces left out
    key: str | None  # every part's tokens sorted: the same in either order and script


def name_parts(
    full_name: str, name_latin: str = "", given_name: str = "", family_name: str = ""
) -> NameParts:
    """The given and family name in Latin letters, from the stored parts where an import gave
    them, else from the full name: Chinese order (family first, 欧阳 and the like two
    characters) for a name in characters or a pinyin name of two parts that starts with a
    common family name, Western order (family last) otherwise."""
    full_name, name_latin = (full_name or "").strip(), (name_latin or "").strip()
    cjk = full_name.replace(" ", "") if _CJK.search(full_name) else None
    given, family = (given_name or "").strip(), (family_name or "").strip()
    if given or family:
        given, family = _latin(given), _latin(family)
    elif cjk:
        cut = 2 if cjk[:2] in COMPOUND_SURNAMES and len(cjk) > 2 else 1
        family, given = _pinyin(cjk[:cut]), _pinyin(cjk[cut:])
    else:
        tokens = _latin_tokens(full_name or name_latin)
        if len(tokens) == 1:
            family = tokens[0]
        elif len(tokens) == 2 and tokens[0] in _pinyin_surnames():
            family, given = tokens
        elif tokens:
            given, family = tokens[0], tokens[-1]
    key = " ".join(sorted(t for t in (given, family) if t)) or None
    return NameParts(given or None, family or None, cjk, key)


def name_key(full_name: str, name_latin: str = "") -> str:
    """Name parts in Latin letters, sorted: the same for 张伟, Zhang Wei, WEI Zhang."""
    return name_parts(full_name, name_latin).key or ""


def phonetic(part: str | None) -> str | None:
    """A phonetic key of one name part (NYSIIS: 'catherine' and 'kathryn' agree)."""
    if not part:
        return None
    import jellyfish

    return jellyfish.nysiis(part) or None


def _text(value: Any) -> str | None:
    return str(value).strip().lower() or None if value else None


def people_frame(person_ids: Iterable[int] | None = None) -> Any:
    """One row per person with the comparable and the blocking keys, as a pandas DataFrame."""
    import pandas as pd

    people = Person.objects.all()
    educations = Education.objects.all()
    if person_ids is not None:
        ids = list(person_ids)
        people, educations = people.filter(pk__in=ids), educations.filter(person_id__in=ids)
    education: dict[int, tuple[str, Any, str]] = {}
    for person_id, number, year, expected, major in educations.order_by("-entry_year").values_list(
        "person_id", "student_number", "graduation_year", "expected_graduation_year", "major"
    ):
        education.setdefault(person_id, (number or "", year or expected, major or ""))
    columns: dict[str, list[Any]] = {key: [] for key in ("unique_id", *KEYS, *BLOCKING_KEYS)}
    # Names repeat (张伟 by the hundred) and pinyin costs ~60 µs a name: key each name once.
    parts_of: dict[tuple[str, str, str, str], tuple[NameParts, str | None, str | None]] = {}
    for row in people.values_list(
        "pk", "full_name", "name_latin", "given_name", "family_name", "date_of_birth",
        "email", "phone", "current_city", "current_province",
    ).iterator(10000):  # fmt: skip
        pk, full, latin, given, family, dob, email, phone, city, province = row
        name = (full or "", latin or "", given or "", family or "")
        if name not in parts_of:
            parts = name_parts(*name)
            parts_of[name] = (parts, phonetic(parts.family), phonetic(parts.given))
        parts, family_sound, given_sound = parts_of[name]
        number, year, major = education.get(pk, ("", None, ""))
        day = dob.isoformat() if dob else None
        columns["unique_id"].append(pk)
        columns["family_name"].append(parts.family)
        columns["given_name"].append(parts.given)
        columns["name_cjk"].append(parts.cjk)
        columns["date_of_birth"].append(day)
        columns["student_number"].append(number or None)
        columns["email"].append(_text(email))
        columns["phone"].append(phone_key(phone or "") or None)
        columns["graduation_year"].append(str(year) if year else None)
        columns["major"].append(_text(major))
        columns["city"].append(_text(city))
        columns["province"].append(_text(province))
        columns["name_key"].append(parts.key)
        columns["family_phonetic"].append(family_sound)
        columns["given_phonetic"].append(given_sound)
        columns["name_initial"].append(parts.key[0] if parts.key else None)
        columns["given_initial"].append(parts.given[0] if parts.given else None)
        columns["family_initial"].append(parts.family[0] if parts.family else None)
        columns["birth_year"].append(day[:4] if day else None)
        columns["birth_month"].append(day[5:7] if day else None)
        columns["birth_dom"].append(day[8:] if day else None)
        columns["birth_day"].append(day[5:] if day else None)
    return pd.DataFrame(columns, columns=["unique_id", *KEYS, *BLOCKING_KEYS])


def date_of_birth_comparison() -> Any:
    """Exact, one slip of the keyboard, day and month the other way round, two slips, else."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    swapped = (
        "substr(date_of_birth_l, 1, 4) = substr(date_of_birth_r, 1, 4)"
        " AND substr(date_of_birth_l, 6, 2) = substr(date_of_birth_r, 9, 2)"
        " AND substr(date_of_birth_l, 9, 2) = substr(date_of_birth_r, 6, 2)"
    )
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_levels=[
            cll.NullLevel("date_of_birth"),
            cll.ExactMatchLevel("date_of_birth"),
            cll.LevenshteinLevel("date_of_birth", 1),
            cll.CustomLevel(swapped, label_for_charts="Day and month swapped"),
            cll.LevenshteinLevel("date_of_birth", 2),
            cll.ElseLevel(),
        ],
    )


def name_part_comparison(column: str, other: str) -> Any:
    """One name part: exact (a common one counts for less), given and family the other way
    round, one typo, similar, else. Where both names are in Chinese characters the full name
    (`name_cjk`) says it all, and the pinyin parts are not counted a second time."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.CustomLevel(
                f"{column}_l IS NULL OR {column}_r IS NULL"
                " OR (name_cjk_l IS NOT NULL AND name_cjk_r IS NOT NULL)",
                label_for_charts="Missing, or told by the Chinese name",
            ).configure(is_null_level=True),
            cll.ExactMatchLevel(column, term_frequency_adjustments=True),
            cll.ColumnsReversedLevel(column, other),
            cll.DamerauLevenshteinLevel(column, 1),
            cll.JaroWinklerLevel(column, 0.88),
            cll.ElseLevel(),
        ],
    )


def cjk_name_comparison() -> Any:
    """The full name in characters: exact (张伟 counts for less than 欧阳修), one character
    different (a homophone typed for another: 张伟 / 张维), else."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="name_cjk",
        comparison_levels=[
            cll.NullLevel("name_cjk"),
            cll.ExactMatchLevel("name_cjk", term_frequency_adjustments=True),
            cll.LevenshteinLevel("name_cjk", 1),
            cll.ElseLevel(),
        ],
    )


def graduation_year_comparison() -> Any:
    """The year agrees or not, counted only where a date of birth is missing.

    People graduate about 22 years after they are born: where both dates of birth are known,
    the years agreeing adds nothing to the dates agreeing, and counting both as independent
    evidence lets two strangers born the same day with similar names pass as one person.
    """
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="graduation_year",
        comparison_levels=[
            cll.CustomLevel(
                "graduation_year_l IS NULL OR graduation_year_r IS NULL"
                " OR (date_of_birth_l IS NOT NULL AND date_of_birth_r IS NOT NULL)",
                label_for_charts="Missing, or told by the dates of birth",
            ).configure(is_null_level=True),
            cll.ExactMatchLevel("graduation_year"),
            cll.ElseLevel(),
        ],
    )


def comparisons(present: set[str]) -> list[Any]:
    """Splink comparisons for the keys that the data has at all (a column that is empty for
    everyone teaches nothing and only slows the run)."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    # m: how often a true duplicate lands on each level (best level first): prior knowledge
    # of alumni records, refined by EM on large data sets; u is always measured on random
    # pairs of this data.
    candidates = {
        "family_name": name_part_comparison("family_name", "given_name").configure(
            m_probabilities=[0.86, 0.04, 0.05, 0.02, 0.03]
        ),
        "given_name": name_part_comparison("given_name", "family_name").configure(
            m_probabilities=[0.84, 0.04, 0.06, 0.03, 0.03]
        ),
        "name_cjk": cjk_name_comparison().configure(m_probabilities=[0.9, 0.06, 0.04]),
        "date_of_birth": date_of_birth_comparison().configure(
            m_probabilities=[0.88, 0.05, 0.02, 0.02, 0.03]
        ),
        "student_number": cl.ExactMatch("student_number").configure(m_probabilities=[0.9, 0.1]),
        "email": cl.LevenshteinAtThresholds("email", [2]).configure(
            m_probabilities=[0.6, 0.05, 0.35]
        ),
        "phone": cl.LevenshteinAtThresholds("phone", [1]).configure(
            m_probabilities=[0.7, 0.05, 0.25]
        ),
        "graduation_year": graduation_year_comparison().configure(m_probabilities=[0.85, 0.15]),
        "major": cl.ExactMatch("major").configure(m_probabilities=[0.8, 0.2]),
        "city": cl.CustomComparison(
            output_column_name="city",
            comparison_levels=[
                cll.NullLevel("city"),
                cll.ExactMatchLevel("city", term_frequency_adjustments=True),
                cll.JaroWinklerLevel("city", 0.9),
                cll.ElseLevel(),
            ],
        ).configure(m_probabilities=[0.75, 0.08, 0.17]),
        "province": cl.ExactMatch("province").configure(m_probabilities=[0.85, 0.15]),
    }
    return [comparison for key, comparison in candidates.items() if key in present]


# Blocking rules, each a set of keys a pair must share, the identifiers first (Splink compares a
# pair once, under the first rule that finds it). A typo in the given name leaves the family
# name with the birth year and month, or with the birth year and day, or (a typo in the year)
# with the month and day; the same for a typo in the family name; a typo that sounds the same
# leaves both phonetic keys. A name written in the other order (Zhang Wei / Wei Zhang) agrees
# on the sorted name key. Each rule lists alternatives, the loosest first: the first whose pairs
# stay affordable is used (among a million Chinese names, 王 in one month of one year is a
# block of over a hundred; with the given name's initial it is a handful).
BLOCKING_RULES: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("student_number",),),
    (("email",),),
    (("phone",),),
    (("name_key", "birth_year"), ("name_key", "birth_year", "birth_month")),
    (("name_key", "birth_day"),),
    (
        ("family_phonetic", "given_phonetic", "birth_year"),
        ("family_phonetic", "given_phonetic", "birth_year", "birth_month"),
    ),
    (
        ("family_name", "birth_year", "birth_month"),
        ("family_name", "given_initial", "birth_year", "birth_month"),
    ),
    (
        ("family_name", "birth_year", "birth_dom"),
        ("family_name", "given_initial", "birth_year", "birth_dom"),
    ),
    (("family_name", "birth_day"), ("family_name", "given_initial", "birth_day")),
    (
        ("given_name", "birth_year", "birth_month"),
        ("given_name", "family_initial", "birth_year", "birth_month"),
    ),
    (
        ("given_name", "birth_year", "birth_dom"),
        ("given_name", "family_initial", "birth_year", "birth_dom"),
    ),
    (("given_name", "birth_day"), ("given_name", "family_initial", "birth_day")),
    (("date_of_birth", "name_initial"),),
    (("date_of_birth", "city"),),
    (("name_key", "graduation_year"), ("name_key", "graduation_year", "city")),
    (("family_phonetic", "given_phonetic", "city"),),
)
# Looser rules catch a pair with more than two fields wrong (a whole date replaced, a name
# misspelt twice); they are used only where they stay affordable: on a small data set, or one
# of varied (Western) names.
LOOSE_BLOCKING_RULES: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("family_name", "birth_year"),),
    (("given_name", "birth_year"),),
    (("name_key",),),
    (("family_phonetic", "given_phonetic"),),
    (("family_name", "city"),),
    (("given_name", "city"),),
    (("date_of_birth",),),
)
# A rule is used while the pairs it makes stay within this many per person (and at least
# RULE_MIN_PAIRS): blocks of common names must not turn linkage into comparing everyone.
RULE_PAIRS_PER_PERSON = 5
RULE_MIN_PAIRS = 2_000_000


def rule_pairs(frame: Any, keys: tuple[str, ...]) -> int:
    """How many pairs a rule compares: people sharing every key, none of them empty."""
    known = frame[list(keys)].dropna()
    if known.empty:
        return 0
    sizes = known.groupby(list(keys), sort=False).size()
    return int((sizes * (sizes - 1) // 2).sum())


def blocking_rules(frame: Any, *, loose: bool = True) -> list[tuple[str, ...]]:
    """For each rule whose keys the data has, its loosest affordable alternative."""
    budget = max(RULE_MIN_PAIRS, RULE_PAIRS_PER_PERSON * len(frame))
    chosen = []
    for alternatives in BLOCKING_RULES + (LOOSE_BLOCKING_RULES if loose else ()):
        for keys in alternatives:
            pairs = rule_pairs(frame, keys)
            if pairs == 0:
                break  # nobody shares these keys: no finer alternative will pair anyone
            if pairs <= budget:
                chosen.append(keys)
                break
    return chosen


def people_settings(frame: Any, *, loose: bool = True) -> Any:
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons(present_keys(frame)),
        blocking_rules_to_generate_predictions=[
            block_on(*keys) for keys in blocking_rules(frame, loose=loose)
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=True,
    )


# EM learns m from a sample of the blocked pairs: a few million pairs estimate a handful of
# probabilities as well as all of them, at a fraction of the time.
EM_MAX_PAIRS = 2e6
U_MAX_PAIRS = 2e6


def training_rules(present: set[str]) -> list[Any]:
    """EM's blocking rules: each learns m for the keys it does not block on."""
    from splink import block_on

    # Each rule's pairs must be a fair share true (EM finds whatever two groups there are):
    # the same name and date of birth learns the identifiers and place; the same day and place
    # learns the name; a shared email learns the date of birth.
    rules = [block_on("name_key")]
    if "date_of_birth" in present:
        rules.append(block_on("date_of_birth"))
    if "email" in present:
        rules.append(block_on("email"))
    return rules


def deterministic_rules(present: set[str]) -> list[Any]:
    """Pairs that are almost surely one person: they estimate how many duplicates there are."""
    from splink import block_on

    rules = [block_on(key) for key in ("student_number", "email", "phone") if key in present]
    return [*rules, block_on("family_name", "given_name", "date_of_birth")]


def present_keys(frame: Any) -> set[str]:
    """The compared keys that at least two people have."""
    return {key for key in KEYS if frame[key].notna().sum() >= 2}


def predict(frame: Any, *, threshold: float, train: bool | None = None, loose: bool = True) -> Any:
    """Train (u by random sampling, m by EM on large data) and score the blocked pairs."""
    import duckdb
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.ERROR)
    present = present_keys(frame)
    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    connection.execute("SET preserve_insertion_order = false")
    db_api = DuckDBAPI(connection=connection)
    linker = Linker(db_api.register(frame), people_settings(frame, loose=loose), log_level=None)
    try:
        linker.training.estimate_probability_two_random_records_match(
            deterministic_rules(present), recall=0.8
        )
    except Exception:  # too few records for the estimate: keep Splink's prior
        logging.getLogger("alma").debug("kept the prior match probability", exc_info=True)
    settings_obj = linker._settings_obj
    prior = settings_obj._probability_two_random_records_match
    if not 0 < prior < 1:  # no deterministic matches at all: assume one duplicate per 1000 records
        settings_obj._probability_two_random_records_match = min(
            0.5, 1 / max(2, len(frame) * 1000 / 2)
        )
    linker.training.estimate_u_using_random_sampling(
        max_pairs=min(U_MAX_PAIRS, max(1e4, len(frame) ** 2)), seed=1
    )
    if train if train is not None else len(frame) >= EM_MIN:
        for rule in training_rules(present):
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, max_pairs=EM_MAX_PAIRS
                )
            except Exception:  # a small data set may have no pairs under a rule
                logging.getLogger("alma").debug("EM skipped for %s", rule, exc_info=True)
    return linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()


@dataclass
class Pair:
    person_a: int
    person_b: int
    probability: float
    comparison: dict[str, str]
    group: int = 0  # the lowest person id of the pair's group


@dataclass
class Linkage:
    pairs: list[Pair] = field(default_factory=list)
    groups: list[list[int]] = field(default_factory=list)  # person ids, each group sorted


def groups_of(edges: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Connected components of the pairs: each a sorted list of ids, the groups ordered by
    their lowest id."""
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in edges:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = {}
    for node in parent:
        members.setdefault(root(node), []).append(node)
    return sorted((sorted(group) for group in members.values()), key=lambda group: group[0])


def _state(left: Any, right: Any) -> str:
    if left is None or right is None or left != left or right != right:  # None or NaN
        return "missing"
    return "agree" if left == right else "differ"


def people_linkage(
    *, threshold: float = DEFAULT_THRESHOLD, frame: Any = None, loose: bool = True
) -> Linkage:
    """Pairs of people that may be one person (match probability >= threshold), and their
    groups. `loose=False` leaves out the loose blocking rules (to check the others)."""
    if frame is None:
        frame = people_frame()
    if len(frame) < 2:
        return Linkage()
    scored = predict(frame, threshold=threshold, loose=loose)
    pairs = []
    for row in scored.to_dict("records"):
        a, b = sorted((int(row["unique_id_l"]), int(row["unique_id_r"])))
        comparison = {
            key: _state(row.get(f"{key}_l"), row.get(f"{key}_r"))
            for key in KEYS
            if f"{key}_l" in row
        }
        pairs.append(Pair(a, b, float(row["match_probability"]), comparison))
    groups = groups_of((p.person_a, p.person_b) for p in pairs)
    group_of = {person: group[0] for group in groups for person in group}
    for pair in pairs:
        pair.group = group_of[pair.person_a]
    pairs.sort(key=lambda p: (-p.probability, p.person_a, p.person_b))
    return Linkage(pairs, groups)


@transaction.atomic
def duplicates_find(*, threshold: float = DEFAULT_THRESHOLD) -> Linkage:
    """Find candidate pairs and their groups, and refresh the open review queue (dismissed and
    decided pairs stay as they were)."""
    linkage = people_linkage(threshold=threshold)
    dismissed = set(DuplicateDismissal.objects.values_list("person_low", "person_high"))
    decided = set(
        DuplicateCandidate.objects.exclude(status=DuplicateCandidate.Status.OPEN).values_list(
            "person_a_id", "person_b_id"
        )
    )
    DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN).delete()
    fresh = [p for p in linkage.pairs if (p.person_a, p.person_b) not in dismissed | decided]
    DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(
                person_a_id=p.person_a,
                person_b_id=p.person_b,
                probability=p.probability,
                comparison=p.comparison,
                group=p.group,
            )
            for p in fresh
        ],
        batch_size=1000,
    )
    return linkage
