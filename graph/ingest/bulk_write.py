"""The accepted rows of a bulk load as `neo4j-admin database import full` CSV files: the nodes and relationships the
import queries (queries/import_*.cypher) make of the same rows, with the same properties and types.

Node ids are integers, numbered per label in row order (`--id-type=integer`), and each relationship file carries
the ids of its two ends, found here by joining the rows on the nodes' keys: the importer then looks up numbers, not
strings (about a quarter less time at 1,000,000 organisations). A person is found by ID number, as
`MATCH (p:Person {idNumber: …})` finds them: a number held under two ID types links both persons.
A property left empty is not set, as a null in `SET n += $props`; the one thing the CSV cannot say, an empty list
(a record without penalty types), is listed in `ImportFiles.empty_penalty_types` for bulk.py to set afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from graph.ingest import bulk_props

KEY, ID = "__key", "__id"


@dataclass
class ImportFiles:
    """What to hand to neo4j-admin: (label, file) of nodes and (type, file) of relationships (type None: the file
    has a :TYPE column)."""
    folder: Path
    nodes: list[tuple[str, Path]] = field(default_factory=list)
    relationships: list[tuple[str | None, Path]] = field(default_factory=list)
    multiline: bool = False  # a value holds a line break: the importer must be told
    empty_penalty_types: list[str] = field(default_factory=list)
    implementers: int = 0  # measures with an implementer USCC: without one, no entry gets a push
    ids: dict[str, pl.DataFrame] = field(default_factory=dict)  # by label: (KEY, ID) of its nodes

    def write(self, name: str, frame: pl.DataFrame) -> Path:
        path = self.folder / name
        frame.write_csv(path)
        strings = [c for c, t in frame.schema.items() if t == pl.String]
        if strings and not self.multiline:
            self.multiline = bool(frame.select(pl.any_horizontal(pl.col(strings).str.contains("[\r\n]").any()))
                                  .item())
        return path

    def node(self, label: str, key: str, rows: pl.DataFrame, *props: pl.Expr | str) -> None:
        """Nodes of `label` numbered in row order, `key` (a column of `rows`) their key for the relationships."""
        numbered = rows.with_row_index(ID).with_columns(pl.col(ID).cast(pl.Int64))
        self.ids[label] = numbered.select(pl.col(key).alias(KEY), ID)
        self.nodes.append((label, self.write(f"{label}.csv", numbered.select(
            pl.col(ID).alias(f":ID({label})"), *props))))

    def relationship(self, rel_type: str | None, name: str, frame: pl.DataFrame) -> None:
        if frame.height:
            self.relationships.append((rel_type, self.write(name, frame)))

    def ends(self, rows: pl.DataFrame, column: str, label: str, end: str) -> pl.DataFrame:
        """`rows` with, in `end` (:START_ID(label) or :END_ID(label)), the id of the node whose key is in `column`:
        one row per node (persons sharing an ID number), none for a key without a node (the references were
        checked: there is none)."""
        ids = self.ids.get(label)
        if ids is None:
            ids = pl.DataFrame(schema={KEY: pl.String, ID: pl.Int64})
        joined = rows.join(ids.rename({KEY: column, ID: end}), on=column, how="left", maintain_order="left")
        missing = joined[end].null_count()
        if missing:
            raise AssertionError(f"{missing} {label} keys of {column} have no node")
        return joined


def _dated() -> list[pl.Expr]:
    return [pl.col("start_on").dt.strftime("%Y-%m-%d").fill_null("").alias("startKey"),
            pl.col("start_on").alias("startOn:date"), pl.col("end_on").alias("endOn:date")]


def _from_subjects(files: ImportFiles, rows: pl.DataFrame, kind: str, subject: str, rel_type: str, name: str,
                   end: tuple[str, str], props: tuple[pl.Expr, ...] = ()) -> None:
    """Relationships from each row's subject (an organisation by USCC, or persons by ID number) to the node of
    label end[0] keyed by column end[1]."""
    label, key = end
    for subject_label in ("Organisation", "Person"):
        start = f":START_ID({subject_label})"
        part = files.ends(rows.filter(pl.col(kind) == subject_label.upper()), subject, subject_label, start)
        part = files.ends(part, key, label, f":END_ID({label})")
        files.relationship(rel_type, f"{name}-from-{subject_label}.csv", part.select(
            start, f":END_ID({label})", *props))


def organisations(files: ImportFiles, rows: pl.DataFrame) -> None:
    files.node("Organisation", "uscc", rows, "uscc", "name", pl.col("legal_form").alias("legalForm"), "status",
               "address", bulk_props.region_code().alias("regionCode"),
               pl.col("established_on").alias("establishedOn:date"),
               pl.lit(bulk_props.uscc_checksum_valid(rows["uscc"])).alias("usccChecksumValid:boolean"))


def persons(files: ImportFiles, rows: pl.DataFrame) -> None:
    birth, male = bulk_props.person_birth_and_sex(rows)
    files.node("Person", "id_number", rows, pl.col("id_type").alias("idType"), pl.col("id_number").alias("idNumber"),
               pl.lit(bulk_props.random_uuids(rows.height)).alias("pid"), "name", birth.alias("birthDate:date"),
               male.alias("male:boolean"))


def roles(files: ImportFiles, rows: pl.DataFrame) -> None:
    ends = files.ends(rows, "id_number", "Person", ":START_ID(Person)")
    ends = files.ends(ends, "uscc", "Organisation", ":END_ID(Organisation)")
    files.relationship(None, "roles.csv", ends.select(
        ":START_ID(Person)", ":END_ID(Organisation)", pl.col("role").alias(":TYPE"), *_dated(), "title"))


def shareholdings(files: ImportFiles, rows: pl.DataFrame) -> None:
    _from_subjects(files, rows, "holder_kind", "holder_id", "SHAREHOLDER", "shareholdings", ("Organisation", "uscc"),
                   (*_dated(), pl.col("percent").alias("percent:double")))


def records(files: ImportFiles, rows: pl.DataFrame) -> None:
    until, basis = bulk_props.record_period(rows)
    penalties = bulk_props.penalty_types(rows)
    files.empty_penalty_types.extend(rows.filter(penalties.is_null())["record_id"].to_list())
    files.node("Record", "record_id", rows, pl.col("record_id").alias("recordId"), "category", "severity",
               pl.col("document_no").alias("documentNo"), pl.col("violation_type").alias("violationType"), "facts",
               pl.col("legal_basis").alias("legalBasis"), penalties.alias("penaltyTypes:string[]"), "content",
               pl.col("fine_wan").alias("fineYuan:double"), pl.col("confiscated_wan").alias("confiscatedYuan:double"),
               pl.col("decided_on").alias("decidedOn:date"), until.alias("publicUntil:date"),
               basis.alias("publicUntilBasis"), pl.col("repaired_on").alias("repairedOn:date"),
               pl.col("revoked_on").alias("revokedOn:date"), pl.col("authority_name").alias("authorityName"),
               pl.col("authority_uscc").alias("authorityUscc"), pl.col("source_name").alias("sourceName"),
               pl.col("source_uscc").alias("sourceUscc"), *_subject_props())
    _from_subjects(files, rows, "subject_kind", "subject_id", "RECORD", "records", ("Record", "record_id"))


def record_persons(files: ImportFiles, rows: pl.DataFrame) -> None:
    ends = files.ends(rows, "id_number", "Person", ":START_ID(Person)")
    ends = files.ends(ends, "record_id", "Record", ":END_ID(Record)")
    files.relationship("RESPONSIBLE", "record_persons.csv", ends.select(
        ":START_ID(Person)", ":END_ID(Record)", "liability"))


def list_entries(files: ImportFiles, rows: pl.DataFrame) -> None:
    until, basis = bulk_props.entry_validity(rows)
    files.node("ListEntry", "entry_id", rows, pl.col("entry_id").alias("entryId"),
               pl.col("list_type").alias("listType"), "domain", pl.col("listed_on").alias("listedOn:date"),
               until.alias("validUntil:date"), basis.alias("validUntilBasis"),
               pl.col("removed_on").alias("removedOn:date"), "reason", pl.col("authority_name").alias("authorityName"),
               pl.col("authority_uscc").alias("authorityUscc"), pl.col("record_id").alias("recordId"),
               *_subject_props())
    _from_subjects(files, rows, "subject_kind", "subject_id", "LIST_ENTRY", "list_entries", ("ListEntry", "entry_id"))
    based = files.ends(rows.filter(pl.col("record_id").is_not_null()), "entry_id", "ListEntry",
                       ":START_ID(ListEntry)")
    based = files.ends(based, "record_id", "Record", ":END_ID(Record)")
    files.relationship("BASED_ON", "list_entries-based-on.csv", based.select(":START_ID(ListEntry)",
                                                                             ":END_ID(Record)"))


def measures(files: ImportFiles, rows: pl.DataFrame) -> None:
    files.implementers += int(rows["implementer_uscc"].is_not_null().sum())
    files.node("Measure", "measure_code", rows, pl.col("measure_code").alias("code"), "name", "tier",
               pl.col("legal_basis").alias("legalBasis"), pl.col("list_type").alias("listType"), "domain",
               pl.col("implementer_name").alias("implementerName"),
               pl.col("implementer_uscc").alias("implementerUscc"))


def events(files: ImportFiles, rows: pl.DataFrame) -> None:
    files.node("Event", "event_id", rows, pl.col("event_id").alias("eventId"),
               pl.col("event_type").alias("eventType"), pl.col("occurred_on").alias("occurredOn:date"),
               pl.col("due_on").alias("dueOn:date"), pl.col("record_id").alias("recordId"),
               pl.col("entry_id").alias("entryId"), pl.col("measure_code").alias("measureCode"),
               pl.col("interview_kind").alias("interviewKind"), pl.col("hours").alias("hours:double"),
               pl.col("agency_name").alias("agencyName"), pl.col("agency_uscc").alias("agencyUscc"), "details",
               *_subject_props())
    _from_subjects(files, rows, "subject_kind", "subject_id", "EVENT", "events", ("Event", "event_id"))


def _subject_props() -> tuple[pl.Expr, pl.Expr]:
    return pl.col("subject_kind").alias("subjectKind"), pl.col("subject_id").alias("subjectId")


WRITERS = {"organisations.csv": organisations, "persons.csv": persons, "roles.csv": roles,
           "shareholdings.csv": shareholdings, "records.csv": records, "record_persons.csv": record_persons,
           "list_entries.csv": list_entries, "measures.csv": measures, "events.csv": events}
