"""What the nodes need, created once per agent and passed in explicitly (no globals)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from opentelemetry.trace import Tracer
from pydantic import JsonValue

from resolution_agent.agent.audit import AuditEvent, AuditLog, EventKind
from resolution_agent.agent.desk.cases import CaseStore
from resolution_agent.agent.desk.proposals import ProposalStore
from resolution_agent.agent.guards.output import OutputReference
from resolution_agent.agent.observability import Metrics, no_tracer
from resolution_agent.agent.planning.base import IntentChooser, Planner, PlanningContext
from resolution_agent.agent.policies import Policies
from resolution_agent.agent.retrieval.base import Retriever
from resolution_agent.agent.settings import Settings
from resolution_agent.agent.templates import Templates
from resolution_agent.agent.understanding.base import IntentClassifier
from resolution_agent.tools.client import BankClient
from resolution_agent.tools.directory import CustomerDirectory

if TYPE_CHECKING:  # scikit-learn is imported only when a detector is opened
    from resolution_agent.agent.guards.detector import InjectionDetector
    from resolution_agent.agent.guards.reply_detector import ReplyDetector


@dataclass(frozen=True, slots=True)
class Deps:
    settings: Settings
    policies: Policies
    templates: Templates
    classifier: IntentClassifier
    retriever: Retriever
    planner: Planner
    bank: BankClient
    clock: Callable[[], datetime]
    audit: AuditLog
    cases: CaseStore
    metrics: Metrics = field(default_factory=Metrics)
    tracer: Tracer = field(default_factory=no_tracer)
    # The input guard's learned second signal; None: the rules alone decide.
    detector: InjectionDetector | None = None
    # The output guard's learned second signal; None: its patterns alone decide.
    reply_detector: ReplyDetector | None = None
    # Every customer's identifiers, for the output guard's by-value check (the mock bank's;
    # None on a bank that offers no directory: tool results are then all it checks against).
    directory: CustomerDirectory | None = None
    # Our own texts the output guard measures replies against, built once per agent
    # (``guards.output.output_reference``); None builds it for each reply.
    output_reference: OutputReference | None = None
    # Where a hand-off stores the call the guard stopped for a person (agent.desk.proposals);
    # None: the case is handed off without one (deps built by hand, without storage).
    proposals: ProposalStore | None = None
    # Picks among the likeliest intents before a clarifying question (the LLM planner);
    # None: the question is asked (the offline default).
    chooser: IntentChooser | None = None

    def planning(self) -> PlanningContext:
        return PlanningContext(
            policies=self.policies,
            templates=self.templates,
            now=self.clock(),
            grounding_threshold=self.settings.grounding_threshold,
            out_of_scope_grounding=self.settings.out_of_scope_grounding,
        )

    async def record(
        self,
        conversation_id: str,
        turn: int,
        kind: EventKind,
        rule_id: str,
        **detail: JsonValue,
    ) -> None:
        """Append one audit event (guard decision, tool call, reply incident, escalation).

        Guard blocks and hand-offs are counted here, where every one of them is recorded.
        """
        await self.audit.append(
            AuditEvent(
                conversation_id=conversation_id,
                turn=turn,
                at=self.clock(),
                kind=kind,
                rule_id=rule_id,
                detail=detail,
            )
        )
        self.metrics.observe_audit(kind, rule_id, detail)
