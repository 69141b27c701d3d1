"""Optional dependencies (the package's extras): importing one, or saying what to install.

A deployment may leave out PostgreSQL (``postgres``) or the HTTP server (``serve``); the code
that needs them imports them only when it runs, through :func:`require`, so a missing extra
stops start-up with one line naming the pip command instead of a traceback from deep inside.
"""

from __future__ import annotations

import importlib
from typing import Literal

from resolution_agent.tools.errors import ConfigurationError

Extra = Literal["postgres", "serve"]
DISTRIBUTION = "resolution-agent"


def require(extra: Extra, *modules: str, needed_by: str) -> None:
    """Import ``modules`` (which ``extra`` installs); none missing, or ConfigurationError.

    ``needed_by`` says what asked for them (a setting, a command), so the message tells the
    reader why the extra matters to what they just did.
    """
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError:
            raise ConfigurationError(
                f"{needed_by} needs {module!r}, which is not installed; "
                f"install it with: pip install '{DISTRIBUTION}[{extra}]'"
            ) from None
