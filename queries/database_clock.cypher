// READ
// The database's clock: the moment a subscription starts, on the same clock as the pushes' changedAt.
RETURN datetime() AS now
