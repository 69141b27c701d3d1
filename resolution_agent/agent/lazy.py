"""Package names that load on first use (PEP 562), for packages the CLI imports to register.

``resolve --help`` imports ``agent`` and each command's package; their public names pull in
LangGraph, the model SDKs, PyTorch and Chroma. A package lists where each name lives and
binds ``__getattr__``/``__dir__`` from :func:`lazy_names`, so only the names used are loaded.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(
    package: str, homes: Mapping[str, tuple[str, str]], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``homes`` maps each public name to
    (module, attribute); a loaded name is stored in ``namespace`` so later lookups are plain."""

    def getattr_(name: str) -> Any:
        try:
            module, attribute = homes[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module), attribute)
        namespace[name] = value
        return value

    def dir_() -> list[str]:
        return sorted({*namespace, *homes})

    return getattr_, dir_
