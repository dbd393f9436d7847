// READ
// Full-text search over organisation and person names (cjk analyzer), best match first, one page and the total.
CALL () {
  CALL db.index.fulltext.queryNodes('subject_names', $text) YIELD node
  WHERE $kind IS NULL OR ($kind = 'ORGANISATION' AND node:Organisation) OR ($kind = 'PERSON' AND node:Person)
  RETURN count(node) AS total
}
CALL () {
  CALL db.index.fulltext.queryNodes('subject_names', $text) YIELD node, score
  WHERE $kind IS NULL OR ($kind = 'ORGANISATION' AND node:Organisation) OR ($kind = 'PERSON' AND node:Person)
  WITH node, score ORDER BY score DESC, coalesce(node.uscc, node.pid) SKIP $offset LIMIT $limit
  RETURN collect({
    kind: CASE WHEN node:Person THEN 'PERSON' ELSE 'ORGANISATION' END,
    subject: CASE WHEN node:Person THEN node {.pid, .name, .idType, .idNumber} ELSE node {.*} END,
    score: score}) AS hits
}
RETURN total, hits
