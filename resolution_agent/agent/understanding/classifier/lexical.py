"""The lexical channel: TF-IDF over words and character n-grams, kept as plain arrays.

Why a second channel: sentence embeddings blur the words that separate neighbouring banking
intents ("top-up" vs "transfer", "pending" vs "declined"); word and character n-grams keep
them, and misspellings ("recieved") still share most character n-grams. The two channels err
on different messages, so their averaged log-probabilities beat either one.

Why plain arrays: the vocabulary and IDF weights are stored as JSON and ``.npz`` and rebuilt
into vectorizers on load, so a model in the data folder is never unpickled.

Why ``transform`` does its own arithmetic: scikit-learn's ``TfidfVectorizer.transform`` spends
~0.6 ms of checks and sparse products on one message, eight times the work itself. The
analyzers (tokenising, n-grams) stay scikit-learn's; counting, sublinear TF, IDF and the L2
norm are the same formulas, checked against scikit-learn's own ``transform`` in
``tests/understanding/test_lexical_features.py``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped, unused-ignore]

_WORDS: dict[str, Any] = {
    "analyzer": "word",
    "ngram_range": (1, 2),
    "sublinear_tf": True,
    "lowercase": True,
    "token_pattern": r"(?u)\b\w+\b",
}
_CHARS: dict[str, Any] = {
    "analyzer": "char_wb",
    "ngram_range": (2, 5),
    "sublinear_tf": True,
    "lowercase": True,
    "min_df": 2,
}


class LexicalFeatures:
    """Fitted word and character TF-IDF vectorizers; ``transform`` gives one sparse row a text."""

    def __init__(
        self,
        word_terms: list[str],
        word_idf: NDArray[np.float64],
        char_terms: list[str],
        char_idf: NDArray[np.float64],
    ) -> None:
        self.word_terms = word_terms
        self.word_idf = np.asarray(word_idf, dtype=np.float64)
        self.char_terms = char_terms
        self.char_idf = np.asarray(char_idf, dtype=np.float64)
        self._channels: tuple[_Channel, _Channel] = (
            _Channel(analyzer(_WORDS), _index(word_terms), self.word_idf, 0),
            _Channel(analyzer(_CHARS), _index(char_terms), self.char_idf, len(word_terms)),
        )

    @classmethod
    def fit(cls, texts: list[str]) -> LexicalFeatures:
        words = TfidfVectorizer(**_WORDS).fit(texts)
        chars = TfidfVectorizer(**{**_CHARS, "min_df": 2 if len(texts) >= 50 else 1}).fit(texts)
        return cls(
            word_terms=words.get_feature_names_out().tolist(),
            word_idf=np.asarray(words.idf_, dtype=np.float64),
            char_terms=chars.get_feature_names_out().tolist(),
            char_idf=np.asarray(chars.idf_, dtype=np.float64),
        )

    @property
    def size(self) -> int:
        return len(self.word_terms) + len(self.char_terms)

    def transform(self, texts: list[str]) -> csr_matrix:
        """One row a text: its word TF-IDF, then its character TF-IDF, each L2-normalised."""
        indices: list[NDArray[np.int64]] = []
        values: list[NDArray[np.float64]] = []
        row_ends = [0]
        for text in texts:
            end = row_ends[-1]
            for channel in self._channels:
                columns, weights = channel.row(text)
                indices.append(columns)
                values.append(weights)
                end += len(columns)
            row_ends.append(end)
        return csr_matrix(
            (
                np.concatenate(values) if values else np.zeros(0),
                np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64),
                np.asarray(row_ends, dtype=np.int64),
            ),
            shape=(len(texts), self.size),
        )


class _Channel:
    """One vectorizer's terms: its analyzer, column of each term, IDF, first column."""

    def __init__(
        self,
        analyzer: Callable[[str], list[str]],
        columns: dict[str, int],
        idf: NDArray[np.float64],
        offset: int,
    ) -> None:
        self._analyzer = analyzer
        self._columns = columns
        self._idf = idf
        self._offset = offset

    def row(self, text: str) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Columns (ascending) and weights: (1 + log count) x IDF, L2-normalised."""
        columns = self._columns
        counts = Counter(columns[term] for term in self._analyzer(text) if term in columns)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        found = np.fromiter(sorted(counts), dtype=np.int64, count=len(counts))
        tf = 1.0 + np.log(np.fromiter((counts[c] for c in found), float, count=len(counts)))
        weights = tf * self._idf[found]
        weights /= np.sqrt(weights @ weights)
        return found + self._offset, weights


def analyzer(options: dict[str, Any]) -> Callable[[str], list[str]]:
    """Text to terms (lower-casing, tokens, n-grams) exactly as the fitted vectorizer reads."""
    built: Callable[[str], list[str]] = TfidfVectorizer(**options).build_analyzer()
    return built


def _index(terms: list[str]) -> dict[str, int]:
    return {term: column for column, term in enumerate(terms)}
