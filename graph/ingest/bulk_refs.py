"""References between the files of a bulk load: a row whose subject, person, record, entry or measure is not among
the rows taken from earlier files is rejected, with the reason `creditfile import` gives when the graph lacks it
(the graph is empty before a bulk load, so "in the graph or earlier in this import" is "earlier in this import").

Which columns refer to what is read from the importer's own table, `importer.REFERENCES`, so both stay one rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from graph.ingest import importer
from graph.ingest.bulk_read import LAST, LINE
from graph.ingest.exchange import BY_FILE, Rejected

# The keys each file provides to the later ones (the nodes queries/import_existing_keys.cypher looks up).
PROVIDES = {"organisations.csv": ("usccs", "uscc"), "persons.csv": ("idNumbers", "id_number"),
            "records.csv": ("recordIds", "record_id"), "list_entries.csv": ("entryIds", "entry_id"),
            "measures.csv": ("measureCodes", "measure_code")}


@dataclass(frozen=True)
class Ref:
    column: str  # the column holding the key
    kind_column: str | None  # ORGANISATION or PERSON in this column decides the kind; None: always `kind`
    kind: str  # usccs, idNumbers, recordIds … (for an organisation when kind_column is set)
    person_kind: str  # the kind for a person (the same as `kind` when kind_column is None)


@dataclass
class Known:
    """The keys taken so far, by kind."""
    keys: dict[str, pl.Series] = field(default_factory=lambda: {k: pl.Series([], dtype=pl.String)
                                                                 for k in importer.REF_WORDS})

    def add(self, file: str, rows: pl.DataFrame) -> None:
        if file in PROVIDES:
            kind, column = PROVIDES[file]
            self.keys[kind] = pl.concat([self.keys[kind], rows[column]]).unique()


def plan(file: str) -> list[Ref]:
    """The references of a file's rows, in the importer's order (the first missing one is the one reported)."""
    refs_of = importer.REFERENCES.get(file)
    if refs_of is None:
        return []
    columns = BY_FILE[file].column_names
    as_person = refs_of(dict.fromkeys(columns, "PERSON"))
    as_org = refs_of(dict.fromkeys(columns, "ORGANISATION"))
    refs = []
    for i, ((person_kind, _, column), (org_kind, _, _)) in enumerate(zip(as_person, as_org, strict=True)):
        kind_column = None
        if person_kind != org_kind:  # which column turns it: the one that, alone ORGANISATION, makes it org_kind
            kind_column = next(c for c in columns
                               if refs_of({**dict.fromkeys(columns, "PERSON"), c: "ORGANISATION"})[i][0] == org_kind)
        refs.append(Ref(column, kind_column, org_kind, person_kind))
    return refs


def check(file: str, rows: pl.DataFrame, known: Known) -> tuple[pl.DataFrame, list[Rejected]]:
    """(the rows whose references are all known, the others rejected naming the first missing one)."""
    refs = plan(file)
    if not refs or rows.height == 0:
        return rows, []
    missing = [_missing(ref, known).alias(f"__missing{i}") for i, ref in enumerate(refs)]
    marked = rows.with_columns(*missing)
    flags = [f"__missing{i}" for i in range(len(refs))]
    bad = pl.any_horizontal(flags)
    rejects: list[Rejected] = []
    for row in marked.filter(bad).iter_rows(named=True):
        ref = refs[next(i for i, f in enumerate(flags) if row[f])]
        kind = ref.kind if ref.kind_column is None or row[ref.kind_column] == "ORGANISATION" else ref.person_kind
        rejects.append(Rejected(row[LINE], row[LAST], ref.column, row[ref.column],
                                f"{importer.REF_WORDS[kind]} in the graph or earlier in this import; add it to "
                                f"{importer.REF_HINT[kind]} first"))
    return marked.filter(~bad).drop(flags), rejects


def _missing(ref: Ref, known: Known) -> pl.Expr:
    key = pl.col(ref.column)
    found = key.is_in(known.keys[ref.kind].implode())
    if ref.kind_column is not None:
        found = (pl.when(pl.col(ref.kind_column) == "ORGANISATION").then(found)
                 .otherwise(key.is_in(known.keys[ref.person_kind].implode())))
    return key.is_not_null() & ~found
