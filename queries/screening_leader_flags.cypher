// READ
// Screening: for each organisation, its legal representatives and principals in office on the date who
// answer (measure 八) elsewhere for an active BLACKLIST entry or a SERIOUS record in its publication period.
// Each leader is looked at once however many of the screened organisations they lead (serial leaders are common).
UNWIND $usccs AS uscc
MATCH (o:Organisation {uscc: uscc})<-[role:LEGAL_REPRESENTATIVE|PRINCIPAL]-(p:Person)
WHERE (role.startOn IS NULL OR role.startOn <= $asOf) AND (role.endOn IS NULL OR role.endOn >= $asOf)
WITH p, collect({uscc: uscc, role: type(role)}) AS screened
CALL (p) {
  MATCH (p)-[led:LEGAL_REPRESENTATIVE|PRINCIPAL]->(other:Organisation)
  CALL (led, other) {
    MATCH (other)-[:LIST_ENTRY]->(e:ListEntry {listType: 'BLACKLIST'})
    WHERE e.listedOn <= $asOf AND NOT coalesce(e.removedOn <= $asOf, false) AND NOT coalesce($asOf > e.validUntil, false)
      AND (led.startOn IS NULL OR led.startOn <= e.listedOn) AND (led.endOn IS NULL OR led.endOn >= e.listedOn)
    RETURN 'BLACKLIST' AS why, e.entryId AS ref
    UNION
    MATCH (other)-[:RECORD]->(r:Record {severity: 'SERIOUS'})
    WHERE r.decidedOn <= $asOf AND NOT coalesce(r.revokedOn <= $asOf, false)
      AND NOT coalesce(r.repairedOn <= $asOf, false) AND NOT coalesce($asOf > r.publicUntil, false)
      AND (led.startOn IS NULL OR led.startOn <= r.decidedOn) AND (led.endOn IS NULL OR led.endOn >= r.decidedOn)
    RETURN 'SERIOUS' AS why, r.recordId AS ref
  }
  RETURN other.uscc AS otherUscc, other.name AS otherName, why, collect(ref) AS refs
}
UNWIND screened AS s
WITH s, p, otherUscc, otherName, why, refs WHERE otherUscc <> s.uscc
WITH s, p, otherName, otherUscc, why, refs ORDER BY why, otherUscc
RETURN collect({key: s.uscc, person: p.name, role: s.role, otherName: otherName, otherUscc: otherUscc, why: why,
                refs: refs}) AS rows
