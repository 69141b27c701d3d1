"""``PAT-SCAM-REPEAT``: the same payee, link or phrase in scam reports from several
conversations: a mule account or a phishing campaign rather than one unlucky customer.

Over a sliding window (a day), each payee, link and four-word phrase of the scam reports
(turns with the ``scam`` risk signal) counts the distinct conversations that mention it. Three
or more is a finding while new reports keep coming (one in the last hour). Payees and links
are specific enough as they are; a phrase counts only when the history before the window
rarely saw it (the learning period counts at once, later reports as they leave the window),
since every scam report says "I've been scammed". Phrases of conversations
already behind a payee or link finding add nothing and are left out.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime

from resolution_agent.agent.patterns.actions import SCAM_REPEAT
from resolution_agent.agent.patterns.alerts import SeriesPoint, Severity
from resolution_agent.agent.patterns.buckets import (
    MAX_CONVERSATIONS,
    MAX_EXAMPLES,
    Bucket,
    Finding,
)
from resolution_agent.agent.patterns.signals import TurnSignal

RULE_ID = "PAT-SCAM-REPEAT"
_WORD = re.compile(r"[a-z0-9£']+")


@dataclass(frozen=True, slots=True)
class ScamConfig:
    window_buckets: int = 144
    active_buckets: int = 6
    min_conversations: int = 3
    phrase_words: int = 4
    #: A phrase seen in more conversations than this before the window is common talk.
    phrase_history_max: int = 1


@dataclass(slots=True)
class _Mentions:
    conversations: dict[str, int] = field(default_factory=dict)  # id -> bucket last seen
    texts: deque[str] = field(default_factory=lambda: deque(maxlen=MAX_EXAMPLES))


def phrases(text: str, n: int) -> set[str]:
    """Word ``n``-grams, amounts and numbers as ``#`` (a repeated script, not a repeated sum)."""
    words = ["#" if any(ch.isdigit() for ch in w) else w for w in _WORD.findall(text.lower())]
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


class ScamRepeats:
    """The ``PAT-SCAM-REPEAT`` detector."""

    rule_id = RULE_ID

    def __init__(self, config: ScamConfig | None = None) -> None:
        self.config = config or ScamConfig()
        self._mentions: dict[str, _Mentions] = {}
        #: (bucket, report, whether its phrases already joined the history)
        self._reports: deque[tuple[int, TurnSignal, bool]] = deque()
        self._history: Counter[str] = Counter()
        self._starts: deque[tuple[int, datetime]] = deque(maxlen=self.config.active_buckets * 2)
        self._buckets = 0

    def _features(self, signal: TurnSignal) -> set[str]:
        found = {f"payee:{p}" for p in signal.payees} | {f"link:{u}" for u in signal.links}
        found |= {f"phrase:{p}" for p in phrases(signal.text, self.config.phrase_words)}
        return found

    def observe(self, bucket: Bucket) -> list[Finding]:
        c = self.config
        index = self._buckets
        self._buckets += 1
        self._starts.append((index, bucket.start))
        touched: set[str] = set()
        for signal in bucket.signals:
            if "scam" not in signal.risk_signals:
                continue
            self._reports.append((index, signal, bucket.learning))
            for feature in self._features(signal):
                if bucket.learning and feature.startswith("phrase:"):
                    self._history[feature] += 1  # what is learned is history at once
                mentions = self._mentions.setdefault(feature, _Mentions())
                mentions.conversations[signal.conversation_id] = index
                if signal.text:
                    mentions.texts.append(signal.text)
                touched.add(feature)
        self._expire(index)
        if bucket.learning:
            return []
        active = [
            (feature, m)
            for feature, m in self._mentions.items()
            if len(m.conversations) >= c.min_conversations
            and max(m.conversations.values()) > index - c.active_buckets
            and (
                not feature.startswith("phrase:") or self._history[feature] <= c.phrase_history_max
            )
        ]
        findings = []
        covered: set[str] = set()
        for feature, m in sorted(active, key=lambda fm: (fm[0].startswith("phrase:"), fm[0])):
            ids = set(m.conversations)
            if feature.startswith("phrase:") and len(ids & covered) * 2 >= len(ids):
                continue
            covered |= ids
            findings.append(self._finding(feature, m, index))
        return findings

    def _expire(self, index: int) -> None:
        """Reports older than the window leave it; their phrases join the history."""
        while self._reports and self._reports[0][0] <= index - self.config.window_buckets:
            old_index, signal, counted = self._reports.popleft()
            for feature in self._features(signal):
                mentions = self._mentions.get(feature)
                if feature.startswith("phrase:") and not counted:
                    self._history[feature] += 1
                if mentions is None:
                    continue
                if mentions.conversations.get(signal.conversation_id) == old_index:
                    del mentions.conversations[signal.conversation_id]
                if not mentions.conversations:
                    del self._mentions[feature]

    def _finding(self, subject: str, m: _Mentions, index: int) -> Finding:
        n = len(m.conversations)
        kind, _, value = subject.partition(":")
        severity: Severity = "high" if n >= 5 else "medium"
        counts = Counter(m.conversations.values())
        series = tuple(
            SeriesPoint(start=start, observed=counts.get(i, 0), expected=0.0)
            for i, start in self._starts
        )
        ids = sorted(m.conversations, key=m.conversations.__getitem__)
        return Finding(
            rule_id=RULE_ID,
            subject=subject,
            title=f"scam reports naming the same {kind} '{value}' in {n} conversations today",
            severity=severity,
            observed=n,
            expected=0.0,
            suggested_action=SCAM_REPEAT,
            examples=tuple(dict.fromkeys(reversed(m.texts)))[:MAX_EXAMPLES],
            conversation_ids=tuple(ids[-MAX_CONVERSATIONS:]),
            series=series,
        )
