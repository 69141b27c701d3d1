"""The registered routing policies, by the names the CLI and the service accept."""

from __future__ import annotations

from resolution_agent.agent.routing._baselines import FifoPolicy, GreedyPolicy
from resolution_agent.agent.routing._costs import CostWeights
from resolution_agent.agent.routing._errors import UnknownPolicyError
from resolution_agent.agent.routing._optimal import OptimalPolicy
from resolution_agent.agent.routing._round import Policy

POLICY_NAMES: tuple[str, ...] = ("fifo", "greedy", "optimal")


def make_policy(name: str, weights: CostWeights | None = None) -> Policy:
    """A fresh policy by name; ``weights`` only matter to the optimiser."""
    if name == "fifo":
        return FifoPolicy()
    if name == "greedy":
        return GreedyPolicy()
    if name == "optimal":
        return OptimalPolicy(weights)
    raise UnknownPolicyError(name, POLICY_NAMES)
