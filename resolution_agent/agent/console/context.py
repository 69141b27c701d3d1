"""What every console route needs: the open agent, the templates and the known skills.

One frozen object handed to the route builders, so routes never reach for globals and a test
can build an app per test against its own store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi.responses import HTMLResponse

from resolution_agent.agent.api import ResolutionAgent
from resolution_agent.agent.templates import Templates

COP_COOKIE = "resolve_cop_id"


@dataclass(frozen=True)
class Console:
    agent: ResolutionAgent
    templates: Templates
    skills: tuple[str, ...]

    def now(self) -> datetime:
        """The agent's "now" (a fixed clock in tests), so "overdue" matches the SLA it set."""
        return self.agent.settings.clock or datetime.now(UTC)

    def page(self, name: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(
            self.templates.render(f"console/{name}", **context), status_code=status_code
        )
