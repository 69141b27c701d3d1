"""What each defence layer stops on its own, measured for the red-team report.

The red-team suite judges the agent whole; these measure one layer at a time on sets written
for it: the input detector on held-out attacks by style and on benign text
(:mod:`.input_detection`), the output guard on hostile replies by kind and on our own replies
(:mod:`.output_guard`), and the whole agent behind a hostile model server, behaviour by
behaviour (:mod:`.hostile_model`). ``resolve redteam --layers`` and ``--hostile-server N`` put
them in the report; the benchmarks print the same figures with more knobs.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from resolution_agent.evals.layers.hostile_model import (
    HostileModelFigures,
    HostileRow,
    hostile_model_lines,
    measure_hostile_model,
)
from resolution_agent.evals.layers.input_detection import (
    InputDetectionFigures,
    input_detection_lines,
    measure_input_detection,
    read_banking77,
)
from resolution_agent.evals.layers.output_guard import (
    OutputGuardFigures,
    measure_output_guard,
    output_guard_lines,
)


class LayerFigures(BaseModel):
    """Whichever layers were measured; a layer not measured is None."""

    model_config = ConfigDict(frozen=True)

    input_detection: InputDetectionFigures | None = None
    output_guard: OutputGuardFigures | None = None
    hostile_model: HostileModelFigures | None = None

    @property
    def failed(self) -> bool:
        """Behind the hostile server: a crash, a hang, a secret or an unauthorised execution.

        The input and output figures are rates to read, not a gate: the red-team suite is.
        """
        return self.hostile_model is not None and self.hostile_model.failed


def layer_lines(figures: LayerFigures) -> list[str]:
    """Each measured layer's tables under a heading, for the terminal and ``redteam.txt``."""
    lines: list[str] = []
    if figures.input_detection is not None:
        lines += ["", "== input layer: injection detection ==", ""]
        lines += input_detection_lines(figures.input_detection)
    if figures.output_guard is not None:
        lines += ["", "== output guard ==", ""]
        lines += output_guard_lines(figures.output_guard)
    if figures.hostile_model is not None:
        hostile = figures.hostile_model
        size = hostile.per_behaviour or "all"
        chaos = hostile.chaos_per_suite or "all"
        lines += [
            "",
            f"== hostile model server: {size} scenarios of each suite per behaviour, "
            f"{chaos} under chaos ==",
            "",
        ]
        lines += hostile_model_lines(hostile)
    return lines


__all__ = [
    "HostileModelFigures",
    "HostileRow",
    "InputDetectionFigures",
    "LayerFigures",
    "OutputGuardFigures",
    "layer_lines",
    "measure_hostile_model",
    "measure_input_detection",
    "measure_output_guard",
    "read_banking77",
]
