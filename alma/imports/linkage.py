"""Duplicate detection: probabilistic record linkage of people with Splink on DuckDB.

Optional: needs the `dedup` extra (`pip install alma[dedup]`: splink, duckdb). Each person is
reduced to comparable keys — a name key (Chinese names as their pinyin, tokens sorted, so 张伟,
"Zhang Wei" and "Wei Zhang" agree), date of birth, student number, email, phone, graduation
year, major and city. Blocking generates pairs only where an identifier or the name key is
equal, so a million records compare in minutes rather than forever; Splink then weighs the
agreements (u from random pairs, m by expectation maximisation).
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
    rows = []
    for pk, full_name, latin, dob, email, phone, city in Person.objects.values_list(
        "pk", "full_name", "name_latin", "date_of_birth", "email", "phone", "current_city"
    ).iterator(10000):
        number, year, major = education.get(pk, ("", None, ""))
        rows.append(
            {
                "unique_id": pk,
                "name_key": name_key(full_name, latin) or None,
                "date_of_birth": dob.isoformat() if dob else None,
                "student_number": number or None,
                "email": (email or "").lower() or None,
                "phone": phone_key(phone or "") or None,
                "graduation_year": str(year) if year else None,
                "major": major.lower() or None,
                "city": (city or "").lower() or None,
            }
        )
    return pd.DataFrame(rows, columns=["unique_id", *KEYS])


def people_settings() -> Any:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            # m: how often a true duplicate lands on each level (best level first) — prior
            # knowledge of alumni records, refined by EM on large data sets; u is always
            # measured on random pairs of this data.
            cl.JaroWinklerAtThresholds("name_key", [0.95, 0.88]).configure(
                m_probabilities=[0.85, 0.08, 0.04, 0.03]
            ),
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]).configure(
                m_probabilities=[0.9, 0.05, 0.02, 0.03]
            ),
            cl.ExactMatch("student_number").configure(m_probabilities=[0.9, 0.1]),
            cl.LevenshteinAtThresholds("email", [2]).configure(m_probabilities=[0.6, 0.05, 0.35]),
            cl.LevenshteinAtThresholds("phone", [1]).configure(m_probabilities=[0.7, 0.05, 0.25]),
            cl.ExactMatch("graduation_year").configure(m_probabilities=[0.85, 0.15]),
            cl.ExactMatch("major").configure(m_probabilities=[0.8, 0.2]),
            cl.ExactMatch("city").configure(m_probabilities=[0.6, 0.4]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("student_number"),
            block_on("email"),
            block_on("phone"),
            block_on("name_key"),
            block_on("date_of_birth", "substr(name_key, 1, 1)"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=True,
    )


def predict(
    frame: Any, settings: Any, *, training: list[Any], threshold: float, deterministic: list[Any]
) -> Any:
    """Train (u by random sampling, m by EM on each training rule) and score the blocked pairs."""
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.ERROR)
    import duckdb

    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
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
    linker.training.estimate_u_using_random_sampling(max_pairs=min(5e6, max(1e4, len(frame) ** 2)))
    for rule in training:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
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
        training=[block_on("name_key"), block_on("date_of_birth")] if len(frame) >= EM_MIN else [],
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
