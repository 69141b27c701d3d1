"""The parts of an agent that no conversation, bank or clock changes, opened once for many agents.

An agent opened on its own loads its policies, compiles its templates, checks the files
against each other, opens the retriever, the intent model and the learned detectors (whose
cache keys hash their training text: ~0.1 s each time) and builds the output guard's
reference texts. That is most of the cost of opening an agent, and an eval suite opens one
agent per scenario run so that each run has its own bank, clock and storage. The parts here
depend only on the settings' folders and models, so they are opened once per process
(:func:`open_shared_parts`) and handed to every agent (``ResolutionAgent(shared=...)``);
each agent still builds its own bank client, storage, metrics and graph.

Every part is read-only once open, so agents that run at the same time in one process share
them; the templates are compiled on first use into Jinja's cache, once for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from resolution_agent.agent.consistency import check_startup
from resolution_agent.agent.guards.output import OutputReference, output_reference
from resolution_agent.agent.planning import Planner
from resolution_agent.agent.planning.llm import LLMPlanner
from resolution_agent.agent.policies import Policies, load_policies
from resolution_agent.agent.retrieval import Retriever, build_retriever
from resolution_agent.agent.retrieval.base import WarmsUp
from resolution_agent.agent.settings import Settings
from resolution_agent.agent.templates import Templates
from resolution_agent.agent.understanding import IntentClassifier
from resolution_agent.agent.understanding.factory import open_intent_classifier

if TYPE_CHECKING:  # scikit-learn is imported only when a detector is opened
    from resolution_agent.agent.guards.detector import InjectionDetector
    from resolution_agent.agent.guards.reply_detector import ReplyDetector


def plans_with_model(settings: Settings, planner: Planner | None) -> bool:
    """Whether an agent with ``settings`` and ``planner`` (None: the one the settings build,
    ``planning.llm.build_planner``) plans with a model."""
    if planner is not None:
        return isinstance(planner, LLMPlanner)
    return settings.planner_model() is not None


async def open_reply_detector(settings: Settings, *, model_planner: bool) -> ReplyDetector | None:
    """The output guard's learned detector the settings ask for with such a planner, or None."""
    # imported here: scikit-learn loads only for an agent that uses the detector
    from resolution_agent.agent.guards.reply_detector import open_reply_detector as opening

    return await opening(settings, model_planner=model_planner)


@dataclass(frozen=True, slots=True)
class SharedParts:
    """Opened once by :func:`open_shared_parts`; read-only afterwards."""

    policies: Policies
    templates: Templates
    retriever: Retriever
    classifier: IntentClassifier
    detector: InjectionDetector | None
    reply_detector: ReplyDetector | None
    #: Whether ``reply_detector`` was chosen for a model planner (the settings may open it only
    #: then); an agent whose planner is of the other kind opens its own choice.
    model_planner: bool
    output_reference: OutputReference


async def open_shared_parts(
    settings: Settings,
    *,
    model_planner: bool,
    policies: Policies | None = None,
    retriever: Retriever | None = None,
    classifier: IntentClassifier | None = None,
) -> SharedParts:
    """Open every part, checked and warm, as an agent with ``settings`` would.

    ``model_planner``: whether the agents' planner is a model (it decides whether the output
    guard's learned detector is opened). ``policies``, ``retriever`` and ``classifier``
    replace the settings' own (a red-team run plants articles in its retriever).
    """
    from resolution_agent.agent.guards.detector import open_injection_detector

    policies = policies or load_policies(settings.policies_dir)
    templates = Templates(settings.prompts_dir)
    check_startup(settings, policies, templates)  # cross-file references, before any work
    retriever = retriever or build_retriever(settings)
    if isinstance(retriever, WarmsUp):
        await retriever.warm_up()
    return SharedParts(
        policies=policies,
        templates=templates,
        retriever=retriever,
        classifier=classifier or await open_intent_classifier(settings, policies),
        detector=await open_injection_detector(settings),
        reply_detector=await open_reply_detector(settings, model_planner=model_planner),
        model_planner=model_planner,
        output_reference=output_reference(settings.fixtures_dir / "help", templates, policies),
    )


__all__ = ["SharedParts", "open_reply_detector", "open_shared_parts", "plans_with_model"]
