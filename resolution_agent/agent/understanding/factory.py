"""The intent classifier the settings ask for, opened and ready to answer.

Shared by the agent (one per agent unless the caller passes one) and by callers that open many
agents, such as the eval runner, which open it once and hand the same instance to each agent.
"""

from __future__ import annotations

import structlog

from resolution_agent.agent.policies import Policies
from resolution_agent.agent.settings import Settings
from resolution_agent.agent.understanding.base import IntentClassifier
from resolution_agent.agent.understanding.keywords import KeywordIntentClassifier

log = structlog.get_logger("resolution_agent.agent.understanding")


async def open_intent_classifier(settings: Settings, policies: Policies) -> IntentClassifier:
    """Build the configured classifier and warm it up: model resolved, MiniLM opened.

    Warming up at start keeps the first customer's turn as fast as any other. The first start
    on a fresh models folder also trains the model of the shipped utterances (about a minute on
    two cores, then cached by data hash); that is logged so nobody thinks the process hung.
    """
    if settings.intent_classifier == "keywords":
        return KeywordIntentClassifier()
    from resolution_agent.agent.understanding.classifier import build_intent_classifier

    classifier = build_intent_classifier(
        settings.intent_models_dir,
        settings.project_root,
        known_intents=set(policies.intents),
        threads=settings.intent_threads,
    )
    if not classifier.is_built():
        log.warning(
            "intent_model_training",
            models_dir=str(settings.intent_models_dir),
            hint="first use on this models folder; `resolve intents train` builds it ahead",
        )
    await classifier.warm_up()
    return classifier
