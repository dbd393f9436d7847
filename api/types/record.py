"""CreditRecord (失信信息) and Accountability (measure 八)."""

from __future__ import annotations

from datetime import date

import strawberry

from api.context import Info
from api.cursors import node_id
from api.types.common import Agency
from api.types.enums import AccountabilityBasis, RecordCategory, RecordStatus, Severity
from api.types.lazy import LazyObjection, LazyRepairApplication
from api.types.organisation import Organisation
from api.types.person import Person
from api.types.subject import Node, Subject, load_subject
from graph.access import OrganisationRow, PersonRow, RecordRow
from graph.rules import repairable_from

BASIS_OF_ROLE = {"LEGAL_REPRESENTATIVE": AccountabilityBasis.LEGAL_REPRESENTATIVE_AT_THE_TIME,
                 "PRINCIPAL": AccountabilityBasis.PRINCIPAL_AT_THE_TIME}


@strawberry.type
class CreditRecord(Node):
    record_id: str
    category: RecordCategory
    severity: Severity
    status: RecordStatus
    document_no: str | None
    violation_type: str | None
    facts: str | None
    legal_basis: str | None
    penalty_types: list[str]
    content: str | None
    fine_yuan: float | None = strawberry.field(description="In yuan (the source data gives 万元).")
    confiscated_yuan: float | None
    decided_on: date
    public_until: date | None
    public_until_basis: str | None = strawberry.field(
        description="SOURCE when the source gave 公示截止期, else the publication regime it was computed under.")
    repaired_on: date | None
    revoked_on: date | None
    authority: Agency | None
    source: Agency | None
    row: strawberry.Private[RecordRow]
    as_of: strawberry.Private[date]

    @classmethod
    def from_row(cls, row: RecordRow, as_of: date) -> CreditRecord:
        return cls(
            id=strawberry.ID(node_id("CreditRecord", row.recordId)), record_id=row.recordId,
            category=RecordCategory(row.category), severity=Severity(row.severity),
            status=RecordStatus(row.status), document_no=row.documentNo, violation_type=row.violationType,
            facts=row.facts, legal_basis=row.legalBasis, penalty_types=list(row.penaltyTypes or []),
            content=row.content, fine_yuan=row.fineYuan, confiscated_yuan=row.confiscatedYuan,
            decided_on=row.decidedOn, public_until=row.publicUntil, public_until_basis=row.publicUntilBasis,
            repaired_on=row.repairedOn if row.repairedOn and row.repairedOn <= as_of else None,
            revoked_on=row.revokedOn if row.revokedOn and row.revokedOn <= as_of else None,
            authority=Agency.of(row.authorityName, row.authorityUscc), source=Agency.of(row.sourceName, row.sourceUscc),
            row=row, as_of=as_of,
        )

    @strawberry.field
    async def subject(self, info: Info) -> Subject:
        return await load_subject(info, self.row.subjectKind, self.row.subjectId, self.as_of)

    @strawberry.field
    async def responsible_persons(self, info: Info) -> list[Person]:
        people = await info.context.loaders.record_people.load(self.record_id)
        return [Person.from_row(named.person, self.as_of) for named in people.responsible]

    @strawberry.field(description="Who answers for this record: legal representatives and principals on decidedOn, "
                                  "and the persons named on it.")
    async def accountable_persons(self, info: Info) -> list[Accountability]:
        people = await info.context.loaders.record_people.load(self.record_id)
        found = [Accountability.of(leader.person, self, people.org, BASIS_OF_ROLE[leader.role])
                 for leader in people.leaders]
        found += [Accountability.of(named.person, self, people.org, AccountabilityBasis.NAMED_RESPONSIBLE)
                  for named in people.responsible]
        return found

    # Repair and objections (api/types/repair.py): each field its own loader, so a file that does not ask for them
    # costs nothing more.
    @strawberry.field(description="True on the file's date while an objection against it is under review (shown as "
                                  "disputed, 标注).")
    async def under_objection(self, info: Info) -> bool:
        from api.types.repair import under_objection

        return await under_objection(info, "RECORD", self.record_id, self.as_of)

    @strawberry.field
    async def objections(self, info: Info) -> list[LazyObjection]:
        from api.types.repair import record_objections

        return await record_objections(info, self.record_id, self.row.authorityUscc, self.as_of)

    @strawberry.field
    async def repair_applications(self, info: Info) -> list[LazyRepairApplication]:
        from api.types.repair import record_applications

        return await record_applications(info, self.record_id, self.row.authorityUscc, self.as_of)

    @strawberry.field(description="The first day a repair may be granted; null when a credit office cannot repair it "
                                  "(court defaulters).")
    def repairable_from(self) -> date | None:
        return repairable_from(self.row.category, self.row.severity, self.row.decidedOn)


@strawberry.type
class Accountability:
    person: Person
    record: CreditRecord
    organisation: Organisation | None
    basis: AccountabilityBasis

    @classmethod
    def of(cls, person: PersonRow, record: CreditRecord, org: OrganisationRow | None,
           basis: AccountabilityBasis) -> Accountability:
        return cls(person=Person.from_row(person, record.as_of), record=record,
                   organisation=Organisation.from_row(org, record.as_of) if org else None, basis=basis)
