"""The project's exception hierarchy, rooted at :class:`ResolveError`.

Everything the agent, the tools and the eval suite raise on purpose derives from
``ResolveError``, so a caller can catch one type. Signals the planner reacts to (a tool that
failed, a guard that blocked) are *not* exceptions: they are typed results in the state.

    ResolveError
    ├── ConfigurationError        a settings value, policy file or fixture is wrong
    │   └── DataFileError         a data file (YAML, Markdown, CSV) is malformed: names file and key
    ├── BankError                 the banking API could not be used at all (bad URL, closed client)
    ├── UnknownToolError          a tool name that no declaration has
    └── (agent.errors adds conversation and input errors)

Messages say what went wrong and what to do about it.
"""

from __future__ import annotations

from pathlib import Path


class ResolveError(Exception):
    """Root of every exception raised on purpose by this project."""


class ConfigurationError(ResolveError):
    """A setting, policy or fixture is invalid; fix the named item and start again."""


class DataFileError(ConfigurationError):
    """A data file is malformed. The message names the file and the key at fault."""

    def __init__(self, path: Path | str, problem: str, *, key: str | None = None) -> None:
        self.path = Path(path)
        self.key = key
        self.problem = problem
        where = f"{self.path}" + (f" (key {key!r})" if key else "")
        super().__init__(f"{where}: {problem}")


class BankError(ResolveError):
    """The banking API cannot be used at all (not a per-call failure, which is a result)."""


class UnknownToolError(ResolveError):
    """A tool name was asked for that no declaration provides."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        super().__init__(f"unknown tool {name!r}; known tools: {', '.join(sorted(known))}")
