"""Test doubles, in one place: what tests, evals and benchmarks drive the agent with.

- :class:`ScriptedModel` (``scripted_model``): a strict scripted language model; it fails on
  an unexpected call and can assert that every scripted step was used.
- :class:`CompromisedPlanner` (``compromised_planner``): a planner that always proposes the
  attacker's action, for the red-team suite (``resolve redteam --model compromised``).
- :class:`HostileServer` (``hostile_server``, answers in ``hostile_answers``): an
  OpenAI-compatible model server on a loopback socket that answers as a hostile, broken or
  overloaded model would (a :data:`Behaviour`), for driving the agent through the real SDK.
- :class:`SimulatedPlanner` (re-exported from ``agent.planning.simulated``, where it lives
  because ``RESOLVE_MODEL=simulated`` selects it for load tests): the LLM planner on a
  deterministic model that answers with the offline engine's step, for measuring the LLM path
  with no network.

Nothing on the conversation path imports this package; it imports the agent.
"""

from resolution_agent.agent.planning.simulated import (
    ENGINE_MODEL,
    EngineModel,
    SimulatedPlanner,
)
from resolution_agent.agent.testing.compromised_planner import CompromisedPlanner
from resolution_agent.agent.testing.hostile_answers import BEHAVIOURS, Behaviour, Tuning
from resolution_agent.agent.testing.hostile_server import HostileServer, ServerLimits
from resolution_agent.agent.testing.scripted_model import (
    ScriptedModel,
    ScriptStep,
    UnexpectedModelCall,
    call,
    text_response,
    tool_response,
)

__all__ = [
    "BEHAVIOURS",
    "ENGINE_MODEL",
    "Behaviour",
    "CompromisedPlanner",
    "EngineModel",
    "HostileServer",
    "ScriptStep",
    "ScriptedModel",
    "ServerLimits",
    "SimulatedPlanner",
    "Tuning",
    "UnexpectedModelCall",
    "call",
    "text_response",
    "tool_response",
]
