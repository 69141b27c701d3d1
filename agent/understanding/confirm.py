"""Reading a customer's yes or no to the agent's own question.

Only a short reply counts: a long message that happens to contain "yes" is a new request,
and text that quotes a dialogue ("[assistant]: ... [customer]: yes") is never a confirmation.
"""

from __future__ import annotations

import re
from typing import Literal

_YES = re.compile(
    r"^\s*(yes|yeah|yep|yup|ya|yea|ye|yh|aye|y|ok|okay|sure|please do|go ahead|do it|correct|"
    r"that'?s right|"
    r"confirm(ed)?|absolutely|definitely|yes please|please)\b",
    re.I,
)
_NO = re.compile(
    r"^\s*(no|nope|nah|n|don'?t|do not|cancel that|not now|leave it|no thanks|"
    r"stop)\b",
    re.I,
)
_QUOTED_DIALOGUE = re.compile(
    r"\[(assistant|agent|system|bot|customer|user)\]|"
    r"^(assistant|agent|system|bot)\s*:",
    re.I | re.M,
)


def read_confirmation(text: str) -> Literal["yes", "no"] | None:
    if len(text) > 120 or _QUOTED_DIALOGUE.search(text):
        return None
    if _NO.search(text):
        return "no"
    if _YES.search(text):
        return "yes"
    return None
