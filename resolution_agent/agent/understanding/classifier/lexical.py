"""The lexical channel: TF-IDF over words and character n-grams, kept as plain arrays.

Why a second channel: sentence embeddings blur the words that separate neighbouring banking
intents ("top-up" vs "transfer", "pending" vs "declined"); word and character n-grams keep
them, and misspellings ("recieved") still share most character n-grams. The two channels err
on different messages, so their averaged log-probabilities beat either one.

Why plain arrays: the vocabulary and IDF weights are stored as JSON and ``.npz`` and rebuilt
into vectorizers on load, so a model in the data folder is never unpickled.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix, hstack
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
        self._words = TfidfVectorizer(**_WORDS, vocabulary=word_terms)
        self._words.idf_ = self.word_idf
        chars = {k: v for k, v in _CHARS.items() if k != "min_df"}
        self._chars = TfidfVectorizer(**chars, vocabulary=char_terms)
        self._chars.idf_ = self.char_idf

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
        return csr_matrix(hstack([self._words.transform(texts), self._chars.transform(texts)]))
