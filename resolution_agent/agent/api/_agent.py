"""``ResolutionAgent``: the customer turns and the COp desk over one set of dependencies."""

from __future__ import annotations

from resolution_agent.agent.api._turns import CustomerTurns
from resolution_agent.agent.desk._api import CopDesk
from resolution_agent.agent.desk.approvals import ApprovalDesk
from resolution_agent.agent.desk.patterns import PatternDesk


class ResolutionAgent(CustomerTurns, CopDesk, ApprovalDesk, PatternDesk):
    """The resolution agent, used as ``async with ResolutionAgent(settings) as agent:``.

    Customers' messages go to :meth:`handle_message` (or :meth:`stream`); COps work the
    handed-off cases through :meth:`list_cases`, :meth:`claim_case`, :meth:`cop_reply` and
    :meth:`close_case`, and decide the actions the agent may not take alone through
    :meth:`list_proposals`, :meth:`approve_proposal` and :meth:`reject_proposal`; support
    leads see patterns across conversations through :meth:`pattern_alerts`.
    """
