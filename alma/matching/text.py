"""Free-text similarity: TF-IDF by default, sentence embeddings only where a model is local.

An encoder turns both sides' texts into L2-normalised dense row vectors in one space, so
that a dot product is the cosine similarity and a whole block of pairs is one matrix
product. TF-IDF vectors are kept exact while the vocabulary is small; past `dims` words
they are reduced to `dims` dimensions by truncated SVD (latent semantic analysis), which
keeps the block products fast and also lets related words count as similar.
Nothing here downloads anything: the embedding encoder is offered only when the
sentence-transformers package is installed and the model is already on disk.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

TextMatrix = npt.NDArray[np.float32]

# Latin-script words of two or more letters; CJK text has no spaces, so it is cut into
# overlapping character pairs (the usual stand-in for words in Chinese retrieval).
_WORD = re.compile(r"[^\W\d_]{2,}|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def tokenize(text: str, stop_words: frozenset[str] = frozenset()) -> list[str]:
    """Lower-cased words without stop words; CJK runs become character bigrams."""
    text = text.lower()
    if not _CJK.search(text):
        return [w for w in _WORD.findall(text) if w not in stop_words]
    tokens: list[str] = []
    for match in _WORD.finditer(text):
        word = match.group()
        if _CJK.match(word):
            tokens.extend(
                [word] if len(word) == 1 else [word[i : i + 2] for i in range(len(word) - 1)]
            )
        elif word not in stop_words:
            tokens.append(word)
    return tokens


@runtime_checkable
class TextEncoder(Protocol):
    """Turns two sides' texts into dense row vectors in one space (rows: one per text).

    The affinity model scales each row to unit length, so a dot product is the cosine.
    """

    def encode(
        self, left: Sequence[str], right: Sequence[str]
    ) -> tuple[TextMatrix, TextMatrix]: ...

    def shared_terms(self, left_row: int, right_row: int, *, limit: int = 3) -> list[str]:
        """The terms that contribute most to a pair's similarity; [] when not applicable."""
        ...


class TfidfTextEncoder:
    """TF-IDF over both sides' texts (fitted on their union), sublinear tf, L2 rows.

    With a vocabulary larger than `dims` the vectors are projected on the top `dims`
    singular directions (fitted on at most `svd_sample` evenly spaced texts, seeded, so the
    result is deterministic) and re-normalised.
    """

    def __init__(
        self, *, dims: int = 128, min_df: int = 1, max_df: float = 0.5, svd_sample: int = 10_000
    ) -> None:
        # max_df drops words most texts share ("career", "help"): they rank nobody.
        self.dims = dims
        self.min_df = min_df
        self.max_df = max_df
        self.svd_sample = svd_sample
        self._left: sp.csr_matrix | None = None
        self._right: sp.csr_matrix | None = None
        self._terms: list[str] = []

    def encode(self, left: Sequence[str], right: Sequence[str]) -> tuple[TextMatrix, TextMatrix]:
        from sklearn.feature_extraction.text import TfidfVectorizer

        stop_words = _stop_words()
        documents = [*left, *right]
        n_docs = sum(1 for d in documents if d.strip())
        vectorizer = TfidfVectorizer(
            analyzer=lambda text: tokenize(text, stop_words),
            sublinear_tf=True,
            dtype=np.float32,
            min_df=self.min_df,
            # With few documents max_df would drop everything; it only applies from 10 on.
            max_df=self.max_df if n_docs >= 10 else 1.0,
        )
        try:
            matrix = sp.csr_matrix(vectorizer.fit_transform(documents), dtype=np.float32)
            self._terms = [str(t) for t in vectorizer.get_feature_names_out()]
        except ValueError:  # no text at all, or every word pruned
            matrix = sp.csr_matrix((len(documents), 0), dtype=np.float32)
            self._terms = []
        self._left = sp.csr_matrix(matrix[: len(left)])
        self._right = sp.csr_matrix(matrix[len(left) :])
        dense = self._reduce(matrix)
        return dense[: len(left)], dense[len(left) :]

    def _reduce(self, matrix: sp.csr_matrix) -> TextMatrix:
        if matrix.shape[1] <= self.dims:
            return np.asarray(matrix.toarray(), dtype=np.float32)
        from sklearn.decomposition import TruncatedSVD

        step = max(1, -(-matrix.shape[0] // self.svd_sample))
        svd = TruncatedSVD(n_components=self.dims, n_iter=4, random_state=0)
        svd.fit(matrix[::step])
        reduced = np.asarray(svd.transform(matrix), dtype=np.float32)
        norms = np.linalg.norm(reduced, axis=1, keepdims=True)
        return np.divide(reduced, norms, out=np.zeros_like(reduced), where=norms > 0)

    def shared_terms(self, left_row: int, right_row: int, *, limit: int = 3) -> list[str]:
        if self._left is None or self._right is None:
            return []
        product = self._left[left_row].multiply(self._right[right_row]).tocoo()
        if product.nnz == 0:
            return []
        # Largest contribution first, then alphabetical, so explanations are stable.
        ranked = sorted(
            zip(product.data.tolist(), product.col.tolist(), strict=True),
            key=lambda item: (-item[0], self._terms[item[1]]),
        )
        return [self._terms[col] for _, col in ranked[:limit]]


class SentenceEmbeddingTextEncoder:
    """Sentence embeddings from a locally installed sentence-transformers model."""

    def __init__(self, model: str, *, batch_size: int = 256) -> None:
        self.model_name = model
        self.batch_size = batch_size

    def encode(
        self, left: Sequence[str], right: Sequence[str]
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(self.model_name, local_files_only=True)
        vectors = model.encode(
            [*left, *right],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        ).astype(np.float32)
        return vectors[: len(left)], vectors[len(left) :]

    def shared_terms(self, left_row: int, right_row: int, *, limit: int = 3) -> list[str]:
        return []


def local_embedding_encoder(model: str | None = None) -> SentenceEmbeddingTextEncoder | None:
    """An embedding encoder when `model` (or ALMA_MATCHING_EMBEDDING_MODEL) is usable offline.

    `model` is a directory holding a sentence-transformers model, or the name of one already
    in the local Hugging Face cache. Returns None when the package is missing or the model
    is not on disk; callers then keep TF-IDF. Never downloads.
    """
    model = model or os.environ.get("ALMA_MATCHING_EMBEDDING_MODEL")
    if not model:
        return None
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        return None
    if Path(model).is_dir():
        return SentenceEmbeddingTextEncoder(model)
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return None
    repo = model if "/" in model else f"sentence-transformers/{model}"
    cached = try_to_load_from_cache(repo, "config.json")
    if isinstance(cached, str) and Path(cached).is_file():
        return SentenceEmbeddingTextEncoder(repo)
    return None
