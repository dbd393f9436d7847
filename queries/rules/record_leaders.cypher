// record_leaders(org, r): the legal representatives and principals of an organisation on a record's decision
// date (measure 八), by role then name; empty when org is not an organisation (a person's record) or null.
// Names used inside: leader, leaderRole (a caller must not have variables of these names in scope).
COLLECT {
      MATCH ({org}:Organisation)<-[leaderRole:LEGAL_REPRESENTATIVE|PRINCIPAL]-(leader:Person)
      WHERE {{ in_force(leaderRole, {r}.decidedOn) }}
      RETURN leader {.pid, .name, .idType, .idNumber, role: type(leaderRole)} AS person
      ORDER BY person.role, leader.name
    }
