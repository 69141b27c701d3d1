"""The lexical channel's own TF-IDF arithmetic gives scikit-learn's ``transform``, row for row.

``LexicalFeatures.transform`` counts terms itself (scikit-learn's checks cost eight times the
work on one message); these tests hold it to the vectorizer it replaces, fitted on the
shipped utterances, on messages with typos, repeats, unknown words and nothing at all.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped, unused-ignore]

from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.agent.understanding.classifier import (
    lexical,
    read_labelled_csv,
    shipped_utterances,
)
from resolution_agent.agent.understanding.classifier.lexical import LexicalFeatures

MESSAGES = [
    "I've lost my card, I think I left it on the bus",
    "recieved my card yet?? NOT arrived arrived arrived",
    "hi",
    "",
    "   ",
    "zxqv wkkp",  # no known word; still character n-grams
    "£2,000 to my landlord by CHAPS today pls",
    "Ｆｕｌｌ-width and émigré café",
]


def reference(features: LexicalFeatures, texts: list[str]) -> np.ndarray:
    """scikit-learn's own transform of the same vocabulary and IDF, as one dense matrix."""
    rows = []
    for options, terms, idf in (
        (lexical._WORDS, features.word_terms, features.word_idf),
        (lexical._CHARS, features.char_terms, features.char_idf),
    ):
        vectorizer = TfidfVectorizer(
            **{k: v for k, v in options.items() if k != "min_df"}, vocabulary=terms
        )
        vectorizer.idf_ = idf
        rows.append(vectorizer.transform(texts).toarray())
    return np.hstack(rows)


def test_rows_equal_scikit_learns_on_the_shipped_utterances() -> None:
    texts = list(read_labelled_csv(shipped_utterances(PROJECT_ROOT)).texts)
    features = LexicalFeatures.fit(texts[::3])
    sample = [*MESSAGES, *texts[1::97]]
    ours = features.transform(sample)
    assert ours.shape == (len(sample), features.size)
    np.testing.assert_allclose(ours.toarray(), reference(features, sample), rtol=0, atol=1e-12)
    assert ours.has_sorted_indices


def test_no_texts_no_rows() -> None:
    features = LexicalFeatures.fit(["freeze my card", "where is my card", "card not arrived"])
    assert features.transform([]).shape == (0, features.size)
    assert features.transform([""]).nnz == 0
