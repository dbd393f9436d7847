"""The Person type: a natural person, shown with a masked ID number and an opaque id."""

from __future__ import annotations

from datetime import date

import strawberry

from api.context import Info
from api.cursors import node_id
from api.types.common import RecordFilter
from api.types.lazy import LazyAccountabilityConnection, LazyRoleHolding
from api.types.subject import Node, Subject, record_query
from graph.access import PersonRow
from graph.identifiers import mask_id_number


@strawberry.type
class Person(Subject, Node):
    id_number_masked: str = strawberry.field(description="First 6 and last 4 characters; the rest masked.")
    id_type: str = strawberry.field(description="RESIDENT_ID, PASSPORT or OTHER.")
    full_id_number: strawberry.Private[str]

    @strawberry.field(description="The full ID number: INVESTIGATOR and ADMIN only; the purpose is written to the "
                                  "access log (api/views.py, api/accesslog.py).")
    def id_number(self, purpose: str) -> str | None:
        return self.full_id_number

    @classmethod
    def from_row(cls, row: PersonRow, as_of: date) -> Person:
        return cls(id=strawberry.ID(node_id("Person", row.pid)), name=row.name, key=row.key, as_of=as_of,
                   id_number_masked=mask_id_number(row.idNumber), id_type=row.idType,
                   full_id_number=row.idNumber)

    @strawberry.field
    async def roles(self, info: Info, include_history: bool | None = False) -> list[LazyRoleHolding]:
        from api.types.holdings import RoleHolding, dated_on

        rows = await info.context.loaders.roles.load(("PERSON", self.key[1]))
        return [RoleHolding.from_row(r, self.as_of) for r in dated_on(rows, self.as_of, bool(include_history))]

    @strawberry.field(description="Records of organisations the person led on the decision date, and records "
                                  "naming the person as responsible (measure 八).")
    async def accountable_records(self, info: Info, filter: RecordFilter | None = None, first: int | None = 20,
                                  after: str | None = None) -> LazyAccountabilityConnection:
        from api.types.pagination import AccountabilityConnection

        query = record_query(info, self.key, self.as_of, filter, first, after)
        page = await info.context.loaders.accountable_page.load((query, self.key[1]))
        return AccountabilityConnection.from_page(page, query, self)
