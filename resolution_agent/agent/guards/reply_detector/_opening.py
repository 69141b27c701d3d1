"""The reply detector the settings ask for, opened and warm, or None when patterns decide alone."""

from __future__ import annotations

import structlog

from resolution_agent.agent.guards.reply_detector._detector import ReplyDetector
from resolution_agent.agent.settings import Settings

log = structlog.get_logger("resolution_agent.agent.guards")


def wants_reply_detector(settings: Settings, *, model_planner: bool) -> bool:
    """Whether replies get the learned second opinion; the one place the setting is read.

    'auto' scores only when a model plans (``model_planner``: an LLM or the simulated one)
    and MiniLM is open anyway for the intent classifier. The offline planner words every
    reply with one of our reviewed templates, so there is nothing hostile to score and the
    encode would only add to each turn's cost.
    """
    if settings.reply_detector == "auto":
        return model_planner and settings.intent_classifier == "embedding"
    return settings.reply_detector == "on"


async def open_reply_detector(settings: Settings, *, model_planner: bool) -> ReplyDetector | None:
    """Build the detector on the intent classifier's encoder and warm it up (trains once)."""
    if not wants_reply_detector(settings, model_planner=model_planner):
        return None
    from resolution_agent.agent.understanding.classifier import shared_encoder

    detector = ReplyDetector(
        settings.intent_models_dir,
        settings.project_root,
        shared_encoder(threads=settings.intent_threads),
    )
    if not detector.is_built():
        log.warning(
            "reply_detector_training",
            models_dir=str(settings.intent_models_dir),
            hint="first use on this models folder; about a minute, then cached",
        )
    await detector.warm_up()
    return detector
