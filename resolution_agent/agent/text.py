"""Text as our lexical parts see it: words, light stemming, typo repair.

Shared by the help-centre index (``agent/retrieval``: queries and passages) and the intent
classifier (``understanding/classifier``: a message's misspelt words repaired to the words of
its training utterances before it is read).

Customers write "carged twise", "nicked" and "topping up"; help articles write "charged twice",
"stolen" and "top-ups". BM25 only matches identical tokens, so both sides go through the same
normalisation: lower case, stop words out, a small suffix stripper (no stemmer dependency, and
predictable enough to reason about), a few slang words mapped to the words the help centre
uses, and, for query words the index has never seen, the closest known word within one edit.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

_WORD = re.compile(r"[a-z0-9]+")
#: A word as written: any case, apostrophes inside it kept ("hasn't", "Josh's").
_WRITTEN_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*")
_STOP = frozenset(
    (
        "a an and are as at be been but by can could do does for from get got had has have how i "
        "i'm im in is it its me my of on or our please so that the their them then there this to "
        "was we what when where which who why will with would you your yours just still ive dont "
        "cant didnt doesnt isnt wont hasnt havent wasnt whats hi hello thanks thank"
    ).split()
)
# Slang and common variants -> the word the help centre uses. Kept small and unsurprising.
_SLANG = {
    "nicked": "stolen",
    "pinched": "stolen",
    "robbed": "stolen",
    "mugged": "stolen",
    "quid": "pounds",
    "dosh": "money",
    "wages": "salary",
    "paycheck": "salary",
    "payday": "salary",
    "bust": "fails",
    "ate": "swallowed",
    "eaten": "swallowed",
    "mobile": "phone",
    "cashpoint": "atm",
    "cashmachine": "atm",
    "plastic": "physical",
    "telly": "tv",
    "ppl": "people",
    "pls": "please",
    "plz": "please",
    "u": "you",
    "ur": "your",
    "acc": "account",
    "acct": "account",
    "txn": "transaction",
    "amt": "amount",
    "overseas": "abroad",
    "dd": "direct",
}
_SUFFIXES = ("ing", "ies", "ed", "es", "s", "e")
_KEEP = frozenset(("pin", "atm", "fscs", "apple", "google", "visa", "uk", "eu", "sepa", "bacs"))


def stem(word: str) -> str:
    """Strip one common English suffix so 'charged', 'charges' and 'charge' meet at 'charg'."""
    if word in _KEEP or len(word) <= 3 or word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                return word
            base = word[: -len(suffix)]
            if suffix == "ies":
                base += "y"
            elif suffix in ("ing", "ed") and len(base) > 3 and base[-1] == base[-2]:
                base = base[:-1]  # 'topping' -> 'top', 'transferred' -> 'transfer'
            return base.rstrip("e") if len(base) > 3 and base.endswith("e") else base
    return word


def words(text: str) -> list[str]:
    """Lower-cased words without stop words and one-letter tokens, slang mapped."""
    out = []
    for word in _WORD.findall(text.lower().replace("'", "")):
        word = _SLANG.get(word, word)
        if word in _STOP or len(word) < 2:
            continue
        out.append(word)
    return out


def tokens(text: str) -> list[str]:
    """The tokens the lexical index stores and searches: :func:`words`, stemmed."""
    return [stem(word) for word in words(text)]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class SpellFix:
    """Maps an unknown word to the most frequent known word one edit away.

    A deletion index (the SymSpell idea): two words are within one substitution, insertion,
    deletion or adjacent swap when their one-letter deletions meet, so lookup is a few set
    probes instead of a scan of the vocabulary. Words under four letters are left alone: at
    three letters almost everything is one edit from something.
    """

    def __init__(
        self,
        vocabulary: Iterable[str] | Mapping[str, int],
        *,
        min_length: int = 4,
        also_known: Iterable[str] = (),
    ) -> None:
        """``also_known``: words never repaired, though nothing is repaired towards them."""
        self._freq: Counter[str] = Counter(vocabulary)
        self._stems = {stem(word) for word in self._freq}
        self._also_known = frozenset(also_known)
        self._index: dict[str, set[str]] = {}
        self._min = min_length
        for word in self._freq:
            if len(word) < self._min - 1:
                continue
            for key in _deletes(word) | {word}:
                self._index.setdefault(key, set()).add(word)

    def known(self, word: str) -> bool:
        """Whether the help centre uses this word, or another form of it."""
        return word in self._freq or stem(word) in self._stems or word in self._also_known

    def fix(self, word: str) -> str | None:
        """``word`` if known, else the closest known word, else None."""
        if self.known(word):
            return word
        if len(word) < self._min or word.isdigit():
            return None
        candidates: set[str] = set()
        for key in _deletes(word) | {word}:
            candidates |= self._index.get(key, set())
        if not candidates:
            return None
        return max(sorted(candidates), key=lambda known: self._freq[known])


def vocabulary(texts: Iterable[str], *, min_count: int = 1) -> Counter[str]:
    """The words of ``texts`` as :func:`respell` looks them up, with how often each is used.

    ``min_count`` 2 leaves out what a text set misspells only once, so a typo in the training
    data is not a word to repair towards.
    """
    counts = Counter(
        word.lower().replace("'", "") for text in texts for word in _WRITTEN_WORD.findall(text)
    )
    return Counter({word: n for word, n in counts.items() if n >= min_count})


def respell(text: str, spell: SpellFix) -> str:
    """``text`` with misspelt words replaced by the known word they are close to.

    Everything else stays as written (case, apostrophes): MiniLM is uncased and reads
    apostrophes as it did, so the dense side loses nothing, and a message without typos comes
    out as the very text understanding encoded, whose vector is then reused, not recomputed.
    """

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        low = word.lower().replace("'", "")  # "hasn't" is the stop word "hasnt", not "hasn"
        if low in _STOP:
            return word
        known = spell.fix(low) or low
        return word if known == low else known

    return _WRITTEN_WORD.sub(fix, text)


def snippet(text: str, limit: int = 320) -> str:
    """A passage shortened at a sentence end, Markdown links reduced to their text."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", " ".join(text.split()))
    if len(text) <= limit:
        return text
    cut = text[:limit]
    stop = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return cut[: stop + 1] if stop > 80 else cut.rstrip() + "…"
