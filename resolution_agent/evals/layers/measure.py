"""The layers ``resolve redteam`` was asked to measure, one after another, with progress lines.

Each layer brings its own data and takes seconds to minutes, so each is one progress line on
stderr (``agent.progress``) while stdout keeps the report.
"""

from __future__ import annotations

import asyncio

from resolution_agent.agent.progress import progress
from resolution_agent.agent.settings import Settings
from resolution_agent.evals.layers import LayerFigures
from resolution_agent.evals.layers.hostile_model import measure_hostile_model
from resolution_agent.evals.layers.input_detection import Banking77, measure_input_detection
from resolution_agent.evals.layers.output_guard import measure_output_guard


def measure_layers(
    settings: Settings,
    *,
    guards: bool,
    banking77: Banking77 | None = None,
    hostile_per_suite: int = 0,
    concurrency: int = 8,
    time_limit_s: float = 300.0,
) -> LayerFigures | None:
    """The input detector and output guard when ``guards``, and the hostile model server over
    ``hostile_per_suite`` scenarios of each suite per behaviour (``chaos`` too) when above 0;
    None when neither was asked for.

    Raises ``DataFileError`` when a layer's own data cannot be read.
    """
    if not guards and hostile_per_suite <= 0:
        return None
    detection = output = hostile = None
    if guards:
        with progress("measuring the input detector and output guard", unit="layers") as task:
            task.update(0, 2)
            detection = measure_input_detection(settings, banking77=banking77)
            task.update(1)
            output = measure_output_guard(settings)
            task.update(2)
    if hostile_per_suite > 0:
        with progress("agent behind the hostile model server", unit="scenario runs") as task:
            hostile = asyncio.run(
                measure_hostile_model(
                    settings,
                    per_behaviour=hostile_per_suite,
                    chaos_per_suite=hostile_per_suite,
                    concurrency=concurrency,
                    time_limit_s=time_limit_s,
                    progress=task.update,
                )
            )
    return LayerFigures(input_detection=detection, output_guard=output, hostile_model=hostile)


__all__ = ["measure_layers"]
