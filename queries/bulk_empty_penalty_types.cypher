// WRITE
// After a bulk load (graph/ingest/bulk.py): records whose row named no penalty type get the empty list that
// import_records sets (the offline importer leaves an empty list unset).
UNWIND $recordIds AS id
MATCH (r:Record {recordId: id}) USING INDEX r:Record(recordId)
SET r.penaltyTypes = []
