"""Payment schemes: how long a sent transfer takes, as the help centre tells the customer.

One table serves both uses of the fact, so they cannot drift apart: the reply that explains a
sent payment says its scheme's time in the article's words ("transfer-timing"), and a payment
past that time whose recipient's bank has already been asked is traced by a person, the
article's last step ("transfer-not-received": "message us in the app chat and we'll trace
the payment").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scheme:
    """A scheme's time to arrive: in the reply's words, and in working days to count with."""

    #: follows "Your payment ... was sent on Monday 16 November"
    said: str
    #: working days after the day it was sent by which it has arrived
    working_days: int


SCHEMES: dict[str, Scheme] = {
    "faster_payments": Scheme("by Faster Payments, which usually arrive within 2 hours", 1),
    "chaps": Scheme(
        "by CHAPS, which arrives on the same working day if it's sent before the cut-off time", 1
    ),
    "bacs": Scheme("by Bacs, which takes 3 working days", 3),
    "international": Scheme("as an international transfer, which can take 1 to 5 working days", 5),
}
