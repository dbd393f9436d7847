// record_status(r, day): graph/rules.py record_status. REVOKED / REPAIRED from those days on, EXPIRED after
// publicUntil, else ACTIVE; null while the record is not decided yet.
CASE
    WHEN {r}.decidedOn > {day} THEN null
    WHEN {r}.revokedOn IS NOT NULL AND {r}.revokedOn <= {day} THEN 'REVOKED'
    WHEN {r}.repairedOn IS NOT NULL AND {r}.repairedOn <= {day} THEN 'REPAIRED'
    WHEN {r}.publicUntil IS NOT NULL AND {day} > {r}.publicUntil THEN 'EXPIRED'
    ELSE 'ACTIVE' END
