"""ListEntry (名单): a listing decision, active from listedOn until removal or the end of its validity."""

from __future__ import annotations

from datetime import date

import strawberry

from api import views
from api.context import Info
from api.cursors import node_id
from api.types.common import Agency
from api.types.enums import ListType
from api.types.lazy import LazyPush
from api.types.record import CreditRecord
from api.types.subject import Node, Subject, load_subject
from graph.access import EntryRow
from graph.rules import entry_active


@strawberry.type
class ListEntry(Node):
    entry_id: str
    list_type: ListType
    domain: str
    listed_on: date
    valid_until: date | None
    valid_until_basis: str | None = strawberry.field(
        description="SOURCE when the source gave 有效期至, else DEFAULT_3_YEARS.")
    removed_on: date | None
    reason: str | None
    authority: Agency | None
    active: bool
    row: strawberry.Private[EntryRow]
    as_of: strawberry.Private[date]

    @classmethod
    def from_row(cls, row: EntryRow, as_of: date) -> ListEntry:
        return cls(
            id=strawberry.ID(node_id("ListEntry", row.entryId)), entry_id=row.entryId, list_type=ListType(row.listType),
            domain=row.domain, listed_on=row.listedOn, valid_until=row.validUntil,
            valid_until_basis=row.validUntilBasis,
            removed_on=row.removedOn if row.removedOn and row.removedOn <= as_of else None, reason=row.reason,
            authority=Agency.of(row.authorityName, row.authorityUscc),
            active=entry_active(as_of, row.listedOn, row.validUntil, row.removedOn), row=row, as_of=as_of,
        )

    @strawberry.field
    async def subject(self, info: Info) -> Subject:
        return await load_subject(info, self.row.subjectKind, self.row.subjectId, self.as_of)

    @strawberry.field(description="True on the file's date while an objection against it is under review.")
    async def under_objection(self, info: Info) -> bool:
        from api.types.repair import under_objection

        return await under_objection(info, "ENTRY", self.entry_id, self.as_of)

    @strawberry.field
    async def based_on(self, info: Info) -> CreditRecord | None:
        if not self.row.recordId:
            return None
        found = await info.context.loaders.record_by_id.load((self.as_of, self.row.recordId))
        if found is None or not views.record_view(info.context.principal, found.subject.key).shows(
                found.record.status, found.record.authorityUscc):
            return None  # not decided yet on the date, or not in the caller's view (api/views.py)
        return CreditRecord.from_row(found.record, self.as_of)

    @strawberry.field(description="The pushes made for this entry (visible to the listing authority, INVESTIGATOR "
                                  "and ADMIN).")
    async def pushes(self, info: Info) -> list[LazyPush]:
        from api.types.push import entry_pushes

        return await entry_pushes(info, self.row, self.as_of)
