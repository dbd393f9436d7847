// READ
// What the risk rule looks at, per subject and as of a date: its records in their publication period
// (GENERAL, SERIOUS), its active BLACKLIST / KEY_ATTENTION entries, its rectification and interview events,
// and for a person what they answer for under measure 八 (records and entries of the organisations they led on
// the decision or listing date, and records naming them, with the entries resting on those).
UNWIND $subjects AS key
OPTIONAL MATCH (o:Organisation {uscc: key.uscc})
OPTIONAL MATCH (p:Person {pid: key.pid})
WITH key, coalesce(o, p) AS s
WHERE s IS NOT NULL
WITH key,
  COLLECT {
    MATCH (s)-[:RECORD]->(r:Record)
    WHERE r.severity IN ['SERIOUS', 'GENERAL'] AND {{ record_public(r, $asOf) }}
    RETURN r {.recordId, .severity, .category, .decidedOn, .publicUntil} AS r ORDER BY r.decidedOn DESC
  } AS records,
  COLLECT {
    MATCH (s)-[:LIST_ENTRY]->(e:ListEntry)
    WHERE e.listType IN ['BLACKLIST', 'KEY_ATTENTION'] AND {{ entry_active(e, $asOf) }}
    RETURN e {.entryId, .listType, .domain, .listedOn} AS e ORDER BY e.listedOn DESC
  } AS entries,
  COLLECT {
    MATCH (s)-[:EVENT]->(ev:Event)
    WHERE ev.occurredOn <= $asOf
      AND ev.eventType IN ['RECTIFICATION_ORDERED', 'RECTIFICATION_DONE', 'INTERVIEW_REFUSED']
    RETURN ev {.eventId, .eventType, .occurredOn, .dueOn, .recordId, .entryId} AS ev
  } AS events,
  COLLECT {
    MATCH (s:Person)-[role:LEGAL_REPRESENTATIVE|PRINCIPAL]->(org:Organisation)-[:RECORD]->(r:Record)
    WHERE r.severity IN ['SERIOUS', 'GENERAL'] AND {{ record_public(r, $asOf) }}
      AND {{ in_force(role, r.decidedOn) }}
    RETURN r {.recordId, .severity, .category, .decidedOn, .publicUntil, basis: type(role), org: org.name,
              orgUscc: org.uscc} AS r
    UNION
    MATCH (s:Person)-[:RESPONSIBLE]->(r:Record)
    WHERE r.severity IN ['SERIOUS', 'GENERAL'] AND {{ record_public(r, $asOf) }}
    OPTIONAL MATCH (r)<-[:RECORD]-(org:Organisation)
    RETURN r {.recordId, .severity, .category, .decidedOn, .publicUntil, basis: 'NAMED_RESPONSIBLE', org: org.name,
              orgUscc: org.uscc} AS r
  } AS answeredRecords,
  COLLECT {
    MATCH (s:Person)-[role:LEGAL_REPRESENTATIVE|PRINCIPAL]->(org:Organisation)-[:LIST_ENTRY]->(e:ListEntry)
    WHERE e.listType IN ['BLACKLIST', 'KEY_ATTENTION'] AND {{ entry_active(e, $asOf) }}
      AND {{ in_force(role, e.listedOn) }}
    RETURN e {.entryId, .listType, .domain, .listedOn, basis: type(role), org: org.name, orgUscc: org.uscc} AS e
    UNION
    MATCH (s:Person)-[:RESPONSIBLE]->(:Record)<-[:BASED_ON]-(e:ListEntry)<-[:LIST_ENTRY]-(org)
    WHERE e.listType IN ['BLACKLIST', 'KEY_ATTENTION'] AND {{ entry_active(e, $asOf) }}
    RETURN e {.entryId, .listType, .domain, .listedOn, basis: 'NAMED_RESPONSIBLE', org: org.name,
              orgUscc: org.uscc} AS e
  } AS answeredEntries
// One record holding every subject's inputs: the driver decodes one message instead of one per subject.
RETURN collect({key: key, records: records, entries: entries, events: events, answeredRecords: answeredRecords,
                answeredEntries: answeredEntries}) AS rows
