// READ
// For each record: the persons named on it and the legal representatives and principals of its
// organisation on the decision date (measure 八).
UNWIND $recordIds AS rid
MATCH (r:Record {recordId: rid})
OPTIONAL MATCH (r)<-[:RECORD]-(o:Organisation)
RETURN rid AS key, o {.*} AS org,
  {{ record_responsible(r) }} AS responsible,
  {{ record_leaders(o, r) }} AS leaders
