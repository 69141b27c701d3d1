"""The hostile replies of ``fixtures/output/hostile_replies.yaml``: what a jailbroken model
may write, by kind, with the output rule that must replace each. One loader, for the output
guard's tests and ``benchmarks/output_guard.py``."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from resolution_agent.agent.settings import PROJECT_ROOT
from resolution_agent.tools.errors import DataFileError

HOSTILE_REPLIES = PROJECT_ROOT / "fixtures" / "output" / "hostile_replies.yaml"


class HostileReply(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1)
    rule: str | None = None  # when an earlier rule than the kind's stops it


class HostileKind(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str
    replies: list[HostileReply | str] = Field(min_length=1)

    def cases(self) -> list[tuple[str, str]]:
        """Each reply with the rule that must stop it."""
        return [
            (r, self.rule) if isinstance(r, str) else (r.text, r.rule or self.rule)
            for r in self.replies
        ]


class HostileReplies(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kinds: dict[str, HostileKind]


def load_hostile_replies(path: Path = HOSTILE_REPLIES) -> HostileReplies:
    """Read and validate the hostile replies file."""
    try:
        return HostileReplies.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(path, f"cannot be read: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        raise DataFileError(path, first["msg"], key=".".join(str(p) for p in first["loc"])) from exc


__all__ = ["HOSTILE_REPLIES", "HostileKind", "HostileReplies", "load_hostile_replies"]
