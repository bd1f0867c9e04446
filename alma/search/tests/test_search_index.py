"""The general search index on this database: Chinese, pinyin, prefixes, facets, removal, kinds."""

import pytest

from alma.search.models import SearchDocument
from alma.search.selectors import search_query
from alma.search.services import search_index, search_remove

pytestmark = pytest.mark.django_db

Q = "forum.question"
JOB = "careers.job"


@pytest.fixture
def documents():
    search_index(
        Q, 1, "考研经验分享：如何准备计算机专业的研究生考试", facets={"topic": "postgraduate"}
    )
    search_index(Q, 2, "Studying abroad in München: visa and housing", facets={"topic": "abroad"})
    search_index(
        Q,
        3,
        "Career planning for data engineers",
        facets={"topic": "career", "tag": ["data", "python"]},
    )
    search_index(Q, 4, "在上海工作的生活成本", facets={"topic": "cities"}, level=3)
    search_index(Q, 5, "A private note about careers", level=9, owner_id=77)
    search_index(JOB, 3, "Data engineer at an alumni enterprise 上海", facets={"topic": "career"})


def ids(*args, **kwargs) -> list[int]:
    return search_query(*args, **kwargs).ids


def test_chinese_characters_find_chinese_text(documents):
    assert ids(Q, "考研") == [1]
    assert ids(Q, "研究生") == [1]
    assert ids(Q, "上海") == [4]


def test_pinyin_finds_chinese_text_joined_or_spaced(documents):
    assert ids(Q, "kaoyan") == [1]
    assert ids(Q, "kao yan") == [1]
    assert ids(Q, "yanjiusheng") == [1]
    assert ids(Q, "shanghai") == [4]


def test_words_match_as_prefixes_and_are_folded(documents):
    assert ids(Q, "engin") == [3]
    assert ids(Q, "munchen") == [2]  # "München" folded
    assert ids(Q, "MÜNCH") == [2]


def test_every_word_is_required(documents):
    assert ids(Q, "career data") == [3]
    assert ids(Q, "career visa") == []


def test_facets_widen_within_and_narrow_across(documents):
    assert sorted(ids(Q, facets={"topic": ["abroad", "career"]})) == [2, 3]
    assert ids(Q, facets={"topic": "career", "tag": "python"}) == [3]
    assert ids(Q, facets={"topic": "abroad", "tag": "python"}) == []
    assert ids(Q, "visa", facets={"topic": "career"}) == []


def test_levels_and_owner_decide_who_finds_a_record(documents):
    assert ids(Q, "shanghai", max_level=1) == []
    assert ids(Q, "shanghai", max_level=3) == [4]
    assert ids(Q, "private", max_level=3) == []
    assert ids(Q, "private", max_level=1, owner_id=77) == [5]
    assert ids(Q, "private", max_level=1, owner_id=78) == []


def test_excluded_ids_are_left_out_before_paging(documents):
    from alma.search.models import SearchDocument as Doc

    found = search_query(Q, facets={"topic": ["abroad", "career"]}, exclude=[[2]], limit=1)
    assert (found.ids, found.total) == ([3], 1)
    by_subquery = Doc.objects.filter(kind=Q, object_id__in=[3]).values("object_id")
    assert ids(Q, "data", exclude=[by_subquery]) == []
    assert ids(Q, exclude=[[1, 2], by_subquery]) == [5, 4]  # without words too
    assert ids(Q, "data", exclude=[[]]) == [3]


def test_kinds_are_kept_apart(documents):
    assert ids(JOB, "data") == [3]
    assert ids(Q, "data") == [3]
    assert ids(JOB, "visa") == []
    search_remove(JOB, 3)
    assert ids(JOB, "data") == []
    assert ids(Q, "data") == [3]  # the question with the same id stays


def test_removal_and_replacement(documents):
    search_remove(Q, 1)
    assert ids(Q, "kaoyan") == []
    search_remove(Q, 1)  # again: harmless
    search_index(Q, 2, "Now about Beijing", facets={"topic": "cities"})
    assert ids(Q, "visa") == []
    assert ids(Q, "beijing") == [2]
    assert ids(Q, facets={"topic": "abroad"}) == []
    assert SearchDocument.objects.filter(kind=Q, object_id=2).count() == 1


def test_ranking_totals_and_paging(documents):
    search_index(Q, 10, "career career career advice")
    search_index(Q, 11, "some advice on a career")
    result = search_query(Q, "career", limit=2)
    assert result.total == 4  # 3, 5 ("careers"), 10 and 11
    assert result.ids[0] == 10  # the word says most there
    rest = search_query(Q, "career", limit=2, offset=2)
    assert len(rest.ids) == 2 and set(result.ids + rest.ids) == {3, 5, 10, 11}


def test_no_words_lists_newest_first(documents):
    result = search_query(Q, "", max_level=1, limit=2)
    assert result.total == 3  # 1, 2, 3 (4 and 5 are above level 1)
    assert result.ids == [3, 2]


def test_query_syntax_is_plain_words(documents):
    assert ids(Q, 'career" OR "visa') == []  # quotes and operators are not syntax
    assert ids(Q, "data AND NOT python") == []
    assert ids(Q, "zzf0000") == search_query(Q, "", limit=100).ids  # facet tokens cannot be typed


def test_many_records_are_indexed_at_once_and_replace_their_old_words(documents):
    from alma.search.services import search_index_many

    search_index_many(Q, [(2, "Rome", {"topic": "abroad"}), (20, "罗马 Rome", None)])
    assert sorted(ids(Q, "rome")) == [2, 20]
    assert ids(Q, "visa") == []
    assert ids(Q, "luoma") == [20]
    assert sorted(ids(Q, "rome", facets={"topic": "abroad"})) == [2]
