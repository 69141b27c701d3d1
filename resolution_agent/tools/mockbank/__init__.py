"""The in-process mock of the bank's API: seeded state, fault injection, idempotency."""

from resolution_agent.tools.mockbank.app import create_app
from resolution_agent.tools.mockbank.bank import BankApiError, MockBank
from resolution_agent.tools.mockbank.faults import FaultRule
from resolution_agent.tools.mockbank.seed import BankState, apply_patch, load_seed

__all__ = [
    "BankApiError",
    "BankState",
    "FaultRule",
    "MockBank",
    "apply_patch",
    "create_app",
    "load_seed",
]
