"""HTTP status and retry-after headers to model errors, shared by the provider adapters."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from resolution_agent.agent.models._errors import (
    ModelError,
    ModelRateLimitedError,
    ModelRequestError,
    ModelServerError,
)

_RETRYABLE_STATUS = frozenset({408, 409})


def retry_after_seconds(headers: Mapping[str, str], *, now: datetime | None = None) -> float | None:
    """Seconds the provider asked us to wait: ``retry-after-ms``, then ``retry-after``."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(float(millis) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


def status_error(
    provider: str, status: int, message: str, headers: Mapping[str, str]
) -> ModelError:
    """The model error for an HTTP error status from ``provider``."""
    retry_after = retry_after_seconds(headers)
    text = f"{provider} answered HTTP {status}: {message}"[:500]
    if status == 429:
        return ModelRateLimitedError(text, retry_after=retry_after)
    if status >= 500 or status in _RETRYABLE_STATUS:
        return ModelServerError(text, status=status, retry_after=retry_after)
    return ModelRequestError(text, status=status)
