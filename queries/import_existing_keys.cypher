// READ
// Which of the referenced keys exist, so that the importer can reject rows whose references do not.
RETURN
  COLLECT { UNWIND $usccs AS k MATCH (o:Organisation {uscc: k}) USING INDEX o:Organisation(uscc) RETURN DISTINCT k } AS usccs,
  COLLECT { UNWIND $idNumbers AS k MATCH (p:Person {idNumber: k}) USING INDEX p:Person(idNumber) RETURN DISTINCT k } AS idNumbers,
  COLLECT { UNWIND $recordIds AS k MATCH (r:Record {recordId: k}) USING INDEX r:Record(recordId) RETURN DISTINCT k } AS recordIds,
  COLLECT { UNWIND $entryIds AS k MATCH (e:ListEntry {entryId: k}) USING INDEX e:ListEntry(entryId) RETURN DISTINCT k } AS entryIds,
  COLLECT { UNWIND $measureCodes AS k MATCH (m:Measure {code: k}) USING INDEX m:Measure(code) RETURN DISTINCT k } AS measureCodes
