"""Passage choice for qualified questions: the section, and sentences, that state the fact asked.

Retrieval ranks articles and names each one's closest section, which for "is the rate worse on
a Saturday?" is the article's general section, not the one with the weekend markup. When the
question carries qualifiers (``retrieval.qualifiers``), each section of a retrieved article is
scored by the qualifiers it states (an ask by a sentence holding the fact, a narrowing word
anywhere in the section or its heading) and the best one answers; a tie keeps the retriever's
choice. A qualifier that section leaves out but another section of the same article states
adds that sentence (with the sentence before it when it opens by pointing back, "During this
time, ..."), so "cheaper on a weekday?" gets both the weekday advice and the 0.5% it avoids.

A sentence that sends the reader to another article ("read [Weekend exchange rates](...)")
states nothing here: the fact is over there, and that article answers instead
(:func:`best_answer`). Nor does a clause saying what may happen ("..., but your other bank may
limit how much you can send in a day"): it is no fact of ours, and its day no setting. Among
the grounded passages, the one stating more of what was asked answers; otherwise the
retriever's order stands.

A question asking for two facts may find them in two articles: "how much is a CHAPS payment
and does it arrive the same day?" is answered by the transfer-timing article, while the £20 is
in the fees articles, which the question's topic ranks lower. So retrieval looks one page
deeper for the best-ranked section stating each ask, in the setting asked when one does
(:func:`sections_stating_asks`), and the answer adds what its passage leaves out, an ask or the
setting of one, from another passage stating it (:func:`supporting_facts`), citing it too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from resolution_agent.agent.retrieval.chunks import Chunk
from resolution_agent.agent.retrieval.qualifiers import BY_NAME, Qualifier, weight
from resolution_agent.agent.state import Passage
from resolution_agent.agent.text import snippet

#: The longest focused text: a section's facts plus at most two sentences from elsewhere.
FOCUS_LIMIT = 700
#: Extra sentences taken from other sections for qualifiers the chosen one leaves out.
_MAX_EXTRA = 2
#: A section longer than a snippet keeps its facts first within this many characters.
_SECTION_LIMIT = 320
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\[\"“(])")
_LINK = re.compile(r"\[[^\]]+\]\([^)]*\)")
#: How far below the grounding threshold a passage may score and still add an asked fact to an
#: answer grounded on its own: a question asking two things is embedded between them, so the
#: article holding only one of them scores lower than it would for that question alone.
SUPPORT_MARGIN = 0.05
#: Clauses of a sentence, and the words that make one say only what may happen.
_CLAUSE = re.compile(r",\s+(?=(?:but|and|or|so|while|although|though)\b)|;\s+")
_HEDGE = re.compile(r"\b(?:may|might)\b")
_POINTS_BACK = re.compile(
    r"^(?:during this|after that|at that|in that case|this|that|these|those|it|they|then)\b", re.I
)


@dataclass(frozen=True, slots=True)
class Focus:
    """The section that answers, the text to say, and the qualifiers that text states."""

    chunk: Chunk
    text: str
    answers: tuple[str, ...]


def sentences(text: str) -> list[str]:
    """A passage's sentences, in order (Markdown links kept: they mark pointers)."""
    return [s for s in _SENTENCE_END.split(" ".join(text.split())) if s]


def _firm(sentence: str) -> str:
    """The sentence without its clauses that say what may happen, which state no fact."""
    return " ".join(c for c in _CLAUSE.split(sentence) if not _HEDGE.search(c))


def _states(qualifier: Qualifier, sentence: str) -> bool:
    return not _LINK.search(sentence) and qualifier.in_sentence(_firm(sentence))


def _section_states(chunk: Chunk, qualifiers: Sequence[Qualifier]) -> tuple[str, ...]:
    """The qualifiers a section states: an ask by one of its facts, a narrowing word anywhere."""
    said = sentences(chunk.text)
    in_heading = {q.name for q in qualifiers if q.role == "narrow" and q.in_sentence(chunk.section)}
    return tuple(
        q.name for q in qualifiers if q.name in in_heading or any(_states(q, s) for s in said)
    )


def focus(chunks: Sequence[Chunk], preferred: Chunk, qualifiers: Sequence[Qualifier]) -> Focus:
    """What one article says to a qualified question; the retriever's section when unqualified.

    ``chunks`` are the article's sections in order; ``preferred`` is the retriever's choice.
    """
    if not qualifiers:
        return Focus(preferred, snippet(preferred.text), ())
    states = {chunk.id: _section_states(chunk, qualifiers) for chunk in chunks}
    best = max(
        chunks,
        key=lambda c: (weight(states[c.id]), c.id == preferred.id, -c.ordinal),
    )
    answers = list(states[best.id])
    picked: list[tuple[int, int, str]] = [
        (best.ordinal, n, s) for n, s in enumerate(_fit(best.text, qualifiers))
    ]
    extra = 0
    for q in qualifiers:
        if q.name in answers or extra >= _MAX_EXTRA:
            continue
        found = _sentence_stating(q, chunks, best, qualifiers)
        if found is None:
            continue
        chunk, n, said = found
        extra += 1
        answers.extend(o.name for o in qualifiers if o.name not in answers and _states(o, said[n]))
        if n > 0 and _POINTS_BACK.match(said[n]):
            picked.append((chunk.ordinal, 1000 + n - 1, said[n - 1]))
        picked.append((chunk.ordinal, 1000 + n, said[n]))
    text = " ".join(s for _, _, s in sorted(set(picked)))
    text = snippet(text, limit=FOCUS_LIMIT)
    return Focus(best, text, tuple(q.name for q in qualifiers if q.name in answers))


def _fit(text: str, qualifiers: Sequence[Qualifier]) -> list[str]:
    """The section's sentences; when it is longer than a snippet, its facts come first.

    Sentences are kept by how much of the question they state, best first, while they fit,
    then said in their own order, so the fact asked for is never the part cut off.
    """
    said = sentences(text)
    if len(snippet(text, limit=len(text))) <= _SECTION_LIMIT:
        return said
    scores = [weight(tuple(q.name for q in qualifiers if _states(q, s))) for s in said]
    order = sorted(range(len(said)), key=lambda n: (-scores[n], n))
    kept: list[int] = []
    used = 0
    for n in order:
        if used + len(said[n]) > _SECTION_LIMIT and kept:
            continue
        kept.append(n)
        used += len(said[n]) + 1
    return [said[n] for n in sorted(kept)]


def _sentence_stating(
    qualifier: Qualifier, chunks: Sequence[Chunk], best: Chunk, qualifiers: Sequence[Qualifier]
) -> tuple[Chunk, int, list[str]] | None:
    """The sentence of another section that states ``qualifier``, in the setting asked about.

    Scored by the asks the sentence itself states and the narrowing words of its section (the
    sentence's setting: "we add 0.5%" is about the app because its section is); the first
    section wins a tie.
    """
    found: tuple[int, Chunk, int, list[str]] | None = None
    for chunk in chunks:
        if chunk.id == best.id:
            continue
        said = sentences(chunk.text)
        setting = {
            name for name in _section_states(chunk, qualifiers) if BY_NAME[name].role == "narrow"
        }
        for n, sentence in enumerate(said):
            if not _states(qualifier, sentence):
                continue
            asks = {q.name for q in qualifiers if q.role == "ask" and _states(q, sentence)}
            score = weight(tuple(asks | setting))
            if found is None or score > found[0]:
                found = (score, chunk, n, said)
    return None if found is None else (found[1], found[2], found[3])


def best_answer(passages: Sequence[Passage]) -> Passage:
    """The first passage, unless a later one states more of what was asked and is as grounded.

    Retrieval's order is the evidence of topic; a later passage takes over only when it holds
    more of the asked fact (``answers``, asks counting twice) and its grounding score is no
    lower than the passage it replaces, so a passage about another topic that happens to name
    a fee or a weekend does not answer instead.
    """
    best = passages[0]
    for passage in passages[1:]:
        tie = ASK_TIE if _states_an_ask(passage) and not _states_an_ask(best) else GROUNDING_TIE
        if weight(passage.answers) > weight(best.answers) and passage.score >= best.score - tie:
            best = passage
    return best


def _states_an_ask(passage: Passage) -> bool:
    return any(n in BY_NAME and BY_NAME[n].role == "ask" for n in passage.answers)


#: Grounding scores this close are as grounded: "can I change my PIN at a cash machine in
#: Milan?" scores the cash machines' passage 0.689 and the PIN's, which says "you can't change
#: your PIN from abroad", 0.682.
GROUNDING_TIE = 0.01
#: A passage stating the fact asked for ("is my euro balance protected the same as my pounds?":
#: the FSCS article's, 0.557) answers over one nearer in topic that states none of it (the
#: currencies one can hold, 0.675) when its score is this close.
ASK_TIE = 0.15


def asked_fact(passage: Passage) -> str:
    """The sentences of a focused passage that hold an asked fact (a fee, a limit, how long).

    What a procedure's reply adds when it found nothing of the customer's to report ("no card
    on its way") but the question asked for a fact the cited article states. Empty when the
    passage states no ask.
    """
    asks = [BY_NAME[n] for n in passage.answers if n in BY_NAME and BY_NAME[n].role == "ask"]
    return " ".join(s for s in sentences(passage.snippet) if any(q.in_sentence(s) for q in asks))


def sections_stating_asks(ranked: Iterable[Chunk], qualifiers: Sequence[Qualifier]) -> list[Chunk]:
    """For each ask of the question, the first of the ``ranked`` sections stating it where asked.

    ``ranked`` is the retriever's section order (best first), over a deeper list of articles
    than it returns; a section it lists here is how an ask's fact, kept in an article the
    topic ranks lower (the fees article for "how much is a CHAPS payment"), reaches the
    answer. A section stating the ask in every setting the question names ("the most I can
    send in a day": a daily limit) comes before one stating it alone ("no limit on
    receiving money"); one section per article (its passage is focused on every ask anyway),
    best-ranked first.
    """
    asks = [q for q in qualifiers if q.role == "ask"]
    setting = {q.name for q in qualifiers if q.role == "narrow"}
    order: list[Chunk] = []
    first: dict[str, int] = {}
    where_asked: dict[str, int] = {}
    for chunk in ranked:
        if len(where_asked) == len(asks):
            break
        states = set(_section_states(chunk, qualifiers))
        for q in asks:
            if q.name in states:
                first.setdefault(q.name, len(order))
                if setting <= states:
                    where_asked.setdefault(q.name, len(order))
        order.append(chunk)
    found = sorted({where_asked.get(name, n) for name, n in first.items()})
    by_article: dict[str, Chunk] = {}
    for n in found:
        by_article.setdefault(order[n].article_id, order[n])
    return list(by_article.values())


def supporting_facts(
    answer: Passage, passages: Sequence[Passage], floor: float
) -> list[tuple[Passage, str]]:
    """Facts other passages add to ``answer``: what it leaves out of the question, each once.

    Two gaps are filled. An ask it does not state ("how much is a CHAPS payment and is it
    same day?", answered with the timing): its sentences from a passage stating it in the
    answer's setting (every narrowing qualifier the answer states, so a fee at the weekend is
    not completed by a fee on a weekday). And a setting it leaves out ("the most I can send in
    a day", answered with "no limit on receiving money"): the sentences stating the same ask
    from a passage stating it in that setting too. Of the passages scoring at least
    ``floor`` that fill a gap, the best grounded does; a sentence the answer says is not added.
    """
    said = set(sentences(answer.snippet))
    have = set(answer.answers)
    setting = {n for n in have if n in BY_NAME and BY_NAME[n].role == "narrow"}
    asked = [BY_NAME[n] for n in answer.answers if n in BY_NAME and BY_NAME[n].role == "ask"]
    gaps = [BY_NAME[n] for p in passages for n in p.answers if n in BY_NAME and n not in have]
    facts: dict[str, tuple[Passage, list[str]]] = {}
    for gap in dict.fromkeys(gaps):
        # An ask is filled by its own sentences; a setting, by the answer's asks stated in it.
        facts_of = [gap] if gap.role == "ask" else asked
        candidates = [
            p
            for p in passages
            if p.article_id != answer.article_id
            and gap.name in p.answers
            and setting <= set(p.answers)
            and any(q.name in p.answers for q in facts_of)
            and p.score >= floor
        ]
        if not candidates:
            continue
        best = max(candidates, key=lambda p: p.score)
        adds = [
            s
            for s in sentences(best.snippet)
            if any(_states(q, s) for q in facts_of) and s not in said
        ]
        if adds:
            _, kept = facts.setdefault(best.article_id, (best, []))
            kept.extend(s for s in adds if s not in kept)
    return [(p, " ".join(kept)) for p, kept in facts.values()]


def says_more(passage: Passage, than: Passage) -> bool:
    """``passage`` states every qualifier ``than`` states, and more: its fact is said first."""
    return set(than.answers) < set(passage.answers)
