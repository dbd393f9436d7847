// READ
// Which of the referenced keys exist, so that the importer can reject rows whose references do not.
RETURN
  COLLECT { UNWIND $usccs AS k MATCH (:Organisation {uscc: k}) RETURN DISTINCT k } AS usccs,
  COLLECT { UNWIND $idNumbers AS k MATCH (:Person {idNumber: k}) RETURN DISTINCT k } AS idNumbers,
  COLLECT { UNWIND $recordIds AS k MATCH (:Record {recordId: k}) RETURN DISTINCT k } AS recordIds,
  COLLECT { UNWIND $entryIds AS k MATCH (:ListEntry {entryId: k}) RETURN DISTINCT k } AS entryIds,
  COLLECT { UNWIND $measureCodes AS k MATCH (:Measure {code: k}) RETURN DISTINCT k } AS measureCodes
