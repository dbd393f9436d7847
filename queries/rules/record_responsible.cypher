// record_responsible(r): the persons named on a record (measure 八), with their liability, by name.
// Names used inside: namedPerson, naming (a caller must not have variables of these names in scope).
COLLECT {
      MATCH ({r})<-[naming:RESPONSIBLE]-(namedPerson:Person)
      RETURN namedPerson {.pid, .name, .idType, .idNumber, liability: naming.liability} AS person
      ORDER BY namedPerson.name
    }
