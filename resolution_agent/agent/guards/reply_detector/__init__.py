"""The learned reply detector: the output guard's second signal, beside its patterns.

The patterns (``policies/output.yaml``) stop the wordings someone wrote down; this stops what
a jailbroken model writes in words nobody listed: replies off topic, abusive, instructing
fraud or claiming another identity. Importing it is cheap; MiniLM is opened and the models
trained or read on first use.
"""

from resolution_agent.agent.guards.reply_detector._data import (
    MIN_BENIGN,
    MIN_PER_KIND,
    MIN_WORDS,
    ReplyTraining,
    benign,
    hostile,
    kind_training,
    long_enough,
    read_training,
)
from resolution_agent.agent.guards.reply_detector._detector import ReplyDetector
from resolution_agent.agent.guards.reply_detector._model import TARGET_FP
from resolution_agent.agent.guards.reply_detector._opening import (
    open_reply_detector,
    wants_reply_detector,
)

__all__ = [
    "MIN_BENIGN",
    "MIN_PER_KIND",
    "MIN_WORDS",
    "TARGET_FP",
    "ReplyDetector",
    "ReplyTraining",
    "benign",
    "hostile",
    "kind_training",
    "long_enough",
    "open_reply_detector",
    "read_training",
    "wants_reply_detector",
]
