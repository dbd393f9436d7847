"""The root Query type: entry points into credit files, search, screening and (api/trace.py) exploration."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from typing import Annotated

import strawberry

from api import views
from api.arguments import valid_id_number, valid_uscc
from api.context import Info
from api.cursors import check_first, decode_offset, encode, parse_node_id
from api.dates import shown, today
from api.loop import LoopQuery, push_node
from api.repair import RepairQuery
from api.trace import ExploreQuery
from api.types.access import AccessQuery
from api.types.common import PageInfo
from api.types.credit_file import CreditRecord, ListEntry, repair_node
from api.types.dashboard import DashboardQuery
from api.types.enums import SubjectKind
from api.types.pagination import SubjectConnection, SubjectEdge
from api.types.screening import ScreeningResult, asked, screen_id_number, screen_uscc
from api.types.subject import Node, Organisation, Person, prefetch, subject_object
from graph import access
from graph.access import OrganisationRow, PersonRow
from graph.errors import UserError
from graph.identifiers import IdentifierError, parse_uscc
from graph.rules import entry_active

MAX_SCREEN = 1000
MAX_SEARCH_TEXT = 100  # characters; a name is far shorter, and each one is a clause of the Lucene query
LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')


def valid_search_text(text: str) -> str:
    """Checked here, before Neo4j: a long text makes Lucene refuse the query (TooManyClauses) as a server error."""
    text = text.strip()
    if not text:
        raise UserError("text: give a name, part of a name, or a USCC")
    if len(text) > MAX_SEARCH_TEXT:
        raise UserError(f"text: at most {MAX_SEARCH_TEXT} characters, not {len(text)}; search for a shorter part "
                        "of the name")
    return text


@strawberry.type
class Query(ExploreQuery, AccessQuery, RepairQuery, LoopQuery, DashboardQuery):
    @strawberry.field
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        type_name, key = parse_node_id(id)
        loaders, as_of = info.context.loaders, today()
        if type_name == "Organisation":
            organisation = await loaders.organisation.load(key)
            return Organisation.from_row(organisation, as_of) if organisation else None
        if type_name == "Person":
            person = await loaders.person.load(key)
            return Person.from_row(person, as_of) if person else None
        if type_name == "CreditRecord":
            record = await loaders.record_by_id.load((as_of, key))
            if record is None or not views.record_view(info.context.principal, record.subject.key).shows(
                    record.record.status, record.record.authority_uscc):
                return None
            return CreditRecord.from_row(record.record, as_of)
        if type_name == "ListEntry":
            found = await loaders.entry_by_id.load(key)
            if found is None:
                return None
            entry = found.entry
            active = entry_active(as_of, entry.listed_on, entry.valid_until, entry.removed_on)
            if not views.entry_visible(info.context.principal, entry, as_of, active_only=False, active=active):
                return None
            return ListEntry.from_row(entry, as_of)
        if type_name in ("RepairApplication", "Objection"):
            return await repair_node(info, type_name, key, as_of)
        if type_name == "Push":
            return await push_node(info, key, as_of)
        raise UserError(f"id: {shown(id)} is not an id given out by this API")

    @strawberry.field
    async def organisation(self, info: Info, uscc: str, as_of: date | None = None) -> Organisation | None:
        code, day = valid_uscc(uscc), as_of or today()
        prefetch(info, code, day)
        row = await info.context.loaders.organisation.load(code)
        return Organisation.from_row(row, day) if row else None

    @strawberry.field
    async def person(self, info: Info, id_number: str, as_of: date | None = None) -> Person | None:
        row = await info.context.loaders.person_by_id_number.load(valid_id_number(id_number))
        return Person.from_row(row, as_of or today()) if row else None

    @strawberry.field(description="Full-text search over names (Chinese or Latin), best match first.")
    async def search(self, info: Info,
                     text: Annotated[str, strawberry.argument(description=f"A name, part of a name, or a USCC: at "
                                                                          f"most {MAX_SEARCH_TEXT} characters.")],
                     kind: SubjectKind | None = None, first: int | None = 20,
                     after: str | None = None) -> SubjectConnection:
        first = check_first(first)
        offset, as_of, text = decode_offset(after), today(), valid_search_text(text)
        try:
            exact = parse_uscc(text).code
        except IdentifierError:
            exact = None
        hits: list[tuple[OrganisationRow | PersonRow, float]]
        if exact is not None and (kind is None or kind is SubjectKind.ORGANISATION):
            row = await info.context.loaders.organisation.load(exact)
            hits = [(row, 1.0)] if row and offset == 0 and first > 0 else []
            total = 1 if row else 0
        else:
            # Lower case: the analyzer lower-cases names anyway, and AND/OR/NOT stop being operators.
            query = LUCENE_SPECIAL.sub(r"\\\1", text.lower())
            kinds = views.search_kind(info.context.principal, kind.value if kind else None)
            try:
                total, hits = await access.search(info.context.graph, query, kinds, offset, first)
            except access.SearchRefused as exc:
                raise UserError(f"text: the search index cannot take {shown(text)} ({exc}); use plain words of "
                                "the name") from None
        edges = [SubjectEdge(cursor=encode([offset + i]), node=subject_object(row, as_of), score=score)
                 for i, (row, score) in enumerate(hits)]
        return SubjectConnection(total_count=total, edges=edges, page_info=PageInfo(
            has_next_page=offset + len(edges) < total, has_previous_page=offset > 0,
            start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))

    @strawberry.field(description="Batch check for joint-punishment units: up to 1,000 codes per call, "
                                  "answers in the order asked.")
    async def screen(self, info: Info, usccs: list[str] = [],  # noqa: B006 (never mutated; the contract's default)
                     id_numbers: list[str] = [],  # noqa: B006
                     as_of: date | None = None) -> list[ScreeningResult]:
        if len(usccs) + len(id_numbers) > MAX_SCREEN:
            raise UserError(f"screen takes at most {MAX_SCREEN} codes per call, not {len(usccs) + len(id_numbers)}; "
                            "split the batch")
        day, wanted = as_of or today(), asked(info)
        return list(await asyncio.gather(*[screen_uscc(info, code, day, wanted) for code in usccs],
                                         *[screen_id_number(info, code, day, wanted) for code in id_numbers]))
