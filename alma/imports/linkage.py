"""Duplicate detection: probabilistic record linkage of people with Splink on DuckDB.

Optional: needs the `dedup` extra (`pip install alma[dedup]`: splink, duckdb). Each person is
reduced to comparable keys — a name key (Chinese names as their pinyin, tokens sorted, so 张伟,
"Zhang Wei" and "Wei Zhang" agree), date of birth, student number, email, phone, graduation
year, major and city. Blocking generates pairs only where an identifier is equal, or the name
key and a year, or the date of birth and the name's initial, so a million records compare in
about a minute on two cores rather than forever; Splink then weighs the agreements (u from
random pairs, m by expectation maximisation on samples, a common name counting for less than a
rare one).
"""

import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from alma.imports.fields import phone_key
from alma.imports.models import DuplicateCandidate, DuplicateDismissal
from alma.people.models import Education, Person

KEYS = ("name_key", "date_of_birth", "student_number", "email", "phone", "graduation_year", "major", "city")  # fmt: skip
EM_MIN = 50_000
_CJK = re.compile(r"[\u3400-\u9fff]")


def available() -> bool:
    try:
        import duckdb  # noqa: F401
        import splink  # noqa: F401
    except ImportError:
        return False
    return True


def name_key(full_name: str, name_latin: str = "") -> str:
    """Lower-case Latin tokens, sorted: the same for 张伟, Zhang Wei, WEI Zhang and zhang-wei."""
    text = (
        name_latin if name_latin and not _CJK.search(full_name or "") else (full_name or name_latin)
    )
    if _CJK.search(text):
        from pypinyin import lazy_pinyin

        tokens = lazy_pinyin(text.replace(" ", ""))
        # Chinese order is family name first; a family name and a given name of two syllables
        # are written "Zhang Weiming": join the given name's syllables.
        tokens = [tokens[0], "".join(tokens[1:])] if len(tokens) > 1 else tokens
    else:
        folded = unicodedata.normalize("NFKD", text)
        folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
        tokens = re.findall(r"[a-z]+", folded)
    return " ".join(sorted(t for t in tokens if t))


def people_frame() -> Any:
    """One row per person with the comparable keys, as a pandas DataFrame."""
    import pandas as pd

    education: dict[int, tuple[str, Any, str]] = {}
    for person_id, number, year, expected, major in Education.objects.order_by(
        "-entry_year"
    ).values_list(
        "person_id", "student_number", "graduation_year", "expected_graduation_year", "major"
    ):
        education.setdefault(person_id, (number or "", year or expected, major or ""))
    columns: dict[str, list[Any]] = {key: [] for key in ("unique_id", *KEYS)}
    # Names repeat (张伟 by the hundred) and pinyin costs ~60 µs a name: key each name once.
    keys: dict[tuple[str, str], str | None] = {}
    for pk, full_name, latin, dob, email, phone, city in Person.objects.values_list(
        "pk", "full_name", "name_latin", "date_of_birth", "email", "phone", "current_city"
    ).iterator(10000):
        number, year, major = education.get(pk, ("", None, ""))
        name = (full_name or "", latin or "")
        if name not in keys:
            keys[name] = name_key(*name) or None
        columns["unique_id"].append(pk)
        columns["name_key"].append(keys[name])
        columns["date_of_birth"].append(dob.isoformat() if dob else None)
        columns["student_number"].append(number or None)
        columns["email"].append((email or "").lower() or None)
        columns["phone"].append(phone_key(phone or "") or None)
        columns["graduation_year"].append(str(year) if year else None)
        columns["major"].append(major.lower() or None)
        columns["city"].append((city or "").lower() or None)
    return pd.DataFrame(columns, columns=["unique_id", *KEYS])


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


def people_settings() -> Any:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            # m: how often a true duplicate lands on each level (best level first) — prior
            # knowledge of alumni records, refined by EM on large data sets; u is always
            # measured on random pairs of this data. A common name (张伟) agreeing says less
            # than a rare one: the exact level is weighed by the name's frequency.
            cl.JaroWinklerAtThresholds("name_key", [0.95, 0.88])
            .configure(m_probabilities=[0.85, 0.08, 0.04, 0.03])
            .configure(term_frequency_adjustments=True),
            date_of_birth_comparison().configure(m_probabilities=[0.88, 0.05, 0.02, 0.02, 0.03]),
            cl.ExactMatch("student_number").configure(m_probabilities=[0.9, 0.1]),
            cl.LevenshteinAtThresholds("email", [2]).configure(m_probabilities=[0.6, 0.05, 0.35]),
            cl.LevenshteinAtThresholds("phone", [1]).configure(m_probabilities=[0.7, 0.05, 0.25]),
            graduation_year_comparison().configure(m_probabilities=[0.85, 0.15]),
            cl.ExactMatch("major").configure(m_probabilities=[0.8, 0.2]),
            cl.ExactMatch("city").configure(m_probabilities=[0.6, 0.4]),
        ],
        # The name key alone makes blocks of over a thousand among a million alumni (wang yu:
        # 王宇, 王玉, 王雨), 50 million pairs: pair it with a year. Identifiers stand alone; the
        # date of birth with the name's initial catches a misspelt name.
        blocking_rules_to_generate_predictions=[
            block_on("student_number"),
            block_on("email"),
            block_on("phone"),
            block_on("name_key", "graduation_year"),
            block_on("name_key", "substr(date_of_birth, 1, 4)"),
            block_on("date_of_birth", "substr(name_key, 1, 1)"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=True,
    )


# EM learns m from a sample of the blocked pairs: a few million pairs estimate a handful of
# probabilities as well as all of them, at a fraction of the time.
EM_MAX_PAIRS = 2e6
U_MAX_PAIRS = 2e6


def training_rules() -> list[Any]:
    """EM's blocking rules: each learns m for the keys it does not block on."""
    from splink import block_on

    # Each rule's pairs must be a fair share true (EM finds whatever two groups there are):
    # the same name and date of birth learns the identifiers, major and city; the same day,
    # major and city learns the name; a shared email learns the date of birth. (The name key
    # with the year, or the date of birth alone, gives a million records' worth of strangers
    # with common names and the same birth year, and EM learns "born the same year".)
    return [
        block_on("name_key", "date_of_birth"),
        block_on("date_of_birth", "major", "city"),
        block_on("email"),
    ]


def predict(
    frame: Any, settings: Any, *, training: list[Any], threshold: float, deterministic: list[Any]
) -> Any:
    """Train (u by random sampling, m by EM on each training rule) and score the blocked pairs."""
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.ERROR)
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    connection.execute("SET preserve_insertion_order = false")
    db_api = DuckDBAPI(connection=connection)
    linker = Linker(db_api.register(frame), settings, log_level=None)
    try:
        linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.8)
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
    for rule in training:
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


def people_pairs(*, threshold: float = 0.9) -> list[Pair]:
    from splink import block_on

    frame = people_frame()
    if len(frame) < 2:
        return []
    scored = predict(
        frame,
        people_settings(),
        # EM needs many true pairs to learn from; small offices keep the prior m.
        training=training_rules() if len(frame) >= EM_MIN else [],
        threshold=threshold,
        deterministic=[block_on("student_number"), block_on("email"), block_on("phone")],
    )
    pairs = []
    for row in scored.to_dict("records"):
        a, b = sorted((int(row["unique_id_l"]), int(row["unique_id_r"])))
        comparison = {}
        for key in KEYS:
            left, right = row.get(f"{key}_l"), row.get(f"{key}_r")
            if left is None or right is None or left != left or right != right:  # None or NaN
                comparison[key] = "missing"
            else:
                comparison[key] = "agree" if left == right else "differ"
        pairs.append(Pair(a, b, float(row["match_probability"]), comparison))
    pairs.sort(key=lambda p: (-p.probability, p.person_a, p.person_b))
    return pairs


@transaction.atomic
def duplicates_find(*, threshold: float = 0.9) -> list[Pair]:
    """Find candidate pairs and refresh the open review queue (dismissed pairs stay dismissed)."""
    pairs = people_pairs(threshold=threshold)
    dismissed = set(DuplicateDismissal.objects.values_list("person_low", "person_high"))
    decided = set(
        DuplicateCandidate.objects.exclude(status=DuplicateCandidate.Status.OPEN).values_list(
            "person_a_id", "person_b_id"
        )
    )
    DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.OPEN).delete()
    fresh = [p for p in pairs if (p.person_a, p.person_b) not in dismissed | decided]
    DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(
                person_a_id=p.person_a,
                person_b_id=p.person_b,
                probability=p.probability,
                comparison=p.comparison,
            )
            for p in fresh
        ],
        batch_size=1000,
    )
    return pairs
