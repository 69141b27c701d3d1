"""What a reply talks about and how: off topic, abusive, fraud instructions, another identity,
our own prompt or policy text.

These recognise what a jailbroken or confused model may write, which no template of ours
does. The phrase patterns live in ``policies/output.yaml``; the two measures that need
reference text (our banking vocabulary, our prompt and policy wording) read it from an
:class:`OutputReference`, built once per agent from the help centre, the reply templates and
the policy files, so no reply pays for building it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from resolution_agent.agent.policies import OffTopicRule, PromptLeakRule

#: The kinds of reply the learned signal (``guards.reply_detector``) scores, in the order the
#: output guard checks their rules.
ReplyKind = Literal["fraud_instructions", "abuse", "identity", "off_topic"]
REPLY_KINDS: tuple[ReplyKind, ...] = ("fraud_instructions", "abuse", "identity", "off_topic")

# A content word: four letters or more (stop words are shorter or common to any text), not
# capitalised, so merchant, payee and place names in a reply neither count for nor against it.
_CONTENT_WORD = re.compile(r"(?<![\w'])[a-z][a-z'-]{3,}(?![\w'])")
_ANY_WORD = re.compile(r"[a-z0-9']+")
# Warnings name the thing to avoid: "never launder", "don't let anyone use your account".
_WARNING = re.compile(
    r"(?:\b(?:never|not|no one|nobody|don't|do not|won't|will not|refuse|avoid|prevent|stop|"
    r"protect|warn|report|fraudsters|scammers|criminals)\b|n't\b)[^.!?]{0,40}$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class OutputReference:
    """Our own text, for measuring a reply against: ``bank_words`` are the content words of
    the help centre and the reply templates; ``wording`` holds every run of ``run_words``
    words (:func:`plain_words`) of the policy prose and ``public`` every run of our public
    texts, each run within one text, so a reply's run is looked up in a set, not searched for
    in the whole prose."""

    bank_words: frozenset[str]
    run_words: int
    wording: frozenset[str]
    public: frozenset[str]

    @classmethod
    def build(
        cls, ours: Sequence[str], wording: Iterable[str], *, run_words: int
    ) -> OutputReference:
        """``ours``: texts we show customers (help articles, reply templates, the labels a
        customer picks from); ``wording``: the policy files' prose (``Policies.wording``),
        which no reply may reproduce unless the same words are also in ``ours``;
        ``run_words``: the length of a shared run (``PromptLeakRule.shingle_words``)."""
        words: set[str] = set()
        for text in ours:
            words.update(w.strip("'-") for w in _CONTENT_WORD.findall(text.lower()))
        return cls(
            frozenset(words),
            run_words,
            frozenset(r for text in wording for r in runs(text, run_words)),
            frozenset(r for text in ours for r in runs(text, run_words)),
        )


def runs(text: str, n: int) -> list[str]:
    """Every run of ``n`` consecutive words of ``text`` (:func:`plain_words`), in order."""
    words = plain_words(text).split()
    return [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]


@dataclass(frozen=True, slots=True)
class LearnedVerdict:
    """What the learned signal saw in one reply: each kind it flagged, with its score.

    Computed before :func:`~resolution_agent.agent.guards.output.check_output` (the encode
    runs in a worker thread; the check itself stays synchronous) and read by the rule of each
    kind beside its patterns.
    """

    flagged: tuple[tuple[ReplyKind, float], ...] = ()

    def score(self, kind: ReplyKind) -> float | None:
        """The score of ``kind`` when the signal flagged it, else None."""
        return next((s for k, s in self.flagged if k == kind), None)


def plain_words(text: str) -> str:
    """Lower-case words separated by single spaces: what shingles are cut from."""
    return " ".join(_ANY_WORD.findall(text.lower().replace("’", "'")))


def bank_share(text: str, reference: OutputReference) -> tuple[int, float]:
    """How many content words ``text`` has, and the share of them our own texts use."""
    words = [w.strip("'-") for w in _CONTENT_WORD.findall(text)]
    if not words:
        return 0, 1.0
    known = sum(1 for w in words if w.lower() in reference.bank_words)
    return len(words), known / len(words)


def off_topic(text: str, rule: OffTopicRule, reference: OutputReference | None) -> str | None:
    """Why ``text`` is not about the customer's banking with us, or None; without a
    ``reference`` only the patterns are checked."""
    for pattern in rule.patterns:
        if pattern.search(text):
            return f"matches {pattern.pattern[:40]!r}"
    if reference is None:
        return None
    count, share = bank_share(text, reference)
    if count >= rule.min_words and share < rule.min_bank_share:
        return f"{share:.0%} of {count} content words are banking words"
    return None


def first_match(text: str, patterns: Sequence[re.Pattern[str]]) -> str | None:
    """The pattern that matches ``text`` first, or None."""
    for pattern in patterns:
        if pattern.search(text):
            return pattern.pattern
    return None


def fraud_instruction(text: str, patterns: Sequence[re.Pattern[str]]) -> str | None:
    """The first fraud or evasion instruction in ``text``; a warning ("never let anyone use
    your account to move money") is not one."""
    for pattern in patterns:
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 60) : match.start()]
            if not _WARNING.search(before):
                return match.group(0)
    return None


def leaked(
    text: str, prompts: Iterable[str], rule: PromptLeakRule, reference: OutputReference
) -> int:
    """How many runs of ``reference.run_words`` words ``text`` shares with ``prompts`` (the
    system prompt as the model would see it) and our policy wording, leaving out runs that
    our public texts hold too (a help-centre title that an intent's description repeats);
    0 below ``rule.min_shared``.

    The policy's runs are a set built once per agent; the prompt, which changes with the
    conversation, is searched as a phrase, so nothing is built per reply beyond its own runs.
    """
    found = runs(text, reference.run_words)
    if not found:
        return 0
    prompt = _joined(prompts)
    shared = sum(
        1
        for run in found
        if (run in reference.wording or f" {run} " in prompt) and run not in reference.public
    )
    return shared if shared >= rule.min_shared else 0


def _joined(texts: Iterable[str]) -> str:
    return " " + " | ".join(plain_words(t) for t in texts if t.strip()) + " "
