"""``RESOLVE_MODEL=simulated``: the planner a benchmark of ``resolve serve`` runs on."""

from __future__ import annotations

from resolution_agent.agent import ResolutionAgent, Settings
from resolution_agent.agent.planning.llm import build_planner
from resolution_agent.agent.testing import ENGINE_MODEL, SimulatedPlanner
from resolution_agent.evals.model_check import model_spec_problem

LATENCY_S = 0.02


async def test_the_simulated_model_setting_plans_on_the_engine_and_waits_its_latency(
    settings: Settings,
) -> None:
    simulated = settings.model_copy(
        update={
            "model": "simulated",
            "simulated_latency_s": LATENCY_S,
            "llm_fast_path": False,
            "intent_classifier": "keywords",
            "retriever": "lexical",
        }
    )
    planner = build_planner(simulated)
    assert isinstance(planner, SimulatedPlanner)
    assert planner.models == [ENGINE_MODEL]
    await planner.aclose()

    async with ResolutionAgent(simulated) as agent:
        reply = await agent.handle_message("conv-sim", "cus_1001", "I've lost my card")

    assert model_spec_problem(simulated) is None
    assert ("freeze_card", "succeeded") in [(a.tool, a.outcome) for a in reply.actions]
    assert reply.usage is not None and reply.usage.calls >= 1
    # Each call sleeps its latency first, so the model time can only be longer.
    assert reply.usage.model_ms >= reply.usage.calls * LATENCY_S * 1000
