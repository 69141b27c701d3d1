"""Tools the planner may call: declarations, the async banking client, and the mock bank.

This package never imports :mod:`agent`.
"""

from tools.client import BankClient, BankRetryPolicy
from tools.declarations import TOOLS, TOOLS_BY_NAME, ToolArgs, ToolSpec, get_tool
from tools.errors import (
    BankError,
    ConfigurationError,
    DataFileError,
    ResolveError,
    UnknownToolError,
)
from tools.models import ToolFailure, ToolResult

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
