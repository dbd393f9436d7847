"""The importer against a real Neo4j: every rule of the exchange format with a bad row, computed values,
idempotence and updates."""

from __future__ import annotations

from datetime import date

import pytest

from graph.ingest import exchange
from graph.ingest.importer import Importer, Reject
from tests.exchange_folder import (
    ORG_A,
    ORG_B,
    ORG_FLAGGED,
    ORG_UNKNOWN,
    PERSON_A,
    PERSON_B,
    PERSON_C,
    base_files,
    write_folder,
)


async def run(graph, folder, batch_size: int = 1000):
    rejects: list[Reject] = []
    reports = await Importer(graph, batch_size=batch_size, on_reject=rejects.append).import_folder(folder)
    return {r.file: r for r in reports}, rejects


REC = {"record_id": "R1", "category": "ADMIN_PENALTY", "severity": "GENERAL", "subject_kind": "ORGANISATION",
       "subject_id": ORG_A, "decided_on": "2025-06-01"}
ENTRY = {"entry_id": "L1", "list_type": "BLACKLIST", "domain": "税收", "subject_kind": "ORGANISATION",
         "subject_id": ORG_A, "listed_on": "2025-01-01"}
EVENT = {"event_id": "E1", "event_type": "COMMITMENT", "subject_kind": "ORGANISATION", "subject_id": ORG_A,
         "occurred_on": "2025-01-01"}
ROLE = {"id_number": PERSON_A, "uscc": ORG_A, "role": "LEGAL_REPRESENTATIVE", "start_on": "2020-01-01"}

# (file, bad row, column at fault, words of the reason)
BAD_ROWS = [
    ("organisations.csv", {"uscc": ORG_A[:-1] + "O", "name": "x"}, "uscc", "character 18 is 'O'"),
    ("organisations.csv", {"uscc": ORG_A[:16], "name": "x"}, "uscc", "18 characters, this one has 16"),
    ("organisations.csv", {"uscc": "91440300MA5FAKE001", "name": ""}, "name", "is required and empty"),
    ("organisations.csv", {"uscc": "91440300MA5FAKE002", "name": "x", "established_on": "2020/1/1"},
     "established_on", "YYYY-MM-DD"),
    ("organisations.csv", {"uscc": "91440300MA5FAKE003", "name": "x", "region_code": "4403"}, "region_code",
     "6 digits"),
    ("persons.csv", {"id_number": "110105194912310021", "name": "x"}, "id_number",
     "check character of this number is 'X'"),
    ("persons.csv", {"id_number": "110105194902300021", "name": "x"}, "id_number", "not a real birth date"),
    ("persons.csv", {"id_type": "LICENCE", "id_number": "A1", "name": "x"}, "id_type", "RESIDENT_ID, PASSPORT"),
    ("persons.csv", {"id_number": "11010519491231002", "name": "x"}, "id_number", "18 characters"),
    ("roles.csv", {**ROLE, "role": "CHAIRMAN"}, "role", "LEGAL_REPRESENTATIVE, PRINCIPAL, EXECUTIVE"),
    ("roles.csv", {**ROLE, "end_on": "2019-12-31"}, "end_on", "is before start_on"),
    ("roles.csv", {**ROLE, "id_number": PERSON_C + "X"}, "id_number", "no person with this ID number"),
    ("roles.csv", {**ROLE, "uscc": ORG_UNKNOWN}, "uscc", "no organisation with this USCC"),
    ("shareholdings.csv", {"holder_kind": "PERSON", "holder_id": PERSON_A, "uscc": ORG_A, "percent": "0"},
     "percent", "more than 0"),
    ("shareholdings.csv", {"holder_kind": "PERSON", "holder_id": PERSON_A, "uscc": ORG_A, "percent": "100.5"},
     "percent", "at most 100"),
    ("shareholdings.csv", {"holder_kind": "TRUST", "holder_id": PERSON_A, "uscc": ORG_A}, "holder_kind",
     "ORGANISATION, PERSON"),
    ("shareholdings.csv", {"holder_kind": "ORGANISATION", "holder_id": "9144", "uscc": ORG_A}, "holder_id",
     "not a USCC"),
    ("records.csv", {**REC, "category": "FRAUD"}, "category", "ADMIN_PENALTY"),
    ("records.csv", {**REC, "severity": "DREADFUL"}, "severity", "MINOR, GENERAL, SERIOUS"),
    ("records.csv", {**REC, "subject_kind": "COMPANY"}, "subject_kind", "ORGANISATION, PERSON"),
    ("records.csv", {**REC, "subject_id": ORG_UNKNOWN}, "subject_id", "no organisation with this USCC"),
    ("records.csv", {**REC, "subject_kind": "PERSON", "subject_id": "E99999999"}, "subject_id",
     "no person with this ID number"),
    ("records.csv", {**REC, "fine_wan": "-1"}, "fine_wan", "≥ 0"),
    ("records.csv", {**REC, "confiscated_wan": "lots"}, "confiscated_wan", "number of 万元"),
    ("records.csv", {**REC, "decided_on": ""}, "decided_on", "is required"),
    ("records.csv", {**REC, "decided_on": "2025-02-29"}, "decided_on", "does not exist in the calendar"),
    ("records.csv", {**REC, "repaired_on": "2025-05-01"}, "repaired_on", "is before decided_on"),
    ("records.csv", {**REC, "public_until": "2024-01-01"}, "public_until", "is before decided_on"),
    ("records.csv", {**REC, "authority_uscc": "123"}, "authority_uscc", "not a USCC"),
    ("records.csv", {**REC, "record_id": "R" * 10_000}, "record_id", "at most 200"),  # too long to index
    ("records.csv", {**REC, "decided_on": "9999-12-31"}, "decided_on", "too late to compute"),
    ("record_persons.csv", {"record_id": "NOPE", "id_number": PERSON_A}, "record_id", "no record with this"),
    ("record_persons.csv", {"record_id": "R0", "id_number": "999"}, "id_number", "no person with this ID"),
    ("list_entries.csv", {**ENTRY, "list_type": "GREYLIST"}, "list_type", "BLACKLIST, KEY_ATTENTION, REDLIST"),
    ("list_entries.csv", {**ENTRY, "domain": " "}, "domain", "is required"),
    ("list_entries.csv", {**ENTRY, "domain": "域" * 300}, "domain", "at most 200"),
    ("list_entries.csv", {**ENTRY, "removed_on": "2024-12-31"}, "removed_on", "is before listed_on"),
    ("list_entries.csv", {**ENTRY, "record_id": "NOPE"}, "record_id", "no record with this record_id"),
    ("measures.csv", {"measure_code": "M-X", "name": "x", "list_type": "ANY"}, "list_type", "BLACKLIST"),
    ("measures.csv", {"measure_code": "M-X", "name": ""}, "name", "is required"),
    ("events.csv", {**EVENT, "event_type": "PARTY"}, "event_type", "RECTIFICATION_ORDERED"),
    ("events.csv", {**EVENT, "event_type": "TRAINING", "hours": "0"}, "hours", "more than 0"),
    ("events.csv", {**EVENT, "hours": "3"}, "hours", "only for TRAINING"),
    ("events.csv", {**EVENT, "interview_kind": "WARNING"}, "interview_kind", "only for INTERVIEW"),
    ("events.csv", {**EVENT, "event_type": "INTERVIEW_HELD", "interview_kind": "FRIENDLY"}, "interview_kind",
     "REMINDER, WARNING"),
    ("events.csv", {**EVENT, "entry_id": "NOPE"}, "entry_id", "no list entry with this entry_id"),
    ("events.csv", {**EVENT, "measure_code": "NOPE"}, "measure_code", "no measure with this measure_code"),
]


@pytest.mark.parametrize(("file", "row", "column", "words"), BAD_ROWS,
                         ids=[f"{f}:{c}:{i}" for i, (f, _, c, _w) in enumerate(BAD_ROWS)])
async def test_bad_row_is_rejected_with_column_and_reason_and_the_rest_imported(
    graph, tmp_path, file, row, column, words
) -> None:
    files = base_files()
    files.setdefault("records.csv", []).append({**REC, "record_id": "R0"})
    files.setdefault(file, []).append(row)
    reports, rejects = await run(graph, write_folder(tmp_path, files))
    assert [(r.file, r.column) for r in rejects] == [(file, column)], rejects
    assert words in rejects[0].reason
    assert rejects[0].line == len(files[file]) + 1  # the header is line 1
    assert reports[file].rejected == 1 and reports[file].read == len(files[file])
    rows = await graph.driver.execute_query("MATCH (o:Organisation) RETURN count(o) AS n")
    assert rows.records[0]["n"] == 2  # the good rows went in


async def test_missing_required_column_refuses_the_file_in_one_line(graph, tmp_path) -> None:
    folder = write_folder(tmp_path, base_files())
    (folder / "roles.csv").write_text("id_number,uscc,start_on\n" + f"{PERSON_A},{ORG_A},2020-01-01\n",
                                      encoding="utf-8")
    reports, rejects = await run(graph, folder)
    assert [(r.file, r.line, r.column) for r in rejects] == [("roles.csv", 1, "role")]
    assert "missing from the header" in rejects[0].reason
    assert (reports["roles.csv"].read, reports["roles.csv"].rejected) == (1, 1)


async def test_ragged_row_and_extra_columns_and_bom(graph, tmp_path) -> None:
    folder = write_folder(tmp_path, base_files(), extra_header=("remark",), bom=True)
    with (folder / "organisations.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"{ORG_UNKNOWN},宁波,extra,cells,beyond,the,header,width,here\n")
    reports, rejects = await run(graph, folder)
    assert reports["organisations.csv"].imported == 2
    assert [r.reason for r in rejects] == ["the row has 9 cells but the header has 8; check the quoting"]
    assert reports["persons.csv"].warnings == ["persons.csv: extra columns ignored: remark"]


def org_line(*cells: str) -> str:
    """One organisations.csv line as written by hand: the cells given, the other of the 7 columns empty."""
    return ",".join([*cells, *[""] * (7 - len(cells))])


def accounted(reports: dict) -> None:
    for report in reports.values():
        assert report.read == report.imported + report.rejected, report


async def test_a_cell_over_the_csv_limit_rejects_its_row_and_no_other(graph, tmp_path) -> None:
    files = base_files()
    files["organisations.csv"] += [
        {"uscc": ORG_UNKNOWN, "name": "x", "address": "长" * 140_000},
        {"uscc": "91440300MA0CF0X183", "name": "x", "legal_form": "quoted, " + "x" * 140_000},
        {"uscc": ORG_FLAGGED, "name": "后面的行"},
    ]
    reports, rejects = await run(graph, write_folder(tmp_path, files))
    assert [(r.line, r.column) for r in rejects] == [(4, "address"), (5, "legal_form")]
    assert all("more than 131,072 characters" in r.reason for r in rejects)
    assert (reports["organisations.csv"].imported, reports["organisations.csv"].rejected) == (3, 2)
    assert reports["persons.csv"].imported == 3
    accounted(reports)


async def test_a_line_not_in_utf8_rejects_that_line_and_no_other(graph, tmp_path) -> None:
    folder = write_folder(tmp_path, base_files())
    with (folder / "organisations.csv").open("ab") as handle:
        handle.write(org_line(ORG_UNKNOWN, "广州示例有限公司").encode("gbk") + b"\n")  # line 4
        handle.write(org_line(ORG_FLAGGED, "x", "", "", "", "", '"第一行\n第二行"').encode() + b"\n")  # 5–6
        handle.write(org_line("91440300MA0CF0X183", "x", "", "", "2020/1/1").encode() + b"\n")  # 7
    reports, rejects = await run(graph, folder)
    assert [(r.line, r.column) for r in rejects] == [(4, ""), (7, "established_on")]
    assert rejects[0].reason.startswith("line 4 is not UTF-8") and "广州" not in rejects[0].value
    assert (reports["organisations.csv"].imported, reports["organisations.csv"].rejected) == (3, 2)
    q = graph.driver.execute_query
    org = (await q("MATCH (o:Organisation {uscc: $u}) RETURN o.address AS a", u=ORG_FLAGGED)).records[0]
    assert org["a"] == "第一行\n第二行"
    accounted(reports)


async def test_a_key_twice_in_a_file_is_rejected_naming_the_first_line(graph, tmp_path) -> None:
    files = base_files()
    files["organisations.csv"].append({"uscc": ORG_A.lower(), "name": "改了名"})  # the same key in lower case
    files["records.csv"] = [REC, {**REC, "severity": "SERIOUS"}]
    reports, rejects = await run(graph, write_folder(tmp_path, files))
    assert [(r.file, r.line, r.column) for r in rejects] == [("organisations.csv", 4, "uscc"),
                                                              ("records.csv", 3, "record_id")]
    assert all(r.reason.startswith("same ") and "as line 2" in r.reason for r in rejects)
    assert [(r.imported, r.rejected) for r in (reports["organisations.csv"], reports["records.csv"])] == [
        (2, 1), (1, 1)]
    q = graph.driver.execute_query
    kept = (await q("MATCH (o:Organisation {uscc: $u})-[:RECORD]->(r) RETURN o.name AS n, r.severity AS s",
                    u=ORG_A)).records
    assert [(r["n"], r["s"]) for r in kept] == [("深圳示例通信技术有限公司", "GENERAL")]  # the first rows
    accounted(reports)


async def test_an_id_number_in_lower_case_is_the_same_person_in_every_file(graph, tmp_path) -> None:
    x = PERSON_A.lower()  # its check character is X
    files = base_files()
    files["persons.csv"][0]["id_number"] = x
    files["roles.csv"] = [{**ROLE, "id_number": x}]
    files["shareholdings.csv"] = [{"holder_kind": "PERSON", "holder_id": x, "uscc": ORG_A, "percent": "10"}]
    files["records.csv"] = [{**REC, "subject_kind": "PERSON", "subject_id": x}]
    files["record_persons.csv"] = [{"record_id": "R1", "id_number": x}]
    files["list_entries.csv"] = [{**ENTRY, "subject_kind": "PERSON", "subject_id": x}]
    files["events.csv"] = [{**EVENT, "subject_kind": "PERSON", "subject_id": x}]
    _, rejects = await run(graph, write_folder(tmp_path, files))
    assert rejects == []
    rels = (await graph.driver.execute_query(
        "MATCH (p:Person) WHERE toUpper(p.idNumber) = $n MATCH (p)-[r]-() RETURN p.idNumber AS n, type(r) AS t",
        n=PERSON_A)).records
    assert {r["n"] for r in rels} == {PERSON_A}
    assert sorted(r["t"] for r in rels) == ["EVENT", "LEGAL_REPRESENTATIVE", "LIST_ENTRY", "RECORD", "RESPONSIBLE",
                                            "SHAREHOLDER"]


async def test_no_row_goes_missing_whatever_the_file_holds(graph, tmp_path) -> None:
    folder = write_folder(tmp_path, {})
    header = ",".join(exchange.BY_FILE["organisations.csv"].column_names)
    (folder / "organisations.csv").write_bytes(
        b"\xef\xbb\xbf" + header.encode() + b"\r\n"  # 1: a BOM, CRLF
        + org_line(ORG_A, "甲").encode() + b"\r\n"  # 2
        + org_line(ORG_B, "乙\x00").encode() + b"\r\n"  # 3: a NUL
        + b"\r\n"  # 4: blank, not a row
        + org_line(ORG_UNKNOWN).encode()[:-3] + b"\r\n"  # 5: ragged
        + org_line("91440300MA0CF0X183", "丙").encode() + b"\r"  # 6: an old Mac line end
        + org_line(ORG_FLAGGED, "丁").encode() + b"\n"  # 7
        + org_line(ORG_UNKNOWN, "戊", "", "", "", "", '"never closed').encode() + b"\nmore")  # 8–9: no end quote
    (folder / "persons.csv").write_bytes(b"")
    (folder / "roles.csv").write_text(",".join(exchange.BY_FILE["roles.csv"].column_names) + "\n")
    (folder / "measures.csv").write_text("\nmeasure_code,name,list_type\nM-1,名称,BLACKLIST\n")  # a blank line 1
    (folder / "shareholdings.csv").write_text(f"holder_kind,holder_id\nPERSON,{PERSON_A}\n\nPERSON,{PERSON_B}\n")
    reports, rejects = await run(graph, folder)
    accounted(reports)
    assert [(r.file, r.line) for r in rejects] == [("organisations.csv", 3), ("organisations.csv", 5),
                                                   ("organisations.csv", 8), ("shareholdings.csv", 1)]
    nul, ragged, unclosed, refused = (r.reason for r in rejects)
    assert "NUL" in nul and "7" in ragged and "never closed" in unclosed
    assert refused.endswith("no row of this file was imported (2 rows, lines 2–4)")
    assert [(reports[f].read, reports[f].imported) for f in ("organisations.csv", "measures.csv")] == [(6, 3), (1, 1)]
    assert (reports["shareholdings.csv"].read, reports["shareholdings.csv"].rejected) == (2, 2)
    assert reports["persons.csv"].read == reports["roles.csv"].read == 0


async def test_computed_values_and_flags(graph, tmp_path) -> None:
    files = base_files()
    files["organisations.csv"].append({"uscc": ORG_FLAGGED, "name": "福建示例试点"})
    files["records.csv"] = [{**REC, "severity": "serious", "fine_wan": "1.5", "confiscated_wan": "0.02"},
                            {**REC, "record_id": "R2", "public_until": "2030-01-01"}]
    files["list_entries.csv"] = [{**ENTRY, "list_type": "blacklist"}]
    files["persons.csv"].append({"id_type": "passport", "id_number": "E12345678", "name": "Jane Roe"})
    _, rejects = await run(graph, write_folder(tmp_path, files))
    assert rejects == []
    q = graph.driver.execute_query
    org = (await q("MATCH (o:Organisation {uscc: $u}) RETURN o", u=ORG_FLAGGED)).records[0]["o"]
    assert (org["usccChecksumValid"], org["regionCode"]) == (False, "350100")
    rec = (await q("MATCH (r:Record {recordId: 'R1'}) RETURN r")).records[0]["r"]
    assert (rec["fineYuan"], rec["confiscatedYuan"], rec["severity"]) == (15000.0, 200.0, "SERIOUS")
    assert rec["publicUntil"].to_native() == date(2028, 6, 1) and rec["publicUntilBasis"] == "NDRC-2025-36"
    rec2 = (await q("MATCH (r:Record {recordId: 'R2'}) RETURN r")).records[0]["r"]
    assert (rec2["publicUntil"].to_native(), rec2["publicUntilBasis"]) == (date(2030, 1, 1), "SOURCE")
    entry = (await q("MATCH (:Organisation {uscc: $u})-[:LIST_ENTRY]->(e) RETURN e", u=ORG_A)).records[0]["e"]
    assert (entry["listType"], entry["validUntil"].to_native()) == ("BLACKLIST", date(2028, 1, 1))
    passport = (await q("MATCH (p:Person {idNumber: 'E12345678'}) RETURN p")).records[0]["p"]
    assert passport["idType"] == "PASSPORT" and passport["pid"] and "E12345678" not in passport["pid"]


async def fingerprint(graph) -> tuple:
    """Every node and relationship with its properties (but the random pid), as sorted tuples."""
    q = graph.driver.execute_query
    nodes = (await q("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")).records
    rels = (await q("MATCH (a)-[r]->(b) RETURN type(r) AS t, coalesce(a.uscc, a.idNumber, a.recordId, a.entryId) AS a, "
                    "coalesce(b.uscc, b.recordId, b.entryId, b.eventId) AS b, properties(r) AS p")).records

    def props(p: dict) -> tuple:
        return tuple(sorted((k, str(v)) for k, v in p.items() if k != "pid"))

    return (sorted((tuple(r["l"]), props(r["p"])) for r in nodes),
            sorted((r["t"], r["a"], r["b"], props(r["p"])) for r in rels))


async def test_importing_twice_changes_nothing_and_a_changed_row_updates_its_fact(graph, tmp_path) -> None:
    files = base_files()
    files["roles.csv"] = [ROLE]
    files["records.csv"] = [REC]
    files["record_persons.csv"] = [{"record_id": "R1", "id_number": PERSON_B, "liability": "直接责任人"}]
    files["list_entries.csv"] = [{**ENTRY, "record_id": "R1"}]
    files["events.csv"] = [EVENT]
    folder = write_folder(tmp_path / "a", files)
    await run(graph, folder)
    once = await fingerprint(graph)
    pids = (await graph.driver.execute_query("MATCH (p:Person) RETURN p.idNumber AS n, p.pid AS pid")).records
    await run(graph, folder)
    assert await fingerprint(graph) == once
    pids_again = (await graph.driver.execute_query("MATCH (p:Person) RETURN p.idNumber AS n, p.pid AS pid")).records
    assert {(r["n"], r["pid"]) for r in pids} == {(r["n"], r["pid"]) for r in pids_again}

    files["records.csv"] = [{**REC, "subject_id": ORG_B, "severity": "SERIOUS"}]
    files["list_entries.csv"] = [{**ENTRY, "record_id": ""}]
    await run(graph, write_folder(tmp_path / "b", files))
    q = graph.driver.execute_query
    moved = (await q("MATCH (s)-[:RECORD]->(r:Record {recordId: 'R1'}) RETURN s.uscc AS s, r.severity AS sev")).records
    assert [(r["s"], r["sev"]) for r in moved] == [(ORG_B, "SERIOUS")]
    based = (await q("MATCH (:ListEntry {entryId: 'L1'})-[:BASED_ON]->(r) RETURN count(r) AS n")).records
    assert based[0]["n"] == 0
