// entry_active(e, day): graph/rules.py entry_active. A list entry is active from listedOn until removedOn (that
// day excluded) or validUntil (that day included), whichever comes first.
// listedOn stays a plain comparison: dashboard_entries_national seeks the list_entry_listed_on index with it. The
// end dates are compared inside coalesce, not as `IS NULL OR ...`: the planner would split such an OR into a union
// of two index seeks (screening_leader_flags).
{e}.listedOn <= {day} AND NOT coalesce({e}.removedOn <= {day}, false) AND NOT coalesce({day} > {e}.validUntil, false)
