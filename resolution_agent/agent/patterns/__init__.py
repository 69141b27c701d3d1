"""Patterns across many conversations for support leads: signals recorded per turn,
detectors (volume spikes, new clusters of messages not understood, repeated scam details),
alerts that last as long as an incident, and a simulated stream to measure them on.
"""

from resolution_agent.agent.patterns.alerts import Alert, SeriesPoint, Severity
from resolution_agent.agent.patterns.signals import TurnSignal

__all__ = ["Alert", "SeriesPoint", "Severity", "TurnSignal"]
