"""The webhook worker: POST each due outbox payload to the channel's webhook, signed.

Each request carries ``X-Resolve-Delivery: <id>`` (a receiver drops an id it has seen: a
payload can arrive twice if the process stops between the POST and recording it, or when
several workers share one PostgreSQL outbox) and ``X-Resolve-Signature: sha256=<hex>``, the
HMAC-SHA256 of the raw body under the webhook secret. A 2xx marks it delivered; anything else
is retried after 1 s, 2 s, 4 s ... (at most 5 min) until ``max_attempts``, then left alone.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import structlog

from resolution_agent.agent.storage import Delivery, OutboundDeliveries

log = structlog.get_logger("resolution_agent.agent.service.delivery")

BATCH = 50
MAX_BACKOFF = timedelta(minutes=5)
#: Where an abandoned delivery's next attempt is put: never due again, still in the outbox.
NEVER = datetime(9999, 1, 1, tzinfo=UTC)

Clock = Callable[[], datetime]


def signature(secret: bytes, body: bytes) -> str:
    """The ``X-Resolve-Signature`` header value of ``body``."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def backoff(failures: int) -> timedelta:
    """The wait after the ``failures``-th failed attempt: 1 s, 2 s, 4 s ... at most 5 min."""
    if failures >= 20:  # 2**19 s is far past the cap already
        return MAX_BACKOFF
    return min(timedelta(seconds=2 ** max(failures - 1, 0)), MAX_BACKOFF)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class WebhookWorker:
    """Delivers the outbox to one webhook; :meth:`run_once` is one pass, :meth:`run` loops."""

    def __init__(
        self,
        deliveries: OutboundDeliveries,
        client: httpx.AsyncClient,
        *,
        url: str,
        secret: bytes,
        max_attempts: int = 8,
        clock: Clock = _utc_now,
        interval_s: float = 1.0,
    ) -> None:
        self._deliveries = deliveries
        self._client = client
        self._url = url
        self._secret = secret
        self._max_attempts = max_attempts
        self._clock = clock
        self._interval_s = interval_s

    async def run_once(self) -> int:
        """Try every delivery due now (at most :data:`BATCH`); how many were delivered."""
        delivered = 0
        for delivery in await self._deliveries.due(self._clock(), BATCH):
            if await self._deliver(delivery):
                delivered += 1
        return delivered

    async def run(self) -> None:
        """Call :meth:`run_once` every ``interval_s`` until cancelled; a failing pass is logged."""
        while True:
            try:
                await self.run_once()
            except Exception as exc:  # the storage may be briefly away; the next pass retries
                log.warning("webhook_pass_failed", error=type(exc).__name__)
            await asyncio.sleep(self._interval_s)

    async def _deliver(self, delivery: Delivery) -> bool:
        body = delivery.payload.encode()
        headers = {
            "Content-Type": "application/json",
            "X-Resolve-Delivery": str(delivery.id),
            "X-Resolve-Signature": signature(self._secret, body),
        }
        outcome: str
        try:
            response = await self._client.post(self._url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            outcome = type(exc).__name__
        else:
            if response.is_success:
                await self._deliveries.mark_delivered(delivery.id, self._clock())
                log.info(
                    "webhook_delivered", delivery_id=delivery.id, attempts=delivery.attempts + 1
                )
                return True
            outcome = f"http_{response.status_code}"
        failures = delivery.attempts + 1
        if failures >= self._max_attempts:
            await self._deliveries.mark_failed(delivery.id, NEVER)
            log.error(
                "webhook_abandoned",
                delivery_id=delivery.id,
                conversation_id=delivery.conversation_id,
                attempts=failures,
                outcome=outcome,
            )
        else:
            await self._deliveries.mark_failed(delivery.id, self._clock() + backoff(failures))
            log.warning(
                "webhook_failed", delivery_id=delivery.id, attempts=failures, outcome=outcome
            )
        return False
