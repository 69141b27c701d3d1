"""Errors of the model layer: what can go wrong when a planner asks a language model.

    ResolveError (tools.errors)
    ├── ConfigurationError (tools.errors)   a model spec or provider key is wrong
    └── ModelError                           a model call gave no usable answer
        ├── ModelTransientError              worth retrying; ``retry_after`` when the provider said
        │   ├── ModelRateLimitedError        429 rate limit
        │   ├── ModelServerError             5xx, 529 overloaded, 408 or 409 from the provider
        │   └── ModelConnectionError         no connection, or the request timed out
        ├── ModelRequestError                the provider refused the request (auth, bad request);
        │                                    retrying the same request will not help
        ├── ModelResponseError               the provider answered with something we cannot read
        └── ModelUnavailableError            retries are used up: the caller should fall back

A model's *answer* that is unusable (a refusal, invalid tool arguments) is not an exception:
it is a typed :class:`agent.models.ModelResponse` that the planner judges.
"""

from __future__ import annotations

from resolution_agent.tools.errors import ResolveError


class ModelError(ResolveError):
    """A model call did not produce a usable response."""


class ModelTransientError(ModelError):
    """A failure that may go away: retry, after ``retry_after`` seconds when it is known."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class ModelRateLimitedError(ModelTransientError):
    """The provider rate-limited us (HTTP 429)."""


class ModelServerError(ModelTransientError):
    """The provider failed (HTTP 5xx, overloaded, request timeout or lock conflict)."""

    def __init__(self, message: str, *, status: int, retry_after: float | None = None) -> None:
        self.status = status
        super().__init__(message, retry_after=retry_after)


class ModelConnectionError(ModelTransientError):
    """The provider could not be reached, or did not answer in time."""


class ModelRequestError(ModelError):
    """The provider refused the request; check the model name, the API key and the request."""

    def __init__(self, message: str, *, status: int) -> None:
        self.status = status
        super().__init__(message)


class ModelResponseError(ModelError):
    """The provider's answer could not be read (a protocol or SDK validation failure)."""


#: What reading an answer that is not the provider's format raises inside an SDK or in our
#: mapping of it: truncated JSON (``JSONDecodeError``, a ``ValueError``), a body of HTML
#: handed back as a string (``AttributeError`` on ``.choices``), fields of the wrong type or
#: missing. Each adapter turns these into :class:`ModelResponseError`, so a garbage answer
#: takes the fallback chain like any other unusable one instead of crashing the turn.
UNREADABLE_ANSWER: tuple[type[Exception], ...] = (ValueError, TypeError, AttributeError, KeyError)


def unreadable(name: str, exc: Exception) -> ModelResponseError:
    return ModelResponseError(f"{name} answered with something unreadable ({type(exc).__name__})")


class ModelUnavailableError(ModelError):
    """A model could not answer after the retries allowed; fall back to something else."""
