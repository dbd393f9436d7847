"""Who is asking (`viewer`) and who has read a file (`accessLog`, 知情权; `securityEvents` for ADMIN)."""

from __future__ import annotations

import base64
import json
from datetime import datetime

import strawberry

from api.auth import Role
from api.context import Info
from api.cursors import check_first, encode, parse_node_id
from api.dates import today
from api.types.common import Agency, PageInfo
from api.types.subject import Subject, subject_object
from graph import audit
from graph.access import OrganisationRow, PersonRow
from graph.errors import Forbidden, UserError

# The credential's Role (api/auth.py), served as the enum ViewerRole: strawberry.enum registers it on the class
# itself, so fields below are annotated with Role.
strawberry.enum(Role, name="ViewerRole",
                description="Decided by the credential in the Authorization header; a request without one is PUBLIC.")


@strawberry.type
class Viewer:
    role: Role
    name: str | None = strawberry.field(description="The credential's label, e.g. '苏州市财政局 采购系统'.")
    agency: Agency | None = strawberry.field(description="The agency the credential acts for.")
    region_code: str | None = strawberry.field(
        description="A GB/T 2260 code prefix (2, 4 or 6 digits) bounding the region the credential sees in "
                    "dashboards; null = all.")
    subject_key: strawberry.Private[tuple[str, str] | None]

    @strawberry.field(description="SUBJECT only: the organisation or person whose own file this is.")
    async def subject(self, info: Info) -> Subject | None:
        if self.subject_key is None:
            return None
        kind, key = self.subject_key
        loaders = info.context.loaders
        row: OrganisationRow | PersonRow | None
        if kind == "ORGANISATION":
            row = await loaders.organisation.load(key)
        else:
            row = await loaders.person.load(key)
        return subject_object(row, today()) if row else None


@strawberry.type(description="Who read a subject's file (知情权). The purpose is shown to ADMIN only.")
class AccessEvent:
    at: datetime
    role: Role
    agency: Agency | None
    operation: str = strawberry.field(
        description="The top-level field that read the file: organisation, person, screen, liabilityTrace, "
                    "neighbourhood, …")
    event_id: strawberry.Private[str]
    purpose_text: strawberry.Private[str | None]

    @strawberry.field
    def purpose(self) -> str | None:  # ADMIN only: api/views.py
        return self.purpose_text


@strawberry.type
class AccessEventEdge:
    cursor: str
    node: AccessEvent


@strawberry.type
class AccessEventConnection:
    total_count: int
    page_info: PageInfo
    edges: list[AccessEventEdge]


@strawberry.type(description="A refused enumeration of ID numbers (access.md): who, which pattern, how many.")
class SecurityEvent:
    at: datetime
    kind: str
    credential_id: str | None
    role: Role
    agency_name: str | None
    pattern: str
    count: int


SUBJECT_TYPES = {"Organisation": "ORGANISATION", "Person": "PERSON"}


def _decode(cursor: str) -> tuple[str, str]:
    """An access-log cursor: [at, eventId]."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        at, event_id = values
        datetime.fromisoformat(at)
        if not isinstance(event_id, str):
            raise ValueError(event_id)
        return at, event_id
    except (ValueError, TypeError, UnicodeDecodeError):
        raise UserError("after: not a cursor of this list; pass an endCursor from pageInfo") from None


@strawberry.type
class AccessQuery:
    @strawberry.field
    def viewer(self, info: Info) -> Viewer:
        p = info.context.principal
        return Viewer(role=p.role, name=p.name, agency=Agency.of(p.agency_name, p.agency_uscc), region_code=p.region,
                      subject_key=(p.subject_kind, p.subject_key) if p.subject_kind and p.subject_key else None)

    @strawberry.field(description="知情权: who read this subject's file, newest first. The subject itself (SUBJECT) "
                                  "and ADMIN only.")
    async def access_log(self, info: Info, subject_id: strawberry.ID, first: int | None = 20,
                         after: str | None = None) -> AccessEventConnection:
        type_name, key = parse_node_id(subject_id)
        if type_name not in SUBJECT_TYPES:
            raise UserError("subjectId: the id of an Organisation or a Person")
        principal = info.context.principal
        if principal.role is Role.SUBJECT and not principal.owns(SUBJECT_TYPES[type_name], key):
            raise Forbidden("accessLog: a SUBJECT credential reads its own access log only")
        limit = check_first(first)
        cursor = _decode(after) if after else None
        total, rows = await audit.access_page(info.context.graph, f"{SUBJECT_TYPES[type_name]}:{key}",
                                              cursor, limit + 1)
        edges = [AccessEventEdge(cursor=encode([r["at"], r["eventId"]]), node=AccessEvent(
            at=datetime.fromisoformat(r["at"]), role=Role(r["role"]),
            agency=Agency.of(r["agencyName"], r["agencyUscc"]),
            operation=r["operation"], event_id=r["eventId"], purpose_text=r["purpose"])) for r in rows[:limit]]
        return AccessEventConnection(total_count=total, edges=edges, page_info=PageInfo(
            has_next_page=len(rows) > limit, has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))

    @strawberry.field(description="ADMIN: refused enumerations of ID numbers, newest first.")
    async def security_events(self, info: Info, first: int | None = 20) -> list[SecurityEvent]:
        rows = await audit.security_events(info.context.graph, check_first(first))
        return [SecurityEvent(at=datetime.fromisoformat(r["at"]), kind=r["kind"], credential_id=r["credentialId"],
                              role=Role(r["role"]), agency_name=r["agencyName"], pattern=r["pattern"],
                              count=r["count"]) for r in rows]
