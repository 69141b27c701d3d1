"""``ResolutionAgent``: the customer turns and the COp desk over one set of dependencies."""

from __future__ import annotations

from resolution_agent.agent.api._turns import CustomerTurns
from resolution_agent.agent.desk._api import CopDesk


class ResolutionAgent(CustomerTurns, CopDesk):
    """The resolution agent, used as ``async with ResolutionAgent(settings) as agent:``.

    Customers' messages go to :meth:`handle_message` (or :meth:`stream`); COps work the
    handed-off cases through :meth:`list_cases`, :meth:`claim_case`, :meth:`cop_reply` and
    :meth:`close_case`.
    """
