"""Data access: named queries in, plain dataclasses out. The API never sees a driver record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import queries
from graph.driver import Graph


@dataclass(frozen=True)
class OrganisationRow:
    uscc: str
    name: str
    usccChecksumValid: bool = True
    legalForm: str | None = None
    regionCode: str | None = None
    status: str | None = None
    establishedOn: date | None = None
    address: str | None = None

    @classmethod
    def from_props(cls, props: dict) -> "OrganisationRow":
        return cls(**{k: props.get(k) for k in cls.__dataclass_fields__ if k in props})


async def organisations(graph: Graph, usccs: list[str]) -> list[OrganisationRow | None]:
    rows = await graph.run(queries.get("organisation_by_uscc"), usccs=usccs)
    found = {row["org"]["uscc"]: OrganisationRow.from_props(row["org"]) for row in rows}
    return [found.get(uscc) for uscc in usccs]
