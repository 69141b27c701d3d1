"""The COp desk: the case store COps work from, and the agent's methods over it.

The agent's desk methods (``list_cases``, ``claim_case``, ``cop_reply``, ``close_case``,
``get_case``, ``routing_suggestions``, ``next_case_for``) live in ``agent.desk._api``, the
support lead's ``pattern_alerts`` in ``agent.desk.patterns``; all are reached through
:class:`agent.ResolutionAgent`. The console (:mod:`agent.console`) and the
router (:mod:`agent.routing`) stay packages of their own.
"""

from resolution_agent.agent.desk.cases import Case, CaseStatus, CaseStore

__all__ = ["Case", "CaseStatus", "CaseStore"]
