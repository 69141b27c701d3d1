"""What a support lead should do about an alert, per rule and kind of subject: one table."""

from __future__ import annotations

VOLUME = {
    "intent": "Check for a known issue behind this request (app, card scheme, a change we "
    "made); publish a status message or help-centre banner, and brief the queue.",
    "merchant": "Check the merchant's status with the card scheme and acquirer; if it is "
    "their outage, post a status message so customers stop retrying and calling.",
    "queue": "Move staff to this queue or raise its priority; look for a common cause in "
    "its newest cases.",
    "tool_failure": "Check the bank system behind this tool (health, recent deploys); "
    "conversations that needed it are being handed off.",
    "intent_region": "Check deliveries or services in this region with the supplier; tell "
    "customers there what to expect.",
}
NEW_CLUSTER = (
    "Read the examples: a new question the agent cannot answer. Add a help-centre article or "
    "an intent for it, and tell the queue what is going on."
)
SCAM_REPEAT = (
    "Possible scam campaign or mule account: pass the payee or link to the fraud team to "
    "block it, and warn customers in the app."
)
FIXED = "Look at the conversations behind the count."


def volume_action(kind: str) -> str:
    return VOLUME.get(kind, FIXED)
