"""Relay-style connections over keyset pages (records, accountabilities) and search results."""

from __future__ import annotations

import strawberry

from api.cursors import encode
from api.types.common import PageInfo
from api.types.credit_file import Accountability, CreditRecord
from api.types.enums import AccountabilityBasis
from api.types.subject import Organisation, Person, Subject
from graph.access import AccountableRecord, Page, RecordQuery, RecordRow


def _page_info(cursors: list[str], has_next: bool, after: object) -> PageInfo:
    return PageInfo(has_next_page=has_next, has_previous_page=after is not None,
                    start_cursor=cursors[0] if cursors else None, end_cursor=cursors[-1] if cursors else None)


@strawberry.type
class CreditRecordEdge:
    cursor: str
    node: CreditRecord


@strawberry.type
class CreditRecordConnection:
    total_count: int
    page_info: PageInfo
    edges: list[CreditRecordEdge]

    @classmethod
    def from_page(cls, page: Page[RecordRow], query: RecordQuery) -> CreditRecordConnection:
        rows = page.items[: query.first]
        edges = [CreditRecordEdge(cursor=encode([r.decided_on, r.record_id]),
                                  node=CreditRecord.from_row(r, query.as_of)) for r in rows]
        return cls(total_count=page.total, edges=edges,
                   page_info=_page_info([e.cursor for e in edges], len(page.items) > query.first, query.after))


@strawberry.type
class AccountabilityEdge:
    cursor: str
    node: Accountability


@strawberry.type
class AccountabilityConnection:
    total_count: int
    page_info: PageInfo
    edges: list[AccountabilityEdge]

    @classmethod
    def from_page(cls, page: Page[AccountableRecord], query: RecordQuery, person: Person) -> AccountabilityConnection:
        edges = []
        for item in page.items[: query.first]:
            record, org = item.record, item.org
            node = Accountability(person=person, record=CreditRecord.from_row(record, query.as_of),
                                  organisation=Organisation.from_row(org, query.as_of) if org else None,
                                  basis=AccountabilityBasis(item.basis))
            edges.append(AccountabilityEdge(cursor=encode([record.decided_on, record.record_id, item.basis]),
                                            node=node))
        return cls(total_count=page.total, edges=edges,
                   page_info=_page_info([e.cursor for e in edges], len(page.items) > query.first, query.after))


@strawberry.type
class SubjectEdge:
    cursor: str
    node: Subject
    score: float


@strawberry.type
class SubjectConnection:
    total_count: int
    page_info: PageInfo
    edges: list[SubjectEdge]
