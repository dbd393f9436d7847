// READ
// Every objection against the records or list entries ($targetKind RECORD or ENTRY), newest first (the API keeps
// those filed by the file's date, and reads underObjection from them).
UNWIND $targetIds AS tid
MATCH (o:Objection {targetId: tid})
WHERE o.targetKind = $targetKind
WITH o ORDER BY o.filedOn DESC, o.objectionId DESC
RETURN collect(o {.*}) AS rows
