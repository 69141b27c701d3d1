"""Tools the planner may call: declarations, the async banking client, and the mock bank.

This package never imports :mod:`agent`.
"""

from resolution_agent.tools.client import BankClient, BankRetryPolicy
from resolution_agent.tools.declarations import TOOLS, TOOLS_BY_NAME, ToolArgs, ToolSpec, get_tool
from resolution_agent.tools.errors import (
    BankError,
    ConfigurationError,
    DataFileError,
    ResolveError,
    UnknownToolError,
)
from resolution_agent.tools.models import ToolFailure, ToolResult

__all__ = [
    "TOOLS",
    "TOOLS_BY_NAME",
    "BankClient",
    "BankError",
    "BankRetryPolicy",
    "ConfigurationError",
    "DataFileError",
    "ResolveError",
    "ToolArgs",
    "ToolFailure",
    "ToolResult",
    "ToolSpec",
    "UnknownToolError",
    "get_tool",
]
