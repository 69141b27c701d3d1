"""Holding numpy's BLAS to one thread while a message is scored.

Why: scoring one message is a handful of matrix-vector products (microseconds), but OpenBLAS
hands each to its thread pool, and on a busy 2-core machine waking those threads cost ~8 ms a
message, more than the rest of inference. The limit is scoped to the call (10 µs to set), so
the rest of the process keeps its BLAS threads.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from typing import Any

from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped, unused-ignore]

_controller: Any = None
_lock = threading.Lock()


def one_blas_thread() -> AbstractContextManager[Any]:
    """A context in which BLAS calls run on the calling thread only."""
    return blas_threads(1)


def blas_threads(count: int) -> AbstractContextManager[Any]:
    """A context in which BLAS calls use at most ``count`` threads (MiniLM's setting)."""
    global _controller
    with _lock:
        if _controller is None:
            _controller = ThreadpoolController()
        controller = _controller
    limited: AbstractContextManager[Any] = controller.limit(limits=count, user_api="blas")
    return limited
