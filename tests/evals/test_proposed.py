"""``expect.proposed``: a scenario states which calls the agent proposes for staff approval."""

from __future__ import annotations

from resolution_agent.agent.settings import PROJECT_ROOT, Settings
from resolution_agent.evals.loader import ToolExpectation, load_suite
from resolution_agent.evals.suite import run_scenarios

SHIPPED = PROJECT_ROOT / "fixtures" / "scenarios" / "disputes.yaml"
OVER_LIMIT = "dsp-over-limit-proposed-16"


async def test_an_over_limit_dispute_is_graded_as_proposed_and_a_wrong_one_fails(
    settings: Settings,
) -> None:
    [scenario] = [s for s in load_suite([SHIPPED]) if s.id == OVER_LIMIT]
    wrong = scenario.model_copy(
        update={
            "id": "proposes-the-wrong-record",
            "expect": scenario.expect.model_copy(
                update={
                    "proposed": [
                        ToolExpectation(name="raise_dispute", args={"transaction_id": "txn_x"})
                    ]
                }
            ),
        }
    )

    right_run, wrong_run = await run_scenarios([scenario, wrong], settings, concurrency=2)

    assert right_run.passed, right_run.failures
    assert wrong_run.failures == [
        "proposed: raise_dispute(transaction_id=txn_x) was not proposed in order "
        "(proposed: raise_dispute)"
    ]
