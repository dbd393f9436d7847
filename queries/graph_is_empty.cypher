// READ
// Whether the graph holds no organisation yet (the demo set is loaded only then).
RETURN NOT EXISTS { MATCH (:Organisation) } AS empty
