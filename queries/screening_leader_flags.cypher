// READ
// Screening: for each organisation, its legal representatives and principals in office on the date who
// answer (measure 八) elsewhere for an active BLACKLIST entry or a SERIOUS record in its publication period.
// Each leader is looked at once however many of the screened organisations they lead (serial leaders are common).
UNWIND $usccs AS uscc
MATCH (o:Organisation {uscc: uscc})<-[role:LEGAL_REPRESENTATIVE|PRINCIPAL]-(p:Person)
WHERE {{ in_force(role, $asOf) }}
WITH p, collect({uscc: uscc, role: type(role)}) AS screened
CALL (p) {
  MATCH (p)-[led:LEGAL_REPRESENTATIVE|PRINCIPAL]->(other:Organisation)
  CALL (led, other) {
    MATCH (other)-[:LIST_ENTRY]->(e:ListEntry {listType: 'BLACKLIST'})
    WHERE {{ entry_active(e, $asOf) }} AND {{ in_force(led, e.listedOn) }}
    RETURN 'BLACKLIST' AS why, e.entryId AS ref
    UNION
    MATCH (other)-[:RECORD]->(r:Record {severity: 'SERIOUS'})
    WHERE {{ record_public(r, $asOf) }} AND {{ in_force(led, r.decidedOn) }}
    RETURN 'SERIOUS' AS why, r.recordId AS ref
  }
  RETURN other.uscc AS otherUscc, other.name AS otherName, why, collect(ref) AS refs
}
UNWIND screened AS s
WITH s, p, otherUscc, otherName, why, refs WHERE otherUscc <> s.uscc
WITH s, p, otherName, otherUscc, why, refs ORDER BY why, otherUscc
RETURN collect({key: s.uscc, person: p.name, role: s.role, otherName: otherName, otherUscc: otherUscc, why: why,
                refs: refs}) AS rows
