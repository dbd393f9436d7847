// record_public(r, day): a record in its publication period on a day (graph/rules.py record_status is ACTIVE):
// decided, neither revoked nor repaired, not past publicUntil.
// decidedOn stays a plain comparison beside the status, so that the planner may seek the record_decided_on index.
{r}.decidedOn <= {day} AND {{ record_status({r}, {day}) }} = 'ACTIVE'
