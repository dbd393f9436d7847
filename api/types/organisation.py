"""The Organisation type: an entity with a 统一社会信用代码."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import strawberry
from strawberry.types.nodes import SelectedField

from api.context import Info
from api.cursors import node_id
from api.errors import UserError
from api.types.common import Region
from api.types.lazy import LazyRoleHolding, LazyShareholding
from api.types.subject import Node, Subject, record_query
from graph.access import OrganisationRow


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
    def from_row(cls, row: OrganisationRow, as_of: date) -> Organisation:
        return cls(
            id=strawberry.ID(node_id("Organisation", row.uscc)), name=row.name, key=row.key, as_of=as_of,
            uscc=row.uscc, uscc_checksum_valid=bool(row.usccChecksumValid), legal_form=row.legalForm,
            region=Region.of(row.regionCode), status=row.status, established_on=row.establishedOn,
            address=row.address,
        )

    @strawberry.field
    async def legal_representatives(self, info: Info, include_history: bool | None = False) -> list[LazyRoleHolding]:
        return await self._roles(info, "LEGAL_REPRESENTATIVE", include_history)

    @strawberry.field
    async def principals(self, info: Info, include_history: bool | None = False) -> list[LazyRoleHolding]:
        return await self._roles(info, "PRINCIPAL", include_history)

    @strawberry.field(description="Executives (董监高) in office on the file's date.")
    async def executives(self, info: Info, include_history: bool | None = False) -> list[LazyRoleHolding]:
        return await self._roles(info, "EXECUTIVE", include_history)

    @strawberry.field
    async def shareholders(self, info: Info, include_history: bool | None = False) -> list[LazyShareholding]:
        return await self._holdings(info, "SHAREHOLDER", include_history)

    @strawberry.field
    async def investments(self, info: Info, include_history: bool | None = False) -> list[LazyShareholding]:
        return await self._holdings(info, "INVESTMENT", include_history)

    async def _roles(self, info: Info, role: str, include_history: bool | None) -> list[LazyRoleHolding]:
        from api.types.holdings import RoleHolding, dated_on

        rows = await info.context.loaders.roles.load(("ORGANISATION", self.uscc))
        return [RoleHolding.from_row(r, self.as_of) for r in dated_on(rows, self.as_of, bool(include_history))
                if r.role == role]

    async def _holdings(self, info: Info, side: str, include_history: bool | None) -> list[LazyShareholding]:
        from api.types.holdings import Shareholding, dated_on

        rows = await info.context.loaders.holdings.load(self.uscc)
        return [Shareholding.from_row(r, self.as_of) for r in dated_on(rows, self.as_of, bool(include_history))
                if r.side == side]


def prefetch(info: Info, uscc: str, as_of: date) -> None:
    """Start the loads of the organisation's selected children together with the organisation itself, so that
    a credit file takes one level of round trips less. Children asked with arguments other than `first` and
    `includeHistory` are left to their resolvers."""
    loaders, key = info.context.loaders, ("ORGANISATION", uscc)
    starters: dict[str, Callable[[dict[str, Any]], Awaitable[object]]] = {
        "legalRepresentatives": lambda a: loaders.roles.load(key), "principals": lambda a: loaders.roles.load(key),
        "executives": lambda a: loaders.roles.load(key), "shareholders": lambda a: loaders.holdings.load(uscc),
        "investments": lambda a: loaders.holdings.load(uscc),
        "listEntries": lambda a: loaders.entries_of_subject.load(key),
        "measures": lambda a: loaders.entries_of_subject.load(key),
        "riskLevel": lambda a: loaders.risk_inputs.load((as_of, key)),
        "records": lambda a: loaders.records_page.load(
            (record_query(info, key, as_of, None, _int(a.get("first", 20)), None), key)),
    }
    for field in info.selected_fields[0].selections:
        if not isinstance(field, SelectedField) or field.name not in starters:
            continue
        if set(field.arguments) - {"first", "includeHistory", "activeOnly"}:
            continue
        try:
            future = asyncio.ensure_future(starters[field.name](field.arguments))
        except (UserError, ValueError, TypeError):
            continue  # a bad argument: the field's resolver will say what is wrong
        future.add_done_callback(lambda f: f.cancelled() or f.exception())  # errors surface in the resolvers


def _int(value: object) -> int:
    """An argument as the selection gives it (literals come as text); TypeError for anything else."""
    if isinstance(value, int | str):
        return int(value)
    raise TypeError(f"not a number: {value!r}")
