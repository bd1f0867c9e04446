"""Text normalisation shared by every search index and its queries: the same words on both sides.

Chinese characters become one token each (so "芳" finds "王芳"), Chinese names also get
their pinyin, spaced and joined ("wang fang", "wangfang"), so Latin-letter searches find them.
"""

import hashlib
import re
import unicodedata
from functools import lru_cache

from pypinyin import lazy_pinyin

LATIN_EXTENDED = re.compile(
    r"[\u00c0-\u024f\u1e00-\u1eff\uff00-\uffef]"
)  # accents, full-width forms
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[0-9a-z]+")
MAX_QUERY_TOKENS = 8
# Facet values are indexed as words too ("zzf" + a hash of facet and value), so that words and
# narrow facets are matched together by the text index. Nobody can type one: queries drop them.
FACET_WORD = "zzf"


def fold(text: str) -> str:
    """Lower case without accents: 'José' -> 'jose'."""
    if text.isascii():
        return text.lower()
    if not LATIN_EXTENDED.search(text):  # Chinese and other scripts: nothing to strip
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    return WORD.findall(fold(text))


def name_tokens(full_name: str, name_latin: str) -> list[str]:
    words = tokens(full_name) + tokens(name_latin)
    chinese = CJK.findall(full_name)
    if chinese:
        syllables = [s for s in map(_pinyin, chinese) if s]
        words += syllables + ["".join(syllables)]
    latin = tokens(name_latin)
    if len(latin) > 1:
        words.append("".join(latin))
    return list(dict.fromkeys(words))


@lru_cache(maxsize=50_000)
def _pinyin(character: str) -> str:
    """The toneless pinyin of one character (names are read character by character)."""
    syllable = lazy_pinyin(character)[0]
    return syllable if syllable.isascii() and syllable.isalpha() else ""


@lru_cache(maxsize=100_000)
def words(text: str) -> str:
    """The text's tokens, space-separated. Cached: indexing reads the same schools, majors,
    employers and cities over and over."""
    return " ".join(tokens(text))


def document(*parts: str) -> str:
    return " ".join(found for part in parts if part and (found := words(part)))


def query_tokens(text: str) -> list[str]:
    """The query's tokens, each to be matched as a prefix, all required."""
    seen: list[str] = []
    for token in tokens(text):
        if token not in seen and not token.startswith(FACET_WORD):
            seen.append(token)
    return seen[:MAX_QUERY_TOKENS]


@lru_cache(maxsize=100_000)
def facet_token(facet: str, value: str) -> str:
    """The word standing for one facet value in the text index."""
    digest = hashlib.blake2b(f"{facet}={value}".encode(), digest_size=8).hexdigest()
    return FACET_WORD + digest


def sort_key(full_name: str, name_latin: str) -> str:
    latin = " ".join(tokens(name_latin))
    if latin:
        return latin
    chinese = "".join(CJK.findall(full_name))
    if chinese:
        return " ".join(lazy_pinyin(chinese))  # the whole name read as one phrase
    return " ".join(tokens(full_name)) or fold(full_name)


CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Chinese words are rarely longer than this many characters: the joined pinyin of every run of
# up to this many neighbouring characters is indexed, and matched by prefix.
PINYIN_WORD_MAX = 4


def prose_tokens(text: str) -> list[str]:
    """The words of prose (a question, a job posting) for a search index, Chinese read twice.

    Each Chinese character is a token (so "研" finds "考研"), and so is its toneless pinyin;
    from each character, the joined pinyin of it and the next few (PINYIN_WORD_MAX) is one
    more, so that "kaoyan", "kao yan" and "yanjiusheng" (a prefix of "yanjiushengkao") find
    "考研究生考试" without a word segmenter. Latin words are folded ("José" -> "jose"). The
    text's own words keep their repeats (ranking counts them); the pinyin is added once.
    """
    found = tokens(text)
    extra: list[str] = []
    for run in CJK_RUN.findall(text):
        syllables = [_pinyin(ch) for ch in run]
        extra += [s for s in syllables if s]
        for start in range(len(syllables) - 1):
            window = syllables[start : start + PINYIN_WORD_MAX]
            if all(window):
                extra.append("".join(window))
    return found + list(dict.fromkeys(extra))
