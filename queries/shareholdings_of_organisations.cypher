// READ
// Holdings in the organisations (shareholders) and of the organisations (investments), all dates.
UNWIND $usccs AS uscc
MATCH (o:Organisation {uscc: uscc})
CALL (o) {
  MATCH (o)<-[s:SHAREHOLDER]-(h)
  RETURN 'SHAREHOLDER' AS side, s, h, o AS held
  UNION ALL
  MATCH (o)-[s:SHAREHOLDER]->(held:Organisation)
  RETURN 'INVESTMENT' AS side, s, o AS h, held
}
RETURN uscc AS key, side, s.percent AS percent, s.startOn AS startOn, s.endOn AS endOn,
       CASE WHEN h:Person THEN 'PERSON' ELSE 'ORGANISATION' END AS holderKind,
       CASE WHEN h:Person THEN h {.pid, .name, .idType, .idNumber} ELSE h {.*} END AS holder,
       held {.*} AS org
