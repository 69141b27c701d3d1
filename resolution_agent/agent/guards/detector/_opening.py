"""The detector the settings ask for, opened and warm, or None when the rules decide alone."""

from __future__ import annotations

import structlog

from resolution_agent.agent.guards.detector._detector import InjectionDetector
from resolution_agent.agent.settings import Settings

log = structlog.get_logger("resolution_agent.agent.guards")


def wants_detector(settings: Settings) -> bool:
    """'auto' follows the intent classifier: with MiniLM open anyway, the signal is cheap."""
    if settings.injection_detector == "auto":
        return settings.intent_classifier == "embedding"
    return settings.injection_detector == "learned"


async def open_injection_detector(settings: Settings) -> InjectionDetector | None:
    """Build the detector on the intent classifier's encoder and warm it up (trains once)."""
    if not wants_detector(settings):
        return None
    from resolution_agent.agent.understanding.classifier import shared_encoder

    detector = InjectionDetector(
        settings.intent_models_dir,
        settings.project_root,
        shared_encoder(threads=settings.intent_threads),
        threshold=settings.injection_threshold,
    )
    if not detector.is_built():
        log.warning(
            "injection_detector_training",
            models_dir=str(settings.intent_models_dir),
            hint="first use on this models folder; about half a minute, then cached",
        )
    await detector.warm_up()
    return detector
