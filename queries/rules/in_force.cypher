// in_force(rel, day): graph/rules.py in_force. A dated role or holding on a day: from startOn (unknown = since
// ever) to endOn (none = still), both days included.
({rel}.startOn IS NULL OR {rel}.startOn <= {day}) AND ({rel}.endOn IS NULL OR {rel}.endOn >= {day})
