"""The city's rules as they stand in the database: routing table and closures, read per transaction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from ..lifecycle.domain import Policy
from ..sla.workdays import WorkCalendar
from . import store
from .domain import RoutingTable


class Policies:
    """Builds the domain's Policy from the editable tables (a few dozen rows: read each time, so every
    replica follows an edit at once) and the settings' defaults."""

    def __init__(self, calendar: WorkCalendar, forward_days: int, follow_up_days: int) -> None:
        self.calendar = calendar
        self.forward_days = forward_days
        self.follow_up_days = follow_up_days

    async def current(self, session: AsyncSession) -> tuple[Policy, WorkCalendar]:
        calendar = self.calendar.with_closures({*self.calendar.closures, *await store.closure_days(session)})
        routing = RoutingTable(await store.rules(session))
        return Policy(routing, calendar.add_working_days, self.forward_days, self.follow_up_days), calendar
