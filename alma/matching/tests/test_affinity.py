"""Affinity scores, hard constraints, explanations and the text encoders."""

import random

import numpy as np
import pytest
from django.utils import translation

from alma.matching.affinity import SCORE_QUANTUM, build_affinity_model
from alma.matching.graph import MatchingInputError
from alma.matching.profiles import Constraints, Profile, Weights
from alma.matching.reasons import REASON_LABELS, Reason, reason_label
from alma.matching.text import TfidfTextEncoder, local_embedding_encoder, tokenize

MAJORS = ["Law", "Physics", "Finance", "History"]
INDUSTRIES = ["Banking", "Software", "Law Firms", "Media"]
CITIES = ["Beijing", "Shanghai", "London"]
TOPICS = ["interviews", "research", "startups", "study abroad", "writing"]
WORDS = [
    "contract",
    "litigation",
    "quantum",
    "lasers",
    "trading",
    "valuation",
    "archives",
    "museums",
    "code",
    "startup",
]


def random_profiles(seed, n_left, n_right, *, text=True, cities=CITIES):
    rnd = random.Random(seed)

    def maybe(values):
        return rnd.choice(values) if rnd.random() < 0.8 else None

    def profile(pid, person, right):
        return Profile(
            id=pid,
            capacity=rnd.randint(0, 3) if right else 1,
            person=person,
            major=maybe(MAJORS),
            school=maybe(["Law School", "Science"]),
            industry=maybe(INDUSTRIES) if right else None,
            target_industries=tuple(rnd.sample(INDUSTRIES, rnd.randint(0, 2))) if not right else (),
            city=maybe(cities),
            graduation_year=rnd.choice([None, 2001, 2010, 2015, 2027, 2028]),
            languages=tuple(rnd.sample(["English", "Mandarin", "French"], rnd.randint(0, 2))),
            required_languages=("French",) if rnd.random() < 0.1 else (),
            topics=tuple(rnd.sample(TOPICS, rnd.randint(0, 3))),
            text=" ".join(rnd.sample(WORDS, rnd.randint(0, 4))) if text else "",
        )

    left = [profile(f"s{i}", i, False) for i in range(n_left)]
    # A few mentors are also students (same person), a few ids are integers.
    right = [
        profile(j if j % 3 else f"m{j}", j if j % 7 == 0 else 1000 + j, True)
        for j in range(n_right)
    ]
    rnd.shuffle(left)
    exclusions = {(f"s{rnd.randrange(n_left)}", right[rnd.randrange(n_right)].id) for _ in range(3)}
    return left, right, Constraints(exclusions=exclusions)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_block_scores_equal_the_explained_scores_and_respect_constraints(seed):
    left, right, constraints = random_profiles(seed, 25, 12)
    model = build_affinity_model(left=left, right=right, constraints=constraints)
    scores = model.score_matrix()
    assert scores.shape == (25, 12)
    for i, a in enumerate(model.left):
        for j, b in enumerate(model.right):
            explanation = model.explain(a.id, b.id)
            if np.isfinite(scores[i, j]):
                assert explanation.blocked_by is None
                assert explanation.score == scores[i, j]
                assert 0 <= scores[i, j] <= 1
            else:
                assert explanation.blocked_by is not None
            if (a.id, b.id) in constraints.exclusions:
                assert explanation.blocked_by == "excluded"
            elif a.person == b.person:
                assert explanation.blocked_by == "same_person"
            speaks = {v.casefold() for v in b.languages}
            if any(v.casefold() not in speaks for v in a.required_languages):
                assert explanation.blocked_by in {"excluded", "same_person", "required_language"}
    # Scores sit on the 2**-20 grid, so equal pairs tie exactly.
    finite = scores[np.isfinite(scores)]
    assert np.array_equal(finite, np.rint(finite / SCORE_QUANTUM) * SCORE_QUANTUM)


def test_each_similarity_and_its_reason():
    student = Profile(
        id="s",
        major="Law",
        school="Law School",
        target_industries=("Banking",),
        city="Beijing",
        graduation_year=2028,
        languages=("English", "Mandarin"),
        topics=("interviews", "study abroad"),
        text="contract litigation",
    )
    mentor = Profile(
        id="m",
        capacity=3,
        major=" law ",
        school="Science",
        industry="banking",
        city="BEIJING",
        graduation_year=2026,
        languages=("Mandarin",),
        topics=("interviews",),
        text="litigation archives",
    )
    weights = Weights(
        major=1,
        school=1,
        target_industry=1,
        city=1,
        graduation_year=1,
        language=1,
        topics=1,
        text=1,
    )
    model = build_affinity_model(left=[student], right=[mentor], weights=weights)
    explanation = model.explain("s", "m", top=10)
    by_code = {r.code: r for r in explanation.reasons}
    assert by_code["same_major"].params == {"major": "Law"}
    assert by_code["target_industry"].params == {"industry": "banking"}
    assert by_code["same_city"].params == {"city": "Beijing"}
    assert by_code["close_graduation_year"].params == {"years_apart": 2}
    assert by_code["shared_topics"].params == {"topics": ["interviews"]}
    assert by_code["shared_language"].params == {"languages": ["Mandarin"]}
    assert by_code["text_similarity"].params["terms"] == ["litigation"]
    assert "same_school" not in by_code
    # Weights sit on a fixed-point grid (see LEFT_GRID), hence the small tolerance.
    share = 1 / 8
    assert by_code["same_major"].contribution == pytest.approx(share, abs=1e-3)
    assert by_code["close_graduation_year"].contribution == pytest.approx(
        share * (1 - 2 / 9), abs=1e-3
    )
    assert by_code["shared_topics"].contribution == pytest.approx(share / np.sqrt(2), abs=1e-3)
    # Largest share first; ties in the order features are listed.
    contributions = [r.contribution for r in explanation.reasons]
    assert contributions == sorted(contributions, reverse=True)
    assert [r.code for r in explanation.reasons][:3] == [
        "same_major",
        "target_industry",
        "same_city",
    ]
    assert model.explain("s", "m").reasons == explanation.reasons[:3]
    assert explanation.score == model.score_matrix()[0, 0]


def test_reasons_have_english_labels_that_translate():
    assert set(REASON_LABELS) >= {
        "same_major",
        "target_industry",
        "same_city",
        "shared_topics",
        "text_similarity",
    }
    with translation.override("en"):
        assert Reason("same_major", {"major": "Law"}).label() == "Same major: Law"
        assert reason_label(Reason("target_industry", {"industry": "Banking"})) == (
            "Works in the target industry: Banking"
        )
        assert reason_label(Reason("shared_topics", {"topics": ["a", "b"]})) == (
            "Shared interests: a, b"
        )
        assert reason_label(Reason("close_graduation_year", {"years_apart": 1})) == (
            "Graduated 1 year apart"
        )
        assert reason_label(Reason("close_graduation_year", {"years_apart": 3})) == (
            "Graduated 3 years apart"
        )
        assert reason_label(Reason("text_similarity", {"terms": []})) == (
            "Similar goals and expertise"
        )


def test_zero_weights_switch_features_off_and_bad_weights_are_refused():
    a = Profile(id="a", major="Law", city="Paris")
    b = Profile(id="b", major="Law", city="Paris")
    model = build_affinity_model(left=[a], right=[b], weights=Weights(major=0, text=0))
    assert [r.code for r in model.explain("a", "b").reasons] == ["same_city"]
    with pytest.raises(MatchingInputError, match="weight city"):
        Weights(city=-1)
    with pytest.raises(MatchingInputError, match="at least one weight"):
        Weights(
            **dict.fromkeys(
                [
                    "major",
                    "school",
                    "target_industry",
                    "city",
                    "graduation_year",
                    "language",
                    "topics",
                    "text",
                ],
                0,
            )
        )


def test_duplicate_ids_and_bad_capacities_are_refused():
    with pytest.raises(MatchingInputError, match="duplicate left id 'a'"):
        build_affinity_model(left=[Profile(id="a"), Profile(id="a")], right=[Profile(id="b")])
    with pytest.raises(MatchingInputError, match="negative capacity"):
        Profile(id="a", capacity=-1)


def test_large_vocabularies_take_the_sparse_path_with_the_same_scores():
    cities = [f"City {n}" for n in range(400)]
    left, right, constraints = random_profiles(4, 120, 80, cities=cities)
    model = build_affinity_model(left=left, right=right, constraints=constraints)
    assert model._sparse is not None  # the cities did not fit the dense product
    scores = model.score_matrix()
    same_city = 0
    for i, a in enumerate(model.left[::3]):
        for j, b in enumerate(model.right):
            if np.isfinite(scores[3 * i, j]):
                explanation = model.explain(a.id, b.id)
                assert explanation.score == scores[3 * i, j]
                same_city += any(r.code == "same_city" for r in explanation.reasons)
    assert same_city  # the sparse product did find pairs sharing a city


def test_tokenizer_drops_stop_words_and_cuts_chinese_into_bigrams():
    assert tokenize("I want to learn Machine-Learning!", frozenset({"want", "to"})) == [
        "learn",
        "machine",
        "learning",
    ]
    assert tokenize("学习机器学习 and AI") == ["学习", "习机", "机器", "器学", "学习", "and", "ai"]


def test_tfidf_reduces_large_vocabularies_deterministically():
    rnd = random.Random(0)
    vocabulary = [f"w{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(300)]
    texts = [" ".join(rnd.sample(vocabulary, 8)) for _ in range(120)]
    encoder = TfidfTextEncoder(dims=16)
    lv, rv = encoder.encode(texts[:80], texts[80:])
    assert lv.shape == (80, 16) and rv.shape == (40, 16)
    assert np.allclose(np.linalg.norm(lv, axis=1), 1, atol=1e-5)
    again, _ = TfidfTextEncoder(dims=16).encode(texts[:80], texts[80:])
    assert np.array_equal(lv, again)


class FakeEmbeddings:
    """A text encoder as an embedding model would be: dense unit vectors, no shared terms."""

    def encode(self, left, right):
        def vector(text):
            v = np.array([text.count("law"), text.count("code"), 1.0], dtype=np.float32)
            return v / np.linalg.norm(v)

        return np.array([vector(t) for t in left]), np.array([vector(t) for t in right])

    def shared_terms(self, left_row, right_row, *, limit=3):
        return []


def test_a_custom_text_encoder_is_used_when_given():
    left = [Profile(id="s", text="law law")]
    right = [Profile(id="m1", text="law"), Profile(id="m2", text="code")]
    model = build_affinity_model(
        left=left, right=right, weights=Weights(text=1), text_encoder=FakeEmbeddings()
    )
    scores = model.score_matrix()[0]
    assert scores[0] > scores[1] > 0
    reason = model.explain("s", "m1").reasons[0]
    assert reason.code == "text_similarity" and reason.params["terms"] == []


def test_no_embedding_model_means_tf_idf(monkeypatch, tmp_path):
    monkeypatch.delenv("ALMA_MATCHING_EMBEDDING_MODEL", raising=False)
    assert local_embedding_encoder() is None
    # Not installed or not on disk: never downloads, just declines.
    assert local_embedding_encoder(str(tmp_path / "no-such-model")) is None
