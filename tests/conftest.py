"""Suite-wide test settings.

Agents in tests get a fresh ``data_dir`` each, but the trained intent model is keyed by the
hash of its data and settings, so they all share one models folder: trained once per clone
(about a minute), then loaded in milliseconds. A test that is about the cache itself sets
``RESOLVE_MODELS_DIR`` (or passes a folder) to its own tmp path.
"""

from __future__ import annotations

import os

from resolution_agent.agent.settings import PROJECT_ROOT

os.environ.setdefault("RESOLVE_MODELS_DIR", str(PROJECT_ROOT / ".data" / "models"))
