"""The Organisation type: an entity with a 统一社会信用代码."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from api.context import Info
from api.cursors import node_id
from api.types.common import Region
from api.types.subject import Node, Subject
from graph.access import OrganisationRow

if TYPE_CHECKING:
    from api.types.holdings import RoleHolding, Shareholding



@strawberry.type
class Organisation(Subject, Node):
    uscc: str
    uscc_checksum_valid: bool
    legal_form: str | None
    region: Region | None
    status: str | None
    established_on: date | None
    address: str | None

    @classmethod
    def from_row(cls, row: OrganisationRow, as_of: date) -> "Organisation":
        return cls(
            id=strawberry.ID(node_id("Organisation", row.uscc)), name=row.name, key=row.key, as_of=as_of,
            uscc=row.uscc, uscc_checksum_valid=bool(row.usccChecksumValid), legal_form=row.legalForm,
            region=Region.of(row.regionCode), status=row.status, established_on=row.establishedOn,
            address=row.address,
        )

    @strawberry.field
    async def legal_representatives(self, info: Info, include_history: bool | None = False) -> list[Annotated["RoleHolding", strawberry.lazy("api.types.holdings")]]:
        return await self._roles(info, "LEGAL_REPRESENTATIVE", include_history)

    @strawberry.field
    async def principals(self, info: Info, include_history: bool | None = False) -> list[Annotated["RoleHolding", strawberry.lazy("api.types.holdings")]]:
        return await self._roles(info, "PRINCIPAL", include_history)

    @strawberry.field(description="Executives (董监高) in office on the file's date.")
    async def executives(self, info: Info, include_history: bool | None = False) -> list[Annotated["RoleHolding", strawberry.lazy("api.types.holdings")]]:
        return await self._roles(info, "EXECUTIVE", include_history)

    @strawberry.field
    async def shareholders(self, info: Info, include_history: bool | None = False) -> list[Annotated["Shareholding", strawberry.lazy("api.types.holdings")]]:
        return await self._holdings(info, "SHAREHOLDER", include_history)

    @strawberry.field
    async def investments(self, info: Info, include_history: bool | None = False) -> list[Annotated["Shareholding", strawberry.lazy("api.types.holdings")]]:
        return await self._holdings(info, "INVESTMENT", include_history)

    async def _roles(self, info: Info, role: str, include_history: bool) -> list[Annotated["RoleHolding", strawberry.lazy("api.types.holdings")]]:
        from api.types.holdings import RoleHolding, roles_on

        rows = await info.context.loaders.roles.load(("ORGANISATION", self.uscc))
        return [RoleHolding.from_row(r, self.as_of) for r in roles_on(rows, self.as_of, include_history)
                if r.role == role]

    async def _holdings(self, info: Info, side: str, include_history: bool) -> list[Annotated["Shareholding", strawberry.lazy("api.types.holdings")]]:
        from api.types.holdings import Shareholding, roles_on

        rows = await info.context.loaders.holdings.load(self.uscc)
        return [Shareholding.from_row(r, self.as_of) for r in roles_on(rows, self.as_of, include_history)
                if r.side == side]
