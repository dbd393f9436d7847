// WRITE
// giveFeedback: take the write lock on the push for the rest of the transaction and read it. Of answers racing on
// one push, the others wait here and then read the winner's committed answer (workflow.md section 5).
MATCH (p:Push {pushId: $pushId})
SET p._lock = true
RETURN p {.*} AS push
