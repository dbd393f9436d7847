"""The root Query type."""

from __future__ import annotations

import strawberry

from api.context import Info
from api.types.organisation import Organisation


@strawberry.type
class Query:
    @strawberry.field(description="An organisation by its 统一社会信用代码.")
    async def organisation(self, info: Info, uscc: str) -> Organisation | None:
        row = await info.context.loaders.organisation.load(uscc.strip().upper())
        return Organisation.from_row(row) if row else None
