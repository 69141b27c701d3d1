"""The conversation graph, wired in exactly one place.

Its shape, as Mermaid, is committed in ``docs/graph.mmd`` (and drawn in the README); a test
compares it with the compiled graph. Regenerate it after changing the wiring with
``scripts/draw-graph > docs/graph.mmd``. In short:

ingest -> input_guard -> understand -> decide --+--> retrieve -> plan <-> action_guard -> act
                                                |       |         |
                                                |       |         +--> output_guard -> respond
                                                +--> clarify -> output_guard
                                                |       ^  (unsure, no passage grounded)
                                                |       +--- retrieve
                                                +--> escalate -> respond

(ingest goes straight to respond when it already has a reply, and plan may also escalate;
output_guard goes to next_request, and from there back to decide, when the reply finished one
request of a message that holds several.)
The routers return ``Literal`` destinations; the conditional edges are derived from them.
They are coroutines although they only read the state: LangGraph runs a plain function given
to an async graph in a worker thread, which cost a thread hop per routing decision (nine in
a lost-card turn).
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal, get_args

import structlog
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Durability
from pydantic import BaseModel

from resolution_agent.agent import handoff_model
from resolution_agent.agent import state as state_models
from resolution_agent.agent.nodes.act import act
from resolution_agent.agent.nodes.action_guard import action_guard
from resolution_agent.agent.nodes.clarify import clarify
from resolution_agent.agent.nodes.decide import decide
from resolution_agent.agent.nodes.deps import Deps
from resolution_agent.agent.nodes.escalate import escalate
from resolution_agent.agent.nodes.ingest import ingest
from resolution_agent.agent.nodes.input_guard import input_guard
from resolution_agent.agent.nodes.next_request import has_next_request, next_request
from resolution_agent.agent.nodes.output_guard import output_guard
from resolution_agent.agent.nodes.plan import plan
from resolution_agent.agent.nodes.respond import respond
from resolution_agent.agent.nodes.retrieve import retrieve
from resolution_agent.agent.nodes.understand import understand
from resolution_agent.agent.observability import node_span
from resolution_agent.agent.state import (
    ConversationState,
    ProposeEscalate,
    ProposeReply,
    ProposeTool,
)
from resolution_agent.tools import models as tool_models

log = structlog.get_logger("resolution_agent.agent.graph")

NodeFn = Callable[[ConversationState, Deps], Awaitable[dict[str, Any]]]

#: Every run of the graph writes each step's checkpoint before the next step starts.
#: LangGraph's default ("async") saves in the background while the next node runs, so ``act``
#: could send a write to the bank while the step before it (the customer's "yes") was still
#: unsaved, and a failing save surfaced only after the bank had acted. "sync" makes a failing
#: save stop the turn before the next node, so nothing reaches the bank unless the
#: conversation up to it is stored.
DURABILITY: Durability = "sync"


def checkpoint_serializer() -> JsonPlusSerializer:
    """A serializer that revives exactly our own state models from checkpoints, nothing else."""
    allowed: list[type[BaseModel]] = []
    for module in (state_models, handoff_model, tool_models):
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseModel) and obj.__module__ == module.__name__:
                allowed.append(obj)
    return JsonPlusSerializer(allowed_msgpack_modules=allowed)


def _bind(fn: NodeFn, deps: Deps) -> Callable[[ConversationState], Awaitable[dict[str, Any]]]:
    name = fn.__name__

    async def node(state: ConversationState) -> dict[str, Any]:
        started = time.perf_counter()
        with (
            structlog.contextvars.bound_contextvars(node=name),
            node_span(deps.tracer, name, conversation_id=state.conversation_id, turn=state.turn),
        ):
            try:
                update = await fn(state, deps)
            finally:
                elapsed = time.perf_counter() - started
                deps.metrics.observe_node(name, elapsed)
            log.debug("node_done", turn=state.turn, duration_ms=round(elapsed * 1000, 2))
        return update

    node.__name__ = fn.__name__
    return node


AfterIngest = Literal["respond", "input_guard"]
AfterDecide = Literal["escalate", "clarify", "retrieve"]
AfterRetrieve = Literal["clarify", "plan"]
AfterPlan = Literal["action_guard", "output_guard", "escalate"]
AfterActionGuard = Literal["act", "plan"]
AfterOutputGuard = Literal["next_request", "respond"]


async def _after_ingest(state: ConversationState) -> AfterIngest:
    return "respond" if state.this_turn.reply is not None else "input_guard"


async def _after_decide(state: ConversationState) -> AfterDecide:
    assert state.this_turn.decision is not None
    route = state.this_turn.decision.route
    if route == "escalate":
        return "escalate"
    if route == "clarify":
        return "clarify"
    return "retrieve"


async def _after_retrieve(state: ConversationState) -> AfterRetrieve:
    decision = state.this_turn.decision
    return "clarify" if decision is not None and decision.route == "clarify" else "plan"


async def _after_plan(state: ConversationState) -> AfterPlan:
    proposal = state.this_turn.proposal
    if isinstance(proposal, ProposeTool):
        return "action_guard"
    if isinstance(proposal, ProposeReply):
        return "output_guard"
    assert isinstance(proposal, ProposeEscalate)
    return "escalate"


async def _after_action_guard(state: ConversationState) -> AfterActionGuard:
    assert state.this_turn.guard is not None
    return "act" if state.this_turn.guard.verdict == "allow" else "plan"


async def _after_output_guard(state: ConversationState) -> AfterOutputGuard:
    return "next_request" if has_next_request(state) else "respond"


Builder = StateGraph[ConversationState, None, ConversationState, ConversationState]
Compiled = CompiledStateGraph[ConversationState, None, ConversationState, ConversationState]
Node = Callable[[ConversationState], Awaitable[dict[str, Any]]]


def _wire(bind: Callable[[NodeFn], Node]) -> Builder:
    builder: Builder = StateGraph(ConversationState)
    nodes: dict[str, NodeFn] = {
        "ingest": ingest,
        "input_guard": input_guard,
        "understand": understand,
        "decide": decide,
        "clarify": clarify,
        "retrieve": retrieve,
        "plan": plan,
        "action_guard": action_guard,
        "act": act,
        "output_guard": output_guard,
        "next_request": next_request,
        "escalate": escalate,
        "respond": respond,
    }
    for name, fn in nodes.items():
        builder.add_node(name, bind(fn))  # type: ignore[call-overload]
    builder.add_edge(START, "ingest")
    builder.add_conditional_edges("ingest", _after_ingest, list(get_args(AfterIngest)))
    builder.add_edge("input_guard", "understand")
    builder.add_edge("understand", "decide")
    builder.add_conditional_edges("decide", _after_decide, list(get_args(AfterDecide)))
    builder.add_edge("clarify", "output_guard")
    builder.add_conditional_edges("retrieve", _after_retrieve, list(get_args(AfterRetrieve)))
    builder.add_conditional_edges("plan", _after_plan, list(get_args(AfterPlan)))
    builder.add_conditional_edges(
        "action_guard", _after_action_guard, list(get_args(AfterActionGuard))
    )
    builder.add_edge("act", "plan")
    builder.add_conditional_edges(
        "output_guard", _after_output_guard, list(get_args(AfterOutputGuard))
    )
    builder.add_edge("next_request", "decide")
    builder.add_edge("escalate", "respond")
    builder.add_edge("respond", END)
    return builder


def build_graph(deps: Deps, checkpointer: BaseCheckpointSaver[Any]) -> Compiled:
    return _wire(lambda fn: _bind(fn, deps)).compile(checkpointer=checkpointer)


def _never_run(fn: NodeFn) -> Node:
    async def node(state: ConversationState) -> dict[str, Any]:
        raise RuntimeError(f"node {fn.__name__!r} of a graph built only to be drawn was run")

    node.__name__ = fn.__name__
    return node


def draw_mermaid() -> str:
    """The graph's shape as Mermaid, as committed in ``docs/graph.mmd`` (newline-terminated).

    Wired by the same code as :func:`build_graph`, with nodes that are never run.
    """
    return _wire(_never_run).compile().get_graph().draw_mermaid().rstrip("\n") + "\n"
