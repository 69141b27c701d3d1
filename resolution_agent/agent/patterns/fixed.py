"""``FIXED-THRESHOLD``: the detector a team writes first, kept as the benchmark's yardstick.

A subject fires when its count in one bucket reaches ``factor`` times its mean per bucket over
the learning period (at least ``min_count``): no hour of day, no day of week, no meaning.
Besides the volume subjects it counts all messages not understood and all scam reports, its
only view of new questions and scam campaigns.
"""

from __future__ import annotations

from collections import Counter

from resolution_agent.agent.patterns.actions import FIXED
from resolution_agent.agent.patterns.buckets import MAX_CONVERSATIONS, Bucket, Finding
from resolution_agent.agent.patterns.volume import subjects_of

RULE_ID = "FIXED-THRESHOLD"


class FixedThresholds:
    rule_id = RULE_ID

    def __init__(self, *, factor: float = 3.0, min_count: int = 10) -> None:
        self._factor = factor
        self._min_count = min_count
        self._sums: Counter[str] = Counter()
        self._learned = 0

    def observe(self, bucket: Bucket) -> list[Finding]:
        ids: dict[str, dict[str, None]] = {}
        for signal in bucket.signals:
            subjects = subjects_of(signal)
            if not signal.understood:
                subjects.add("not_understood:all")
            if "scam" in signal.risk_signals:
                subjects.add("scam_reports:all")
            for subject in subjects:
                ids.setdefault(subject, {})[signal.conversation_id] = None
        if bucket.learning:
            self._learned += 1
            self._sums.update({s: len(c) for s, c in ids.items()})
            return []
        findings = []
        for subject, conversations in ids.items():
            mean = self._sums[subject] / max(self._learned, 1)
            threshold = max(self._min_count, self._factor * mean)
            if len(conversations) >= threshold:
                findings.append(
                    Finding(
                        rule_id=RULE_ID,
                        subject=subject,
                        title=f"{subject}: {len(conversations)} conversations, threshold "
                        f"{threshold:.0f}",
                        severity="medium",
                        observed=len(conversations),
                        expected=round(mean, 2),
                        suggested_action=FIXED,
                        conversation_ids=tuple(conversations)[-MAX_CONVERSATIONS:],
                    )
                )
        return findings
